"""The orders' use cases: place an order, move it along its states, record its payment, read it back
as the order record. Every function stages its work in the caller's unit of work; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pyarrow as pa
from sqlalchemy import func, select

from ponte.accounts import service as accounts
from ponte.catalog import service as catalog
from ponte.kernel.errors import ConflictError, NotFoundError, ValidationError
from ponte.kernel.ids import new_id
from ponte.orders import core, placing
from ponte.orders.intake import OrderIn, PaymentIn, buyer_tax_id, check_order
from ponte.orders.rows import to_tables
from ponte.orders.states import STATES, check_move
from ponte.orders.store import (
    Buyer,
    BuyerRepository,
    Order,
    OrderEvent,
    OrderLine,
    OrderRepository,
    OrderSearch,
)
from ponte.platform.db import UnitOfWork
from ponte.platform.pagination import Page

__all__ = [
    "STATES",
    "Order",
    "buyer",
    "export_tables",
    "get",
    "history",
    "load_order",
    "load_orders",
    "move",
    "order_counts",
    "page",
    "place_order",
    "record_payment",
    "set_trade_mode",
]


def place_order(uow: UnitOfWork, tenant_id: str, order_in: OrderIn, at: datetime) -> Order:
    """Validate and stage an order (the caller commits). Raises naming every broken rule."""
    session = uow.session
    orders = OrderRepository(session, tenant_id)
    if orders.by_external_ref(order_in.external_ref) is not None:
        raise ConflictError(
            f"order {order_in.external_ref!r} exists; send an Idempotency-Key to retry safely",
            field="external_ref",
            rule="unique-per-seller",
        )
    products = catalog.rows_by_sku(uow, tenant_id, [line.sku for line in order_in.lines])
    problems = check_order(order_in, set(products))
    if problems:
        raise ValidationError.of(problems)

    buyer = _buyer_for(uow, tenant_id, order_in, at)
    values = placing.line_values(order_in, products)
    goods = placing.goods_value(values)
    too_much = placing.total_violation(order_in, goods)
    if too_much is not None:
        raise ValidationError(too_much.message, field=too_much.field, rule=too_much.rule)
    order = Order(
        **placing.order_values(order_in, new_id("ord"), buyer.id, goods, at),
        lines=[OrderLine(**v) for v in values],
    )
    orders.add(order)
    orders.add_event(order.id, "placed", at, order_in.channel)
    if order_in.payment is not None:
        _pay(orders, order, order_in.payment, at)
    return order


def record_payment(uow: UnitOfWork, tenant_id: str, order_id: str, payment: PaymentIn, at: datetime) -> Order:
    """Record the buyer's payment of an order (once; a second, different payment is refused)."""
    orders = OrderRepository(uow.session, tenant_id)
    order = orders.get(order_id)
    if order.status in ("cancelled", "returned"):
        raise ConflictError(f"a {order.status} order takes no payment", field="status", rule="order-open")
    if order.payment_ref is not None:
        if order.payment_ref == payment.transaction_id:
            return order
        raise ConflictError(
            f"the order is paid by transaction {order.payment_ref!r}",
            field="transaction_id",
            rule="paid-once",
        )
    _pay(orders, order, payment, at)
    uow.session.flush()
    return order


def _pay(orders: OrderRepository, order: Order, payment: PaymentIn, at: datetime) -> None:
    total = order.goods_value + order.freight + order.insurance - order.discount
    amount = payment.amount if payment.amount is not None else total
    order.payment_ref = payment.transaction_id
    order.paid_at = payment.paid_at or at
    order.paid_amount = amount
    order.payment_company = payment.company_code
    orders.add_event(order.id, "paid", at, payment.transaction_id)


def move(uow: UnitOfWork, tenant_id: str, order_id: str, to: str, at: datetime, note: str = "") -> Order:
    """Move an order to ``to`` and record the event (the caller commits).

    The move is a compare-and-set on the state it was read in: of two concurrent moves of one order,
    one wins and the other gets a 409 naming the rule.
    """
    orders = OrderRepository(uow.session, tenant_id)
    order = orders.get(order_id)
    check_move(order.status, to)
    if not orders.compare_and_set(order.id, order.status, to):
        raise ConflictError(
            "the order changed meanwhile; read it again", field="status", rule="concurrent-change"
        )
    uow.session.refresh(order, ["status"])
    orders.add_event(order.id, to, at, note)
    uow.session.flush()
    return order


def set_trade_mode(
    uow: UnitOfWork, tenant_id: str, order_id: str, trade_mode: str, at: datetime, note: str
) -> Order:
    """Record the trade mode the order really ships under (the fulfilment choice), with why, in its history."""
    if trade_mode not in ("9610", "9710", "9810", "1210"):
        raise ValidationError("one of 9610, 9710, 9810, 1210", field="trade_mode", rule="allowed-values")
    orders = OrderRepository(uow.session, tenant_id)
    order = orders.get(order_id)
    if order.trade_mode != trade_mode:
        order.trade_mode = trade_mode
        orders.add_event(order.id, "trade_mode", at, f"{trade_mode}: {note}")
        uow.session.flush()
    return order


def get(uow: UnitOfWork, tenant_id: str, order_id: str) -> Order:
    """The stored order (with its lines), or a 404 naming it."""
    return OrderRepository(uow.session, tenant_id).get(order_id)


def order_counts(uow: UnitOfWork, tenant_id: str | None) -> dict[str, int]:
    """How many orders each tenant has (``tenant_id`` None: every tenant)."""
    query = select(Order.tenant_id, func.count()).group_by(Order.tenant_id)
    if tenant_id is not None:
        query = query.where(Order.tenant_id == tenant_id)
    return {t: int(n) for t, n in uow.session.execute(query)}


def page(
    uow: UnitOfWork,
    tenant_id: str,
    cursor: str | None,
    limit: int,
    status: str | None = None,
    destination: str | None = None,
) -> Page[Order]:
    return OrderRepository(uow.session, tenant_id).page(cursor, limit, status, destination)


def search(
    uow: UnitOfWork,
    tenant_id: str | None,
    cursor: str | None,
    limit: int,
    text: str | None = None,
    status: str | None = None,
    destination: str | None = None,
) -> tuple[Page[Order], dict[str, int]]:
    """Orders newest first matching a search (order number, id or payment reference), one page, and
    how many of them are in each state. ``tenant_id`` None reads every tenant (the park operator)."""
    found = OrderSearch(uow.session, tenant_id)
    return found.page(cursor, limit, text, status, destination), found.counts(text, destination)


def find(uow: UnitOfWork, tenant_id: str | None, order_id: str) -> tuple[Order, core.Buyer]:
    """One order and its buyer as given with it (identity, and this order's delivery address and
    contact); ``tenant_id`` None finds it in any tenant (the park operator)."""
    order = OrderSearch(uow.session, tenant_id).get(order_id)
    return order, order.buyer_as_given(BuyerRepository(uow.session, order.tenant_id).get(order.buyer_id))


def buyer(uow: UnitOfWork, tenant_id: str, buyer_id: str) -> Buyer:
    return BuyerRepository(uow.session, tenant_id).get(buyer_id)


def history(uow: UnitOfWork, tenant_id: str, order_id: str) -> list[OrderEvent]:
    orders = OrderRepository(uow.session, tenant_id)
    orders.get(order_id)
    return orders.events(order_id)


def load_orders(uow: UnitOfWork, tenant_id: str, order_ids: Sequence[str]) -> list[core.Order]:
    """The order records of these ids (those that exist for the tenant), in the order asked."""
    rows = OrderRepository(uow.session, tenant_id).many(order_ids)
    if not rows:
        return []
    buyers = BuyerRepository(uow.session, tenant_id).many(sorted({r.buyer_id for r in rows}))
    products = catalog.records_by_id(
        uow, tenant_id, {ln.product_id for r in rows for ln in r.lines if ln.product_id}
    )
    seller = accounts.seller(uow, tenant_id)
    return [r.record(buyers[r.buyer_id], seller, products) for r in rows]


def load_order(uow: UnitOfWork, tenant_id: str, order_id: str) -> core.Order:
    found = load_orders(uow, tenant_id, [order_id])
    if not found:
        raise NotFoundError("order", order_id)
    return found[0]


def export_tables(
    uow: UnitOfWork,
    tenant_id: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    status: str | None = None,
    page: int = 1000,
) -> dict[str, pa.Table]:
    """The tenant's orders (placed in [since, until), in a state) as Ponte's orders dataset tables."""
    if status is not None and status not in STATES:
        raise ValidationError(
            f"status must be one of {', '.join(STATES)}", field="status", rule="order-state"
        )
    orders = OrderRepository(uow.session, tenant_id)
    records: list[core.Order] = []
    after: str | None = None
    while True:
        ids = orders.ids(since, until, status, after, page)
        if not ids:
            break
        records.extend(load_orders(uow, tenant_id, ids))
        after = ids[-1]
        uow.session.expunge_all()  # pages of rows are not kept in the session
    return to_tables(records)


def _buyer_for(uow: UnitOfWork, tenant_id: str, order_in: OrderIn, at: datetime) -> Buyer:
    """The returning buyer with this tax ID, or a new one (found by blind index, not plaintext)."""
    buyers = BuyerRepository(uow.session, tenant_id)
    data = order_in.buyer
    checked = buyer_tax_id(data)
    index = Buyer.index_for(data.address.country, checked.number)
    existing = buyers.by_tax_id_index(index)
    if existing is not None:
        return existing
    return buyers.add(Buyer(**placing.buyer_values(order_in, new_id("byr"), checked, index, at)))

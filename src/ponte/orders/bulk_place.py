"""A file's orders placed many at a time, storing exactly what ``service.place_order`` stores for each.

``prepare`` checks a chunk of parsed orders with the rules of placing one (unique external reference per
seller, ``intake.check_order``, the total that may not go negative), finds or creates each buyer by blind
index, and gives every accepted order as the record ``service.load_order`` would read back, to be quoted;
``stage`` writes the accepted orders, their lines, new buyers and events in a few statements. Both stage
in the caller's unit of work: the caller commits the chunk whole, or nothing of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from ponte.accounts import service as accounts
from ponte.catalog import service as catalog
from ponte.kernel.errors import Violation
from ponte.kernel.ids import new_id
from ponte.orders import core, placing
from ponte.orders.bulk_store import BulkOrders
from ponte.orders.csv_upload import ParsedOrder, RowError, errors_from
from ponte.orders.intake import buyer_tax_id, check_order
from ponte.orders.store import Buyer, Order

__all__ = ["Accepted", "Prepared", "prepare", "stage"]


@dataclass
class Accepted:
    item: ParsedOrder
    order: dict[str, Any]  # the orders row
    lines: list[dict[str, Any]]  # its order_lines rows
    buyer: dict[str, Any] | None  # a new buyer's row, when this order is the first of that buyer
    record: core.Order  # as it reads back once stored

    @property
    def id(self) -> str:
        return str(self.order["id"])


@dataclass
class Prepared:
    accepted: list[Accepted] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def prepare(uow: Any, tenant_id: str, items: Sequence[ParsedOrder], at: datetime) -> Prepared:
    """Check the chunk's orders as placing each alone would; nothing is written yet."""
    repo = BulkOrders(uow.session, tenant_id)
    out = Prepared()
    existing = repo.existing_refs([i.external_ref for i in items])
    products = catalog.rows_by_sku(uow, tenant_id, sorted({ln.sku for i in items for ln in i.order.lines}))
    known = set(products)
    records = catalog.records_by_id(uow, tenant_id, {p.id for p in products.values()})
    seller = accounts.seller(uow, tenant_id)
    checked: list[tuple[ParsedOrder, Any, str]] = []
    for item in items:
        if item.external_ref in existing:
            out.errors.extend(errors_from([_exists(item.external_ref)], item.rows))
            continue
        problems = check_order(item.order, known)
        if problems:
            out.errors.extend(errors_from(problems, item.rows))
            continue
        tax_id = buyer_tax_id(item.order.buyer)
        checked.append((item, tax_id, Buyer.index_for(item.order.buyer.address.country, tax_id.number)))
    buyers: dict[str, Any] = repo.buyers_by_index([index for _, _, index in checked])
    for item, tax_id, index in checked:
        lines = placing.line_values(item.order, products)
        goods = placing.goods_value(lines)
        too_much = placing.total_violation(item.order, goods)
        if too_much is not None:
            out.errors.extend(errors_from([too_much], item.rows))
            continue
        new_buyer = None
        buyer = buyers.get(index)
        if buyer is None:  # the first order of this buyer creates it; the chunk's next ones find it
            new_buyer = placing.buyer_values(item.order, new_id("byr"), tax_id, index, at)
            buyer = buyers[index] = _StagedBuyer(**new_buyer)
        # the record is read from rows not yet written, with the values as given, as placing one order reads
        # it back within its unit of work (``load_order`` finds the staged objects), so both quote the same
        order = placing.order_values(item.order, new_id("ord"), buyer.id, goods, at)
        staged = _StagedOrder(**order, tenant_id=tenant_id, live_session_id=None, paid_at=None, payment_ref=None,
                              lines=[SimpleNamespace(**ln) for ln in lines])  # fmt: skip
        record = staged.record(buyer, seller, records)  # type: ignore[misc,arg-type]  # the same attributes
        out.accepted.append(Accepted(item, order, lines, new_buyer, record))
    return out


class _StagedBuyer(SimpleNamespace):
    """A new buyer's row before it is written, read by the ORM row's own mapping (the ORM objects themselves
    cost more to build than the rest of a row's placing)."""

    record = Buyer.record
    as_given = Buyer.as_given


class _StagedOrder(SimpleNamespace):
    """An order's row before it is written, read by the ORM row's own mapping."""

    record = Order.record
    buyer_as_given = Order.buyer_as_given


def _exists(ref: str) -> Violation:
    return Violation(
        "external_ref", "unique-per-seller", f"order {ref!r} exists; send an Idempotency-Key to retry safely"
    )


def stage(
    uow: Any,
    tenant_id: str,
    accepted: Sequence[Accepted],
    outcomes: Mapping[str, tuple[str, str]],
    at: datetime,
) -> list[Accepted]:
    """Write the accepted orders that have an outcome (their state after quoting and the note of that
    move), with their lines, new buyers and history (``placed``, then the move), as placing and moving
    each one records it. Returns the orders written."""
    written = [a for a in accepted if a.id in outcomes]
    needed = {a.order["buyer_id"] for a in written}
    buyers: list[dict[str, Any]] = []
    orders: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for a in accepted:  # a buyer first met in an order that was not written is still needed by a later one
        if a.buyer is not None and a.buyer["id"] in needed:
            buyers.append(a.buyer)
    for a in written:
        state, note = outcomes[a.id]
        orders.append({**a.order, "status": state})
        lines.extend({**ln, "order_id": a.id} for ln in a.lines)
        events.append({"order_id": a.id, "at": at, "kind": "placed", "detail": a.order["channel"]})
        events.append({"order_id": a.id, "at": at, "kind": state, "detail": note[:2000]})
    BulkOrders(uow.session, tenant_id).insert(buyers, orders, lines, events)
    return written

"""The orders' bulk use cases, for jobs that take or move a whole day of orders at once (``ponte process
--database``): a tenant's selected orders read out as Ponte's orders dataset tables (the same tables
``ponte export`` writes, personal data decrypted in memory only, as ``export_tables`` does), and many
orders moved along their journey in one statement, each move a compare-and-set on the state it was read in,
with its events. Every function stages its work in the caller's unit of work; the caller commits."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import String, Text, select, text, type_coerce

from ponte.accounts import service as accounts
from ponte.catalog import service as catalog
from ponte.kernel.errors import ValidationError
from ponte.orders.columns import SCHEMAS, conform
from ponte.orders.rows import product_table, seller_table
from ponte.orders.states import STATES, check_move
from ponte.orders.store import Buyer, Order, OrderEvent, OrderLine
from ponte.platform.bulk import copy_rows, select_arrow, stage
from ponte.platform.crypto import cipher
from ponte.platform.db import UnitOfWork

__all__ = ["Move", "advance", "read_tables"]

_TS = pa.timestamp("us", tz="UTC")
_AMOUNT = pa.decimal128(24, 6)

_ORDER_COLUMNS = (
    "id", "tenant_id", "external_ref", "channel", "direction", "trade_mode", "buyer_id", "destination",
    "destination_region", "currency", "freight", "insurance", "discount", "status", "live_session_id",
    "placed_at", "paid_at", "payment_ref", "paid_amount", "payment_company",
)  # fmt: skip
_LINE_COLUMNS = (
    "order_id", "tenant_id", "line_no", "product_id", "sku", "hs_code", "origin_country", "quantity",
    "unit_price",
)  # fmt: skip
_SECRET = ("name", "tax_id")  # the buyer's identity (encrypted)
_SHIP = ("ship_address", "ship_phone", "ship_email")  # each order's delivery address and contact (encrypted)


def _arrow_type(name: str, table: str) -> pa.DataType:
    schema = SCHEMAS[table]
    if name in ("freight", "insurance", "discount", "paid_amount", "unit_price"):
        return _AMOUNT  # read exact, then held to the dataset's type by ``conform``
    return schema.field(name).type if name in schema.names else pa.string()


def _selected(
    tenant_id: str, since: datetime | None, until: datetime | None, status: str | None
) -> list[Any]:
    where = [Order.tenant_id == tenant_id]
    if since is not None:
        where.append(Order.placed_at >= since)
    if until is not None:
        where.append(Order.placed_at < until)
    if status is not None:
        where.append(Order.status == status)
    return where


def read_tables(
    uow: UnitOfWork,
    tenant_id: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    status: str | None = None,
) -> dict[str, pa.Table]:
    """The tenant's orders placed in [since, until) (in ``status``) as the orders dataset's tables, read in
    bulk: orders, lines and buyers straight from their tables (COPY on PostgreSQL), products and the seller
    from their slices. The same tables as ``export_tables`` gives for the same orders."""
    if status is not None and status not in STATES:
        raise ValidationError(
            f"status must be one of {', '.join(STATES)}", field="status", rule="order-state"
        )
    session = uow.session
    where = _selected(tenant_id, since, until, status)
    cols = [
        *(getattr(Order, n).label(n) for n in _ORDER_COLUMNS),
        *(type_coerce(getattr(Order, n), Text()).label(n) for n in _SHIP),  # ciphertext, decrypted below
    ]
    schema = pa.schema(
        [*((n, _arrow_type(n, "orders")) for n in _ORDER_COLUMNS), *((n, pa.string()) for n in _SHIP)]
    )
    orders = select_arrow(session, select(*cols).where(*where).order_by(Order.id), schema)
    chosen = select(Order.id).where(*where)
    line_cols = [getattr(OrderLine, n).label(n) for n in _LINE_COLUMNS]
    line_schema = pa.schema([(n, _arrow_type(n, "lines")) for n in _LINE_COLUMNS])
    lines = select_arrow(
        session,
        select(*line_cols)
        .where(OrderLine.order_id.in_(chosen))
        .order_by(OrderLine.order_id, OrderLine.line_no),
        line_schema,
    )
    buyer_cols = [
        *(getattr(Buyer, n).label(n) for n in ("id", "tenant_id", "country", "kind", "tax_id_kind")),
        *(type_coerce(getattr(Buyer, n), Text()).label(n) for n in _SECRET),  # ciphertext, decrypted below
    ]
    buyer_names = ["id", "tenant_id", "country", "kind", "tax_id_kind", *_SECRET]
    buyers = select_arrow(
        session,
        select(*buyer_cols)
        .where(Buyer.tenant_id == tenant_id, Buyer.id.in_(select(Order.buyer_id).where(*where)))
        .order_by(Buyer.id),
        pa.schema([(n, pa.string()) for n in buyer_names]),
    )
    wanted = sorted(set(pc.unique(lines["product_id"]).drop_null().to_pylist()))
    products = product_table(catalog.records_by_id(uow, tenant_id, wanted).values())
    sellers = seller_table([accounts.seller(uow, tenant_id)]) if orders.num_rows else seller_table([])
    lines = _lines(lines, products)
    buyers, buyer_of = _buyers(buyers, orders)
    orders = orders.set_column(orders.schema.get_field_index("buyer_id"), "buyer_id", buyer_of)
    return {
        "orders": _orders(orders, lines),
        "lines": conform("lines", lines),
        "products": products,
        "buyers": buyers,
        "sellers": sellers,
    }


def _lines(lines: pa.Table, products: pa.Table) -> pa.Table:
    """Each line's value and net weight (the product's weight times the quantity, as ``Line.net_weight``)."""
    at = pc.index_in(lines["product_id"], value_set=products["id"].combine_chunks())
    unit_kg = pc.take(products["weight_kg"], at)
    qty = pc.cast(lines["quantity"], pa.decimal128(12, 0))
    value = pc.multiply(lines["unit_price"], qty)
    weight = pc.multiply(pc.cast(unit_kg, pa.decimal128(18, 3)), qty)
    return lines.append_column("line_total", value).append_column("weight_kg", weight)


def _orders(orders: pa.Table, lines: pa.Table) -> pa.Table:
    """Goods value, total, weight and line count of each order, summed over its lines."""
    sums = lines.group_by("order_id").aggregate(
        [("line_total", "sum"), ("weight_kg", "sum"), ("line_no", "count")]
    )
    at = pc.index_in(orders["id"], value_set=sums["order_id"].combine_chunks())
    goods = pc.fill_null(pc.take(sums["line_total_sum"], at), 0)
    total = pc.subtract(
        pc.add(pc.add(pc.cast(goods, _AMOUNT), orders["freight"]), orders["insurance"]), orders["discount"]
    )
    out = (
        orders.append_column("goods_value", pc.cast(goods, _AMOUNT))
        .append_column("total", total)
        .append_column("weight_kg", pc.take(sums["weight_kg_sum"], at))
        .append_column("line_count", pc.cast(pc.fill_null(pc.take(sums["line_no_count"], at), 0), pa.int32()))
    )
    return conform("orders", out)


def _buyers(raw: pa.Table, orders: pa.Table) -> tuple[pa.Table, pa.Array]:
    """The buyers as each order gave them (identity from the buyer, delivery address and contact from the
    order), personal data decrypted in memory only, as ``to_tables`` writes them: a buyer who gave another
    address with a later order is carried for that order as a row of its own (``<buyer>-<order>``), orders
    taken in id order. Returns the buyers and each order's buyer row."""
    box = cipher()

    def plain(v: str | None) -> str | None:
        return None if v is None else box.decrypt(v)

    who = {
        r["id"]: (r["country"], r["kind"], plain(r["name"]), r["tax_id_kind"], plain(r["tax_id"]))
        for r in raw.to_pylist()
    }
    rows: dict[str, dict[str, Any]] = {}
    of: list[str] = []
    cols = [orders[n].to_pylist() for n in ("id", "tenant_id", "buyer_id", *_SHIP)]
    for oid, tenant, bid, address_c, phone_c, email_c in zip(*cols, strict=True):
        country, kind, name, tax_kind, tax_id = who[bid]
        a = json.loads(plain(address_c) or "{}")
        row = {
            "id": bid,
            "tenant_id": tenant,
            "country": a.get("country", country),
            "kind": kind,
            "name": name,
            "tax_id_kind": tax_kind,
            "tax_id": tax_id,
            "phone": plain(phone_c),
            "email": plain(email_c),
            "street": a.get("line1", ""),
            "city": a.get("city", ""),
            "region": a.get("region"),
            "postal_code": a.get("postal_code", ""),
        }
        if rows.setdefault(bid, row) != row:  # another address than the buyer's first order's
            row["id"] = f"{bid}-{oid}"
            rows[row["id"]] = row
        of.append(row["id"])
    loose = pa.schema([pa.field(f.name, f.type) for f in SCHEMAS["buyers"]])
    table = pa.Table.from_pylist(list(rows.values()), schema=loose)
    return conform("buyers", table), pa.array(of, pa.string())


@dataclass(frozen=True)
class Move:
    """One order's moves of a job: from the state it was read in, through each step (kind, note), to the
    last; ``trade_mode`` when its fulfilment changed it (recorded among the steps as ``trade_mode``)."""

    order_id: str
    start: str
    steps: tuple[tuple[str, str], ...]
    trade_mode: str | None = None

    @property
    def end(self) -> str:
        states = [k for k, _ in self.steps if k in STATES]
        return states[-1] if states else self.start

    @property
    def changes(self) -> bool:
        """Whether the order's row changes (a state, or its trade mode)."""
        return self.end != self.start or self.trade_mode is not None

    def check(self) -> None:
        state = self.start
        for kind, _ in self.steps:
            if kind in STATES:
                check_move(state, kind)
                state = kind


def advance(uow: UnitOfWork, tenant_id: str, moves: Sequence[Move], at: datetime) -> set[str]:
    """Move every order from the state it was read in to its last step in one compare-and-set statement,
    with its trade mode, and record each step as an event. An order that is no longer in that state (moved
    meanwhile, or already moved by an earlier run) is left as it is. Returns the ids of the orders moved."""
    for m in moves:
        m.check()
    moves = [m for m in moves if m.changes]
    if not moves:
        return set()
    session = uow.session
    staged = stage(
        session,
        "stage_order_moves",
        [("order_id", String(40)), ("start", String(12)), ("finish", String(12)), ("mode", String(4))],
        [(m.order_id, m.start, m.end, m.trade_mode) for m in moves],
    )
    moved = {
        str(r[0])
        for r in session.execute(
            text(
                f"UPDATE orders SET status = s.finish, trade_mode = COALESCE(s.mode, orders.trade_mode) "
                f'FROM "{staged.name}" AS s WHERE orders.id = s.order_id AND orders.tenant_id = :tenant '
                "AND orders.status = s.start RETURNING orders.id"
            ),
            {"tenant": tenant_id},
        )
    }
    events = [
        (m.order_id, tenant_id, at, kind, detail[:2000])
        for m in moves
        if m.order_id in moved
        for kind, detail in m.steps
    ]
    copy_rows(session, OrderEvent.__table__, ["order_id", "tenant_id", "at", "kind", "detail"], events)
    return moved

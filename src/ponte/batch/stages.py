"""The stages before consolidation, each ``(table(s), context) -> table`` over one partition and each a thin
call of its capability: the landed cost of every line (the duties' batch path, held equal to the scalar engine
the API and the journey use), the verdict, the fulfilment choice, and the parcel of every order that goes on
(``logistics.parcel_for``: weights, carton, dangerous-goods and perishable class from the products)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ponte.batch.context import JobContext
from ponte.batch.records import FULFILMENT_SCHEMA, PARCEL_SCHEMA
from ponte.duties.orders_batch import OrderQuotes, quote_orders
from ponte.fulfilment.batch import choose_tables
from ponte.kernel.errors import PonteError
from ponte.logistics.packing import parcel_for
from ponte.logistics.shipping import OrderParcel
from ponte.orders.core import Order
from ponte.orders.dataset import Rejected, records
from ponte.reference.markets import market

__all__ = [
    "AIR_MODES",
    "FULFILMENT_BY_MODE",
    "choose_fulfilment",
    "order_records",
    "pack_parcels",
    "quote_lines",
    "read_records",
    "under_modes",
    "with_modes",
]

Reject = dict[str, str | None]

#: Trade modes whose parcel flies from the park (the journey's rule: ``journey.service.AIR_MODES``).
AIR_MODES = ("9610", "9710")
#: The name of each trade mode's fulfilment.
FULFILMENT_BY_MODE = {
    "9610": "direct-air-parcel",
    "9710": "b2b-direct-export",
    "9810": "overseas-warehouse",
    "1210": "bonded-import",
}


def read_records(tables: dict[str, pa.Table]) -> list[Order | Rejected]:
    """The partition's orders as records (or why one cannot be read), in input order: read once, then given to
    every stage that needs them."""
    return list(records(tables))


def under_modes(read: Sequence[Order | Rejected], fulfilment: pa.Table) -> list[Order | Rejected]:
    """The records with each order under the trade mode its fulfilment chose: the records ``with_modes``'
    tables give (whether a row can be read does not depend on its trade mode, only the field changes)."""
    chosen: dict[str, str | None] = {}
    for oid, mode in zip(
        fulfilment["order_id"].to_pylist(), fulfilment["trade_mode"].to_pylist(), strict=True
    ):
        chosen.setdefault(oid, mode)  # the first row of an id, as ``pc.index_in`` takes it
    out: list[Order | Rejected] = []
    for rec in read:
        mode = chosen.get(rec.id) if isinstance(rec, Order) else None
        if isinstance(rec, Order) and mode is not None and mode != rec.trade_mode:
            rec = replace(rec, trade_mode=mode)
        out.append(rec)
    return out


def order_records(
    tables: dict[str, pa.Table], read: Sequence[Order | Rejected] | None = None
) -> tuple[list[Order], list[Reject]]:
    """The partition's orders as records, in input order; an order that cannot be read is a reject."""
    out: list[Order] = []
    rejects: list[Reject] = []
    for rec in records(tables) if read is None else read:
        if isinstance(rec, Rejected):
            for v in rec.problems or []:
                rejects.append(_reject(rec.order_id, "read", v.field, v.rule, v.message))
        else:
            out.append(rec)
    return out, rejects


def _reject(order_id: str | None, stage: str, fld: str, rule: str, message: str) -> Reject:
    return {"order_id": order_id, "stage": stage, "field": fld, "rule": rule, "message": message}


def quote_lines(
    tables: dict[str, pa.Table], ctx: JobContext, read: Sequence[Order | Rejected] | None = None
) -> OrderQuotes:
    """Stage ``quotes``: every order's landed cost, line by line, and its verdict (status and reasons)."""
    return quote_orders(tables, ctx.quoting, read=read)


def choose_fulfilment(
    tables: dict[str, pa.Table], ctx: JobContext, read: Sequence[Order | Rejected] | None = None
) -> pa.Table:
    """Stage ``fulfilment``: how each order ships, chosen by the fulfilment capability's batch path
    (``fulfilment.batch.choose_tables``: the direct air parcel, an overseas or bonded warehouse's stock, B2B,
    under the seller's rules; the same answer as its scalar core, order by order). An order it cannot choose
    for keeps its trade mode, with the reason."""
    orders = tables["orders"]
    known = None if read is None else {(r.id if isinstance(r, Order) else r.order_id): r for r in read}
    got = choose_tables(tables, ctx.choosing, known).table
    at = pc.index_in(orders["id"], value_set=got["order_id"].combine_chunks())
    modes = pc.take(got["mode"], at).to_pylist()
    sites = pc.take(got["site"], at).to_pylist()
    errors = pc.take(got["error"], at).to_pylist()
    reasons = pc.take(got["reason"], at).to_pylist()
    own = orders["trade_mode"].to_pylist()
    cols: dict[str, list[Any]] = {name: [] for name in FULFILMENT_SCHEMA.names}
    for oid, mode, site, error, reason, mine in zip(
        orders["id"].to_pylist(), modes, sites, errors, reasons, own, strict=True
    ):
        chosen = mode or mine
        cols["order_id"].append(oid)
        cols["trade_mode"].append(chosen)
        cols["fulfilment"].append(FULFILMENT_BY_MODE.get(chosen, "unknown") + (f" {site}" if site else ""))
        cols["by_air"].append(site is None and chosen in AIR_MODES)
        cols["chosen_by"].append(f"fulfilment: {reason}" if mode else f"trade-mode: {error or 'no option'}")
    return pa.table(cols, schema=FULFILMENT_SCHEMA)


def with_modes(tables: dict[str, pa.Table], fulfilment: pa.Table) -> dict[str, pa.Table]:
    """The tables with each order under the trade mode its fulfilment chose (the journey moves the order to
    it and quotes it again: China's channel follows the mode)."""
    orders = tables["orders"]
    at = pc.index_in(orders["id"], value_set=fulfilment["order_id"].combine_chunks())
    chosen = pc.coalesce(pc.take(fulfilment["trade_mode"], at), orders["trade_mode"])
    index = orders.schema.get_field_index("trade_mode")
    return {**tables, "orders": orders.set_column(index, "trade_mode", chosen)}


def _route(order: Order, by_air: bool) -> tuple[str, str] | None:
    """None for an air parcel (its lane comes from the network); a warehouse order leaves stock kept in the
    buyer's market (``journey.fulfil``)."""
    if by_air:
        return None
    near = market(order.destination, "destination").airports[0]
    return near, near


def pack_parcels(
    orders: Sequence[Order], quotes: pa.Table, fulfilment: pa.Table, ctx: JobContext
) -> tuple[list[OrderParcel], pa.Table, list[Reject]]:
    """Stage ``parcels``: the parcel of every order whose quote lets it through (a held order is not packed,
    as in the journey); an order that cannot be packed (no lane of the network, no lines) is a reject."""
    status = dict(zip(quotes["order_id"].to_pylist(), quotes["status"].to_pylist(), strict=True))
    air = dict(zip(fulfilment["order_id"].to_pylist(), fulfilment["by_air"].to_pylist(), strict=True))
    parcels: list[OrderParcel] = []
    rejects: list[Reject] = []
    for o in orders:
        if status.get(o.id) != "allowed":
            continue
        try:
            parcels.append(parcel_for(o, lanes=ctx.lanes, route=_route(o, bool(air.get(o.id)))))
        except PonteError as exc:
            for v in exc.violations or []:
                rejects.append(_reject(o.id, "parcel", v.field, v.rule, v.message))
            if not exc.violations:
                rejects.append(_reject(o.id, "parcel", exc.field or "", exc.rule or "", exc.message))
    return parcels, parcel_table(parcels, air), rejects


def parcel_table(parcels: Sequence[OrderParcel], air: dict[str, Any]) -> pa.Table:
    cols: dict[str, list[Any]] = {name: [] for name in PARCEL_SCHEMA.names}
    for p in parcels:
        for name, value in (
            ("parcel_id", p.id),
            ("order_id", p.order_id),
            ("tenant_id", p.tenant_id),
            ("shipper", p.shipper or p.tenant_id),
            ("by_air", bool(air.get(p.order_id))),
            ("gross_kg", p.gross.kg),
            ("net_kg", p.net.kg),
            ("length_cm", p.box.length_cm),
            ("width_cm", p.box.width_cm),
            ("height_cm", p.box.height_cm),
            ("handling_class", p.handling_class),
            ("dangerous_goods", p.dangerous_goods),
            ("perishable", p.perishable),
            ("cargo_aircraft_only", p.cargo_aircraft_only),
            ("shc", list(p.shc)),
            ("origin", p.origin),
            ("destination", p.destination),
            ("ready_at", p.ready_at),
        ):
            cols[name].append(value)
    return pa.table(cols, schema=PARCEL_SCHEMA)


def money(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)

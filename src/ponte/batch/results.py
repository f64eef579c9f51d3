"""The per-order result table of a partition, assembled column by column (each stage's table taken in the
orders' order by key; nothing rebuilt row by row)."""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa
import pyarrow.compute as pc

from ponte.batch.records import RESULT_SCHEMA

__all__ = ["result_table"]


def _take(table: pa.Table, key: str, ids: pa.Array, column: str) -> pa.Array:
    """``table[column]`` for each of ``ids`` (null where ``ids`` has no row)."""
    index = pc.index_in(ids, value_set=table[key].combine_chunks())
    return (
        table[column].combine_chunks().take(index)
        if table.num_rows
        else pa.nulls(len(ids), table.schema.field(column).type)
    )


def result_table(
    orders: pa.Table,
    quotes: pa.Table,
    fulfilment: pa.Table,
    parcels: pa.Table,
    assignments: pa.Table,
    not_booked: Mapping[str, str],
    customs: pa.Table,
) -> pa.Table:
    orders = orders.sort_by("id")
    ids = orders["id"].combine_chunks()
    placed = pc.is_valid(_take(assignments, "order_id", ids, "flight"))
    has_parcel = pc.is_valid(_take(parcels, "order_id", ids, "parcel_id"))
    id_list = ids.to_pylist()
    status = _take(quotes, "order_id", ids, "status").to_pylist()
    why: list[str | None] = []
    for oid, st, p, pl in zip(id_list, status, has_parcel.to_pylist(), placed.to_pylist(), strict=True):
        if pl:
            why.append(None)
        elif st != "allowed":
            why.append(f"quote {st or 'missing'}: not packed")
        elif not p:
            why.append("no parcel: see rejects")
        else:
            why.append(not_booked.get(oid, "no flight with room in the window"))
    dec = RESULT_SCHEMA.field("total_tax").type
    cols = {
        "order_id": ids,
        "tenant_id": orders["tenant_id"],
        "placed_on": pc.cast(orders["placed_at"], pa.date32()),
        "destination": orders["destination"],
        "direction": orders["direction"],
        "trade_mode": pc.coalesce(
            _take(fulfilment, "order_id", ids, "trade_mode"), orders["trade_mode"].combine_chunks()
        ),
        "status": pa.array(status, pa.string()),
        "regime": _take(quotes, "order_id", ids, "regime"),
        "treatment": _take(quotes, "order_id", ids, "treatment"),
        "currency": _take(quotes, "order_id", ids, "currency"),
        "goods_value": pc.cast(orders["goods_value"], RESULT_SCHEMA.field("goods_value").type),
        "total_tax": pc.cast(_take(quotes, "order_id", ids, "total_tax"), dec),
        "landed_cost": pc.cast(_take(quotes, "order_id", ids, "landed_cost"), dec),
        "reasons": _take(quotes, "order_id", ids, "reasons"),
        "fulfilment": _take(fulfilment, "order_id", ids, "fulfilment"),
        "parcel_id": _take(parcels, "order_id", ids, "parcel_id"),
        "handling_class": _take(parcels, "order_id", ids, "handling_class"),
        "gross_kg": _take(parcels, "order_id", ids, "gross_kg"),
        "placed": placed,
        "flight": _take(assignments, "order_id", ids, "leg"),
        "departs": _take(assignments, "order_id", ids, "departs"),
        "house": _take(assignments, "order_id", ids, "house"),
        "master": _take(assignments, "order_id", ids, "master"),
        "not_shipped": pa.array(why, pa.string()),
        "customs": _take(customs, "order_id", ids, "customs"),
        "messages": _take(customs, "order_id", ids, "messages"),
        "unsigned": _take(customs, "order_id", ids, "unsigned"),
        "customs_problems": _take(customs, "order_id", ids, "problems"),
        "documents": _take(customs, "order_id", ids, "documents"),
    }
    return pa.table({f.name: pc.cast(cols[f.name], f.type) for f in RESULT_SCHEMA}, schema=RESULT_SCHEMA)

"""The fulfilment choice for a whole table of orders (Ponte's orders dataset), columnar.

An order's options depend only on what it carries — its market and region, currency, direction, buyer
kind, day (the rules in force), freight, insurance and discount, whether it comes from a live session, its
lines (line number, SKU, product, quantity, price, tariff line, origin) — and, for each warehouse, on the
local day its cut-off puts the order in. Those facts are encoded column by column (pyarrow, numpy) into one
key per order; orders with the same key have the same options and the same choice, so the scalar core
(``choose``) runs once per distinct key and its answer is spread back over the table. The differential test
(``tests/fulfilment/test_fulfilment_batch.py``) holds the table equal to the scalar core, order by order.
Every order is chosen against the same stock (the journey reserves it order by order).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ponte.fulfilment.choose import choose
from ponte.fulfilment.model import Choice
from ponte.fulfilment.options import Inputs
from ponte.kernel.errors import PonteError
from ponte.orders.core import Order
from ponte.orders.rows import Rejected, records

__all__ = ["RESULT_SCHEMA", "BatchChoices", "choose_tables"]

RESULT_SCHEMA = pa.schema(
    [
        ("order_id", pa.string()),
        ("chosen", pa.string()),
        ("mode", pa.string()),
        ("site", pa.string()),
        ("reason", pa.string()),
        ("currency", pa.string()),
        ("landed_cost", pa.string()),
        ("logistics_cost", pa.string()),
        ("total_cost", pa.string()),
        ("delivery_days", pa.int32()),
        ("promised", pa.date32()),
        ("options", pa.int32()),
        ("error", pa.string()),
    ]
)


@dataclass(frozen=True)
class BatchChoices:
    table: pa.Table  # RESULT_SCHEMA, one row per order in the input's order
    distinct: int  # how many distinct keys the scalar core was run for
    choices: dict[int, Choice | str]  # by group: the scalar answer (or the error) of its first order

    def summary(self) -> dict[str, Any]:
        chosen = self.table["mode"].to_pylist()
        reasons = self.table["reason"].to_pylist()
        by_mode: dict[str, int] = {}
        for m in chosen:
            by_mode[m or "none"] = by_mode.get(m or "none", 0) + 1
        by_reason: dict[str, int] = {}
        for r in reasons:
            by_reason[r or "error"] = by_reason.get(r or "error", 0) + 1
        return {
            "orders": self.table.num_rows,
            "distinct": self.distinct,
            "by_mode": dict(sorted(by_mode.items())),
            "by_reason": dict(sorted(by_reason.items())),
            "errors": self.table.num_rows - self.table["error"].null_count,
        }


def _codes(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Integer codes of a column's values (null is -1), equal values equal codes."""
    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if not (pa.types.is_string(arr.type) or pa.types.is_integer(arr.type) or pa.types.is_date(arr.type)):
        arr = pc.cast(arr, pa.string())
    enc = pc.dictionary_encode(arr)
    return np.asarray(enc.indices.fill_null(-1), dtype=np.int64)  # type: ignore[no-any-return]


def _site_days(
    placed: pa.ChunkedArray, utc_day: np.ndarray, dest: pa.ChunkedArray, inputs: Inputs
) -> list[np.ndarray]:
    """For each site: the local day its cut-off puts the order in, relative to the order's UTC day (0 for an
    order to another market, which the site does not serve)."""
    out = []
    for site in sorted(inputs.sites, key=lambda s: s.code):
        serves = np.asarray(pc.fill_null(pc.equal(dest, site.country), False))
        local = pc.local_timestamp(pc.cast(placed, pa.timestamp("us", site.time_zone)))
        day = np.asarray(pc.cast(pc.cast(local, pa.date32()), pa.int32()), dtype=np.int64)
        if site.cut_off_local is not None:
            c = site.cut_off_local
            cut = ((c.hour * 60 + c.minute) * 60 + c.second) * 1_000_000 + c.microsecond
            midnight = np.asarray(
                pc.cast(pc.cast(pc.cast(local, pa.date32()), pa.timestamp("us")), pa.int64())
            )
            tod = np.asarray(pc.cast(local, pa.int64())) - midnight
            day = day + (tod > cut)
        out.append(np.where(serves, day - utc_day, 0))
    return out


def _baskets(lines: pa.Table, order_ids: pa.Array, n: int) -> np.ndarray:
    """One code per order for its lines (every fact of each line), equal baskets equal codes."""
    owner = np.asarray(pc.index_in(lines["order_id"], value_set=order_ids).fill_null(-1), dtype=np.int64)
    line_no = np.asarray(lines["line_no"].fill_null(0), dtype=np.int64)
    fields = [
        lines[c]
        for c in ("line_no", "sku", "product_id", "quantity", "unit_price", "hs_code", "origin_country")
    ]
    text = pc.binary_join_element_wise(*[pc.cast(f, pa.string()).fill_null("\x00") for f in fields], "\x1f")
    code = _codes(text)
    order = np.lexsort((line_no, owner))
    owner, code = owner[order], code[order]
    keep = owner >= 0
    owner, code = owner[keep], code[keep]
    starts = np.searchsorted(owner, np.arange(n + 1))
    position = np.arange(owner.size) - starts[owner]
    width = int(position.max(initial=-1)) + 1
    grid = np.full((n, max(width, 1)), -1, dtype=np.int64)  # each order's line codes, in line order
    grid[owner, position] = code
    return _groups(grid)


def _groups(key: np.ndarray) -> np.ndarray:
    """One dense code per distinct row of ``key``: columns folded in one by one, re-coded after each."""
    code = np.zeros(key.shape[0], dtype=np.int64)
    for j in range(key.shape[1]):
        _, col = np.unique(key[:, j], return_inverse=True)
        _, code = np.unique(code * (int(col.max(initial=0)) + 1) + col, return_inverse=True)
    return code.reshape(-1)


def choose_tables(
    tables: dict[str, pa.Table], inputs: Inputs, read: Mapping[str, Order | Rejected] | None = None
) -> BatchChoices:
    """The choice of every order of the dataset's tables. ``read``: the tables' records by order id
    (``records(tables)``) when the caller has them already (they are not read again)."""
    inputs = replace(inputs, memo={})
    orders = tables["orders"]
    n = orders.num_rows
    ids = orders["id"].combine_chunks()
    buyers = tables["buyers"]
    at = pc.index_in(orders["buyer_id"], value_set=buyers["id"].combine_chunks())
    kind = pc.take(buyers["kind"], at)
    placed = orders["placed_at"]
    if placed.type.tz is None:
        placed = pc.assume_timezone(placed, "UTC")
    utc = pc.cast(placed, pa.timestamp("us", str(UTC)))
    day = np.asarray(pc.cast(pc.cast(pc.local_timestamp(utc), pa.date32()), pa.int32()), dtype=np.int64)
    live = np.asarray(
        pc.or_(
            pc.fill_null(pc.equal(orders["channel"], "live"), False), pc.is_valid(orders["live_session_id"])
        )
    ).astype(np.int64)
    columns = [
        _codes(orders[c])
        for c in (
            "destination",
            "destination_region",
            "currency",
            "direction",
            "freight",
            "insurance",
            "discount",
        )
    ]
    key = np.column_stack(
        [
            *columns,
            _codes(kind),
            live,
            day,
            _baskets(tables["lines"], ids, n),
            *_site_days(utc, day, orders["destination"], inputs),
        ]
    )
    group = _groups(key)
    _, first = np.unique(group, return_index=True)
    reps = pc.take(ids, pa.array(first))
    if read is None:
        chosen: Iterable[Order | Rejected] = records(_only(tables, reps))
    else:
        wanted = set(reps.to_pylist())
        chosen = (rec for oid, rec in read.items() if oid in wanted)
    answers: dict[str, Choice | str] = {}
    for rec in chosen:
        if isinstance(rec, Rejected):
            answers[rec.order_id] = "; ".join(f"{v.field}: {v.rule}" for v in rec.problems)
            continue
        try:
            answers[rec.id] = choose(rec, inputs)
        except PonteError as exc:
            answers[rec.id] = f"{exc.field}: {exc.rule}"
    by_group = {g: answers.get(str(reps[g]), "unreadable") for g in range(len(first))}
    return BatchChoices(_spread(ids, group, by_group), len(first), by_group)


def _only(tables: dict[str, pa.Table], ids: pa.Array) -> dict[str, pa.Table]:
    mask = pc.is_in(tables["orders"]["id"], value_set=ids)
    orders = tables["orders"].filter(mask)
    lines = tables["lines"].filter(pc.is_in(tables["lines"]["order_id"], value_set=ids))
    buyers = tables["buyers"].filter(
        pc.is_in(tables["buyers"]["id"], value_set=orders["buyer_id"].combine_chunks())
    )
    products = tables["products"].filter(
        pc.is_in(tables["products"]["id"], value_set=lines["product_id"].combine_chunks())
    )
    return {**tables, "orders": orders, "lines": lines, "buyers": buyers, "products": products}


def _spread(ids: pa.Array, group: np.ndarray, by_group: dict[int, Choice | str]) -> pa.Table:
    cols: dict[str, list[Any]] = {name: [] for name in RESULT_SCHEMA.names if name != "order_id"}
    for g in range(len(by_group)):
        c = by_group[g]
        o = c.chosen if isinstance(c, Choice) else None
        cols["chosen"].append(o.key if o else None)
        cols["mode"].append(o.legs[0].mode if o else None)
        cols["site"].append(next((leg.site for leg in o.legs if leg.site), None) if o else None)
        cols["reason"].append(c.reason if isinstance(c, Choice) else None)
        cols["currency"].append(o.currency if o else None)
        cols["landed_cost"].append(str(o.landed_cost) if o else None)
        cols["logistics_cost"].append(str(o.logistics_cost) if o else None)
        cols["total_cost"].append(str(o.total_cost) if o else None)
        cols["delivery_days"].append(o.delivery_days if o else None)
        cols["promised"].append(o.promised if o else None)
        cols["options"].append(len(c.options) if isinstance(c, Choice) else None)
        cols["error"].append(c if isinstance(c, str) else None)
    take = pa.array(group)
    arrays = [ids] + [
        pc.take(pa.array(cols[f.name], f.type), take) for f in RESULT_SCHEMA if f.name != "order_id"
    ]
    return pa.Table.from_arrays(arrays, schema=RESULT_SCHEMA)

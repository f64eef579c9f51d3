"""The job's input: one or more orders datasets (``orders.dataset``), read and split into (day, destination)
partitions, columnar. What cannot be read is reported, never fatal to the rest: a corrupt or wrong file is
one reject naming the file (its orders are not run), an order without its day or destination, or to a market
Ponte does not serve, is one reject naming the order, the field and the rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ponte.batch.records import REJECT_SCHEMA, Part
from ponte.kernel.errors import PonteError
from ponte.orders import dataset
from ponte.reference.markets import market

__all__ = ["Inputs", "Tables", "inputs_of", "read_inputs", "rejects_table"]

Tables = dict[str, pa.Table]


@dataclass
class Inputs:
    """The partitions' tables, and what was rejected on reading."""

    parts: dict[Part, Tables]
    rejects: list[dict[str, str | None]] = field(default_factory=list)

    @property
    def orders(self) -> int:
        return sum(t["orders"].num_rows for t in self.parts.values())

    def days(self) -> tuple[date, date] | None:
        days = sorted({p.day for p in self.parts})
        return (days[0], days[-1]) if days else None


def _reject(order_id: str | None, fld: str, rule: str, message: str) -> dict[str, str | None]:
    return {"order_id": order_id, "stage": "read", "field": fld, "rule": rule, "message": message}


def rejects_table(rows: Sequence[dict[str, str | None]]) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=REJECT_SCHEMA)


def _known_markets(codes: list[str]) -> set[str]:
    out = set()
    for code in codes:
        try:
            market(code, "destination")
            out.add(code)
        except PonteError:
            continue
    return out


def _concat(tables: list[Tables]) -> Tables:
    if len(tables) == 1:
        return tables[0]
    return {name: pa.concat_tables([t[name] for t in tables]) for name in tables[0]}


def read_inputs(paths: Sequence[Path], days: set[date] | None = None) -> Inputs:
    """Every readable file's orders, split by (day, destination), each partition with its own lines, products,
    buyers and sellers; ``days`` keeps only those days."""
    found: list[Tables] = []
    rejects: list[dict[str, str | None]] = []
    for path in paths:
        try:
            found.append(dataset.read_tables(path))
        except PonteError as exc:
            rejects.append(_reject(None, exc.field or str(path), exc.rule or "readable", exc.message))
    if not found:
        return Inputs({}, rejects)
    return inputs_of(_concat(found), days, rejects)


def inputs_of(
    tables: Tables, days: set[date] | None = None, rejects: list[dict[str, str | None]] | None = None
) -> Inputs:
    """The orders dataset's tables (read from files, or from the database) split by (day, destination);
    an order without its day or destination, or to a market Ponte does not serve, is a reject."""
    rejects = rejects if rejects is not None else []
    orders = tables["orders"]
    day = pc.cast(orders["placed_at"], pa.date32())
    dest = orders["destination"]
    known = _known_markets([d for d in pc.unique(dest).to_pylist() if d is not None])
    ids = orders["id"].to_pylist()
    ok = np.ones(orders.num_rows, dtype=bool)
    for i, (d, t) in enumerate(zip(day.to_pylist(), dest.to_pylist(), strict=True)):
        if ids[i] is None:
            rejects.append(_reject(None, f"orders[{i}].id", "required", "the order has no id"))
        elif d is None:
            rejects.append(_reject(ids[i], "orders.placed_at", "required", "placed_at is empty"))
        elif t is None:
            rejects.append(_reject(ids[i], "orders.destination", "required", "destination is empty"))
        elif t not in known:
            rejects.append(
                _reject(ids[i], "orders.destination", "market", f"{t!r} is not one of Ponte's markets")
            )
        else:
            if days is None or d in days:
                continue
        ok[i] = False
    keep = pa.array(ok)
    orders = orders.filter(keep)
    return Inputs(_split(tables, orders), rejects)


def _split(tables: Tables, orders: pa.Table) -> dict[Part, Tables]:
    """Each partition's rows, found by sorting once (no scan of the whole table per partition)."""
    day = pc.cast(orders["placed_at"], pa.date32())
    keys = pa.table({"day": day, "dest": orders["destination"], "row": pa.array(np.arange(orders.num_rows))})
    keys = keys.sort_by([("day", "ascending"), ("dest", "ascending"), ("row", "ascending")])
    rows = keys["row"].to_numpy()
    days, dests = keys["day"].to_pylist(), keys["dest"].to_pylist()
    orders = orders.take(pa.array(rows))
    part_of = np.zeros(len(rows), dtype=np.int64)
    bounds: list[tuple[Part, int, int]] = []
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or days[i] != days[start] or dests[i] != dests[start]:
            bounds.append((Part(days[start], dests[start]), start, i))
            part_of[start:i] = len(bounds) - 1
            start = i
    out: dict[Part, Tables] = {}
    lines = _by_part(tables["lines"], "order_id", orders["id"], part_of, len(bounds))
    line_part = pa.table({"id": lines_product_ids(lines), "__part": _parts_of(lines)})
    buyers = _many(tables["buyers"], pa.table({"id": orders["buyer_id"], "__part": part_of}), len(bounds))
    sellers = _many(tables["sellers"], pa.table({"id": orders["tenant_id"], "__part": part_of}), len(bounds))
    products = _many(tables["products"], line_part, len(bounds))
    for k, (part, lo, hi) in enumerate(bounds):
        out[part] = {
            "orders": orders.slice(lo, hi - lo),
            "lines": lines[k],
            "products": products[k],
            "buyers": buyers[k],
            "sellers": sellers[k],
        }
    return out


def lines_product_ids(parts: list[pa.Table]) -> pa.Array:
    chunks = [t["product_id"].combine_chunks() for t in parts]
    return pa.concat_arrays(chunks) if chunks else pa.array([], pa.string())


def _parts_of(parts: list[pa.Table]) -> pa.Array:
    return pa.array(
        np.concatenate([np.full(t.num_rows, k, dtype=np.int64) for k, t in enumerate(parts)])
        if parts
        else np.zeros(0, dtype=np.int64)
    )


def _by_part(
    table: pa.Table, key: str, owner_keys: pa.ChunkedArray, part_of: np.ndarray, n_parts: int
) -> list[pa.Table]:
    """``table``'s rows (each of one order) grouped by the partition of their order; rows of no order go."""
    index = pc.fill_null(pc.index_in(table[key], value_set=owner_keys.combine_chunks()), -1)
    pos = index.to_numpy(zero_copy_only=False).astype(np.int64)
    part = np.where(pos >= 0, part_of[np.maximum(pos, 0)] if len(part_of) else -1, -1)
    order = np.argsort(part, kind="stable")
    starts = np.searchsorted(part[order], np.arange(n_parts + 1))
    taken = table.take(pa.array(order))
    return [taken.slice(int(starts[k]), int(starts[k + 1] - starts[k])) for k in range(n_parts)]


def _many(table: pa.Table, wanted: pa.Table, n_parts: int) -> list[pa.Table]:
    """The rows of ``table`` each partition names (a row named by several partitions goes to each)."""
    pairs = wanted.filter(pc.is_valid(wanted["id"])).group_by(["id", "__part"]).aggregate([])
    rows = pa.table({"id": table["id"], "__row": pa.array(np.arange(table.num_rows))})
    joined = pairs.join(rows, keys="id", join_type="inner")
    joined = joined.sort_by([("__part", "ascending"), ("__row", "ascending")])
    part = joined["__part"].to_numpy()
    starts = np.searchsorted(part, np.arange(n_parts + 1))
    body = table.take(joined["__row"])
    return [body.slice(int(starts[k]), int(starts[k + 1] - starts[k])) for k in range(n_parts)]

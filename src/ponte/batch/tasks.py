"""The job's three kinds of task, each a pure function of its inputs that writes its outputs atomically and
its marker last (so any of them may be killed and run again):

* ``prepare(part)``: read, quote every line, verdict, fulfilment, parcels (``parts/<day>/<dest>/``);
* ``plan(day)``: the day's air parcels of every destination consolidated against the ledger left by the day
  before, waybills issued (``plan/<day>/``);
* ``finish(part)``: customs messages and documents of the partition's booked orders, its per-order results,
  its rejects (``results/``, ``messages/``, ``rejects/``, marker in ``done/``).
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ponte.batch import sinks
from ponte.batch.context import JobContext
from ponte.batch.declare import declare_partition
from ponte.batch.plan import Ledger, plan_day
from ponte.batch.records import PARCEL_SCHEMA, REJECT_SCHEMA, Part
from ponte.batch.results import result_table
from ponte.batch.stages import (
    choose_fulfilment,
    order_records,
    pack_parcels,
    quote_lines,
    read_records,
    under_modes,
    with_modes,
)
from ponte.logistics.packing import parcel_for
from ponte.logistics.shipping import OrderParcel

__all__ = ["finish", "layout", "plan", "prepare"]

Tables = dict[str, pa.Table]


class layout:
    @staticmethod
    def part(out: Path, p: Part) -> Path:
        return out / "parts" / p.day.isoformat() / p.dest

    @staticmethod
    def prepared(out: Path, p: Part) -> Path:
        return layout.part(out, p) / "prepared.json"

    @staticmethod
    def day(out: Path, day: date) -> Path:
        return out / "plan" / day.isoformat()

    @staticmethod
    def planned(out: Path, day: date) -> Path:
        return layout.day(out, day) / "planned.json"

    @staticmethod
    def done(out: Path, p: Part) -> Path:
        return out / "done" / p.day.isoformat() / f"{p.dest}.json"


def is_marked(marker: Path, digest: str) -> bool:
    if not marker.is_file():
        return False
    try:
        return bool(sinks.read_json(marker).get("context") == digest)
    except ValueError:
        return False


def _concat(tables: list[Tables]) -> Tables:
    if len(tables) == 1:
        return tables[0]
    return {name: pa.concat_tables([t[name] for t in tables]) for name in tables[0]}


def _owner(parts: list[Part], tables: list[Tables]) -> dict[str, Part]:
    return {oid: p for p, t in zip(parts, tables, strict=True) for oid in t["orders"]["id"].to_pylist()}


def _split(table: pa.Table, owner: dict[str, Part], parts: list[Part]) -> dict[Part, pa.Table]:
    """``table``'s rows by the partition of their order (``order_id``), in their order."""
    of = [owner.get(o) for o in table["order_id"].to_pylist()]
    index = {p: i for i, p in enumerate(parts)}
    keys = pa.array([index[p] if p is not None else -1 for p in of], pa.int64())
    return {p: table.filter(pc.equal(keys, index[p])) for p in parts}


def prepare(parts: list[Part], tables: list[Tables], out: Path, ctx: JobContext) -> dict[str, Any]:
    """Prepare a chunk of partitions together (one pass of every stage), their files written apart."""
    t: dict[str, float] = {}
    chunk = _concat(tables)
    owner = _owner(parts, tables)
    t0 = time.process_time()
    read = read_records(chunk)  # once: the fulfilment choice, the quotes and the parcels use them
    t["read"] = time.process_time() - t0
    t0 = time.process_time()
    fulfilment = choose_fulfilment(chunk, ctx, read)
    chunk = with_modes(chunk, fulfilment)
    read = under_modes(read, fulfilment)
    t["fulfilment"] = time.process_time() - t0
    t0 = time.process_time()
    orders, rejects = order_records(chunk, read)
    t["read"] += time.process_time() - t0
    t0 = time.process_time()
    quotes = quote_lines(chunk, ctx, read)
    t["quotes"] = time.process_time() - t0
    t0 = time.process_time()
    _, parcels, bad = pack_parcels(orders, quotes.orders, fulfilment, ctx)
    t["parcels"] = time.process_time() - t0
    t0 = time.process_time()
    split = {
        "quotes": _split(quotes.orders, owner, parts),
        "lines": _split(quotes.lines, owner, parts),
        "fulfilment": _split(fulfilment, owner, parts),
        "parcels": _split(parcels, owner, parts),
        "rejects": _split(pa.Table.from_pylist(rejects + bad, schema=REJECT_SCHEMA), owner, parts),
    }
    digest = ctx.digest()
    for k, part in enumerate(parts):
        folder = layout.part(out, part)
        for name, by_part in split.items():
            sinks.write_parquet(folder / f"{name}.parquet", by_part[part])
        share = tables[k]["orders"].num_rows / max(len(owner), 1)
        marker = {
            "context": digest,
            "orders": tables[k]["orders"].num_rows,
            "seconds": {**{n: v * share for n, v in t.items()}, "write": (time.process_time() - t0) * share},
        }
        sinks.write_json(layout.prepared(out, part), marker)
    return {"orders": len(owner)}


def plan(day: date, parts: list[Part], previous: date | None, out: Path, ctx: JobContext) -> dict[str, Any]:
    """Plan ``day`` (its partitions prepared) against the ledger the run's previous day left."""
    t0 = time.process_time()
    before = Ledger()
    if previous is not None:
        before = Ledger.of(sinks.read_json(layout.day(out, previous) / "ledger.json"))
    tables = [pq.read_table(layout.part(out, p) / "parcels.parquet") for p in sorted(parts)]
    parcels = pa.concat_tables(tables) if tables else PARCEL_SCHEMA.empty_table()
    air = parcels.filter(pc.equal(parcels["by_air"], True))
    read = time.process_time() - t0
    t0 = time.process_time()
    result = plan_day(day, air, ctx, before)
    seconds = {"read": read, "plan": time.process_time() - t0}
    folder = layout.day(out, day)
    sinks.write_parquet(folder / "assignments.parquet", result.assignments)
    sinks.write_parquet(folder / "unplaced.parquet", result.unplaced)
    sinks.write_json(folder / "summary.json", result.summary)
    sinks.write_json(folder / "ledger.json", result.ledger.as_dict())
    marker = {"context": ctx.digest(), "parcels": air.num_rows, "seconds": seconds}
    sinks.write_json(layout.planned(out, day), marker)
    return marker


def _only_orders(tables: Tables, ids: pa.Array) -> Tables:
    """The tables restricted to the orders ``ids``, their lines, products and parties."""
    orders = tables["orders"].filter(pc.is_in(tables["orders"]["id"], value_set=ids))
    lines = tables["lines"].filter(pc.is_in(tables["lines"]["order_id"], value_set=ids))
    return {
        **tables,
        "orders": orders,
        "lines": lines,
        "products": _named(tables["products"], lines["product_id"]),
        "buyers": _named(tables["buyers"], orders["buyer_id"]),
        "sellers": _named(tables["sellers"], orders["tenant_id"]),
    }


def _named(table: pa.Table, ids: pa.ChunkedArray) -> pa.Table:
    return table.filter(pc.is_in(table["id"], value_set=ids.combine_chunks()))


def _rows_by_order(table: pa.Table) -> dict[str, dict[str, Any]]:
    return {r["order_id"]: r for r in table.to_pylist()}


def finish(parts: list[Part], tables: list[Tables], out: Path, ctx: JobContext) -> dict[str, Any]:
    """Declare a chunk of one day's partitions together; each partition's files and marker written apart."""
    t: dict[str, float] = {}
    t0 = time.process_time()
    day = layout.day(out, parts[0].day)
    assert all(p.day == parts[0].day for p in parts)
    owner = _owner(parts, tables)
    chunk = _concat(tables)

    def read(name: str) -> pa.Table:
        return pa.concat_tables([pq.read_table(layout.part(out, p) / f"{name}.parquet") for p in parts])

    quotes, fulfilment, parcels = read("quotes"), read("fulfilment"), read("parcels")
    chunk = with_modes(chunk, fulfilment)
    lines, prepared_rejects = read("lines").to_pylist(), read("rejects")
    every = pq.read_table(day / "assignments.parquet")
    assignments = every.filter(pc.is_in(every["order_id"], value_set=parcels["order_id"]))
    unplaced_all = pq.read_table(day / "unplaced.parquet")
    unplaced = unplaced_all.filter(pc.is_in(unplaced_all["order_id"], value_set=parcels["order_id"]))
    booked = _rows_by_order(assignments)
    # only a booked order is declared from its record; the others' outcome follows from their id (an order
    # that could not be read, a reject of stage ``read`` in ``prepare``, has no customs row)
    unreadable = set(
        pc.filter(prepared_rejects["order_id"], pc.equal(prepared_rejects["stage"], "read")).to_pylist()
    )
    ids = [i for i in chunk["orders"]["id"].to_pylist() if i not in unreadable]
    orders, _ = order_records(_only_orders(chunk, pa.array(list(booked), pa.string())))
    t["read"] = time.process_time() - t0
    t0 = time.process_time()
    status = {
        r["order_id"]: (r["status"], list(r["reasons"] or []))
        for r in quotes.select(["order_id", "status", "reasons"]).to_pylist()
    }
    tax_lines: dict[str, list[dict[str, Any]]] = {}
    for ln in lines:
        tax_lines.setdefault(ln["order_id"], []).append(ln)
    not_booked = dict(zip(unplaced["order_id"].to_pylist(), unplaced["reason"].to_pylist(), strict=True))
    air = dict(zip(fulfilment["order_id"].to_pylist(), fulfilment["by_air"].to_pylist(), strict=True))
    have = set(parcels["order_id"].to_pylist())
    record = {o.id: o for o in orders}
    by_order: dict[str, OrderParcel] = {}
    for oid in ids:
        if oid in booked:  # the same parcel as in ``prepare`` (parcel_for is pure)
            by_order[oid] = parcel_for(record[oid], lanes=ctx.lanes)
        elif oid in have and not air.get(oid):
            not_booked.setdefault(oid, "warehouse order: declared when handed to its last-mile carrier")
        elif oid in have:
            not_booked.setdefault(oid, "no flight with room in the window")
    declared = declare_partition(ids, record, status, tax_lines, by_order, booked, not_booked, ctx)
    t["signing"] = declared.signing.get("seconds", 0.0)
    t["customs"] = time.process_time() - t0 - t["signing"]
    t0 = time.process_time()
    invalid = [
        {
            "order_id": r["order_id"],
            "stage": "customs",
            "field": p.split(":", 1)[0],
            "rule": "customs",
            "message": p,
        }
        for r in declared.customs.to_pylist()
        if r["customs"] == "invalid"
        for p in r["problems"]
    ]
    errors = [
        {
            "order_id": r["order_id"],
            "stage": "quote",
            "field": "quote",
            "rule": "quote-error",
            "message": r["error"] or "",
        }
        for r in quotes.select(["order_id", "status", "error"]).to_pylist()
        if r["status"] == "error"
    ]
    rejects = _split(
        pa.concat_tables([prepared_rejects, pa.Table.from_pylist(errors + invalid, schema=REJECT_SCHEMA)]),
        owner,
        parts,
    )
    files: dict[Part, dict[str, bytes]] = {p: {} for p in parts}
    for name, data in declared.files.items():
        files[owner[name.split("/", 1)[0]]][name] = data
    digest = ctx.digest()
    signed = int(declared.signing.get("messages", 0))
    for k, part in enumerate(parts):
        ptables = tables[k]
        results = result_table(
            ptables["orders"], quotes, fulfilment, parcels, assignments, not_booked, declared.customs
        )
        name = f"{part.day.isoformat()}/{part.dest}"
        sinks.write_parquet(
            out / "results" / f"day={part.day.isoformat()}" / f"dest={part.dest}" / "part.parquet", results
        )
        sinks.write_zip(out / "messages" / f"{name}.zip", files[part])
        mine = rejects[part].sort_by(
            [("order_id", "ascending"), ("stage", "ascending"), ("field", "ascending")]
        )
        sinks.write_parquet(out / "rejects" / f"{name}.parquet", mine)
        share = ptables["orders"].num_rows / max(len(owner), 1)
        marker = {
            "context": digest,
            "orders": ptables["orders"].num_rows,
            "messages": len([f for f in files[part] if f.endswith(".xml")]),
            "signed_messages": round(signed * share),
            "seconds": {**{n: v * share for n, v in t.items()}, "write": (time.process_time() - t0) * share},
        }
        sinks.write_json(layout.done(out, part), marker)
    return {"orders": len(owner)}

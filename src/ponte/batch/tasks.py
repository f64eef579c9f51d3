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
from ponte.batch.stages import choose_fulfilment, order_records, pack_parcels, quote_lines
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


def prepare(part: Part, tables: Tables, out: Path, ctx: JobContext) -> dict[str, Any]:
    t: dict[str, float] = {}
    t0 = time.perf_counter()
    orders, rejects = order_records(tables)
    t["read"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    quotes = quote_lines(tables, ctx)
    t["quotes"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    fulfilment = choose_fulfilment(orders, ctx)
    t["fulfilment"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    _, parcels, bad = pack_parcels(orders, quotes.orders, fulfilment, ctx)
    t["parcels"] = time.perf_counter() - t0
    folder = layout.part(out, part)
    t0 = time.perf_counter()
    sinks.write_parquet(folder / "quotes.parquet", quotes.orders)
    sinks.write_parquet(folder / "lines.parquet", quotes.lines)
    sinks.write_parquet(folder / "fulfilment.parquet", fulfilment)
    sinks.write_parquet(folder / "parcels.parquet", parcels)
    sinks.write_parquet(folder / "rejects.parquet", pa.Table.from_pylist(rejects + bad, schema=REJECT_SCHEMA))
    t["write"] = time.perf_counter() - t0
    marker = {"context": ctx.digest(), "orders": tables["orders"].num_rows, "seconds": t}
    sinks.write_json(layout.prepared(out, part), marker)
    return marker


def plan(day: date, parts: list[Part], previous: date | None, out: Path, ctx: JobContext) -> dict[str, Any]:
    """Plan ``day`` (its partitions prepared) against the ledger the run's previous day left."""
    t0 = time.perf_counter()
    before = Ledger()
    if previous is not None:
        before = Ledger.of(sinks.read_json(layout.day(out, previous) / "ledger.json"))
    tables = [pq.read_table(layout.part(out, p) / "parcels.parquet") for p in sorted(parts)]
    parcels = pa.concat_tables(tables) if tables else PARCEL_SCHEMA.empty_table()
    air = parcels.filter(pc.equal(parcels["by_air"], True))
    read = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = plan_day(day, air, ctx, before)
    seconds = {"read": read, "plan": time.perf_counter() - t0}
    folder = layout.day(out, day)
    sinks.write_parquet(folder / "assignments.parquet", result.assignments)
    sinks.write_parquet(folder / "unplaced.parquet", result.unplaced)
    sinks.write_json(folder / "summary.json", result.summary)
    sinks.write_json(folder / "ledger.json", result.ledger.as_dict())
    marker = {"context": ctx.digest(), "parcels": air.num_rows, "seconds": seconds}
    sinks.write_json(layout.planned(out, day), marker)
    return marker


def _rows_by_order(table: pa.Table) -> dict[str, dict[str, Any]]:
    return {r["order_id"]: r for r in table.to_pylist()}


def finish(part: Part, tables: Tables, out: Path, ctx: JobContext) -> dict[str, Any]:
    t: dict[str, float] = {}
    t0 = time.perf_counter()
    folder, day = layout.part(out, part), layout.day(out, part.day)
    quotes = pq.read_table(folder / "quotes.parquet")
    lines = pq.read_table(folder / "lines.parquet").to_pylist()
    fulfilment = pq.read_table(folder / "fulfilment.parquet")
    parcels = pq.read_table(folder / "parcels.parquet")
    prepared_rejects = pq.read_table(folder / "rejects.parquet")
    mine = pc.is_in(pq.read_table(day / "assignments.parquet")["order_id"], value_set=parcels["order_id"])
    assignments = pq.read_table(day / "assignments.parquet").filter(mine)
    unplaced_all = pq.read_table(day / "unplaced.parquet")
    unplaced = unplaced_all.filter(pc.is_in(unplaced_all["order_id"], value_set=parcels["order_id"]))
    orders, _ = order_records(tables)
    t["read"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    status = {
        r["order_id"]: (r["status"], list(r["reasons"] or []))
        for r in quotes.select(["order_id", "status", "reasons"]).to_pylist()
    }
    tax_lines: dict[str, list[dict[str, Any]]] = {}
    for ln in lines:
        tax_lines.setdefault(ln["order_id"], []).append(ln)
    booked = _rows_by_order(assignments)
    not_booked = dict(zip(unplaced["order_id"].to_pylist(), unplaced["reason"].to_pylist(), strict=True))
    air = dict(zip(fulfilment["order_id"].to_pylist(), fulfilment["by_air"].to_pylist(), strict=True))
    have = set(parcels["order_id"].to_pylist())
    by_order: dict[str, OrderParcel] = {}
    for o in orders:
        if o.id in booked:  # the same parcel as in ``prepare`` (parcel_for is pure)
            by_order[o.id] = parcel_for(o, lanes=ctx.lanes)
        elif o.id in have and not air.get(o.id):
            not_booked.setdefault(o.id, "warehouse order: declared when handed to its last-mile carrier")
        elif o.id in have:
            not_booked.setdefault(o.id, "no flight with room in the window")
    declared = declare_partition(orders, status, tax_lines, by_order, booked, not_booked, ctx)
    t["customs"] = time.perf_counter() - t0 - 0.0
    t["signing"] = declared.signing.get("seconds", 0.0)
    t0 = time.perf_counter()
    results = result_table(
        tables["orders"], quotes, fulfilment, parcels, assignments, not_booked, declared.customs
    )
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
    rejects = pa.concat_tables(
        [prepared_rejects, pa.Table.from_pylist(errors + invalid, schema=REJECT_SCHEMA)]
    ).sort_by([("order_id", "ascending"), ("stage", "ascending"), ("field", "ascending")])
    t["report"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    name = f"{part.day.isoformat()}/{part.dest}"
    sinks.write_parquet(
        out / "results" / f"day={part.day.isoformat()}" / f"dest={part.dest}" / "part.parquet", results
    )
    sinks.write_zip(out / "messages" / f"{name}.zip", declared.files)
    sinks.write_parquet(out / "rejects" / f"{name}.parquet", rejects)
    t["write"] = time.perf_counter() - t0
    marker = {
        "context": ctx.digest(),
        "orders": tables["orders"].num_rows,
        "messages": len([f for f in declared.files if f.endswith(".xml")]),
        "signed_messages": int(declared.signing.get("messages", 0)),
        "seconds": t,
    }
    sinks.write_json(layout.done(out, part), marker)
    return marker

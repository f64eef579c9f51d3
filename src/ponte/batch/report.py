"""The run's report: figures computed over the written outputs with DuckDB (counts, values and taxes by
market, clearance, shipping, rejects, flight load factors), as ``report/report.json`` (only what the data
decides: the same orders give the same bytes), ``report/timings.json`` (this run's times), and an HTML page
with charts and a PDF in each of the four languages (``report_render``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from ponte.batch import sinks
from ponte.batch.records import Part
from ponte.batch.report_render import render_html, render_pdf
from ponte.batch.tasks import layout
from ponte.kernel.languages import LANGUAGES

__all__ = ["figures", "write_report"]


def _pairs(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, int]:
    return {str(k): int(v) for k, v in con.execute(sql).fetchall()}


def figures(out: Path, days: Sequence[date], payloads: dict[str, float]) -> dict[str, Any]:
    results = out / "results"
    con = duckdb.connect()
    if not any(results.rglob("*.parquet")):
        return {"orders": 0}
    con.execute(
        f"CREATE VIEW r AS SELECT * FROM read_parquet('{results.as_posix()}/*/*/*.parquet', hive_partitioning=false)"
    )
    con.execute(f"CREATE VIEW j AS SELECT * FROM read_parquet('{(out / 'rejects').as_posix()}/**/*.parquet')")
    doc: dict[str, Any] = {
        "orders": con.execute("SELECT count(*) FROM r").fetchone()[0],  # type: ignore[index]
        "verdicts": _pairs(con, "SELECT status, count(*) FROM r GROUP BY 1 ORDER BY 1"),
        "fulfilment": _pairs(
            con, "SELECT coalesce(fulfilment, 'none'), count(*) FROM r GROUP BY 1 ORDER BY 1"
        ),
        "customs": _pairs(con, "SELECT coalesce(customs, 'none'), count(*) FROM r GROUP BY 1 ORDER BY 1"),
        "shipping": _pairs(
            con,
            "SELECT CASE WHEN placed THEN 'placed' WHEN parcel_id IS NULL THEN 'no-parcel' ELSE 'not-placed' END, "
            "count(*) FROM r GROUP BY 1 ORDER BY 1",
        ),
        "by_class": _pairs(
            con, "SELECT handling_class, count(*) FROM r WHERE parcel_id IS NOT NULL GROUP BY 1 ORDER BY 1"
        ),
        "not_shipped": _pairs(
            con,
            "SELECT not_shipped, count(*) FROM r WHERE not_shipped IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1",
        ),
        "unsigned_messages": con.execute("SELECT coalesce(sum(len(unsigned)), 0) FROM r").fetchone()[0],  # type: ignore[index]
        "messages": con.execute("SELECT coalesce(sum(len(messages)), 0) FROM r").fetchone()[0],  # type: ignore[index]
        "rejects": _pairs(
            con,
            "SELECT stage || ' ' || rule, count(DISTINCT coalesce(order_id, field)) FROM j GROUP BY 1 ORDER BY 1",
        ),
    }
    doc["markets"] = [
        {"market": m, "currency": c, "orders": int(n), "goods": str(g), "tax": str(t)}
        for m, c, n, g, t in con.execute(
            "SELECT destination, coalesce(currency, '-'), count(*), coalesce(sum(goods_value), 0), "
            "coalesce(sum(total_tax), 0) FROM r GROUP BY 1, 2 ORDER BY 1, 2"
        ).fetchall()
    ]
    loads: list[dict[str, Any]] = []
    for d in days:
        summary = layout.day(out, d) / "summary.json"
        if summary.is_file():
            for f in sinks.read_json(summary).get("flight_loads", []):
                loads.append(
                    {
                        k: f.get(k)
                        for k in ("flight", "departs", "ulds", "gross_kg", "payload_kg", "load_factor")
                    }
                )
    merged: dict[str, dict[str, Any]] = {}
    for f in loads:  # a leg seen by several days' plans: their loads add up on it
        m = merged.setdefault(f["flight"], {**f, "ulds": 0, "gross_kg": 0.0})
        m["ulds"] += f["ulds"] or 0
        m["gross_kg"] = round(m["gross_kg"] + float(f["gross_kg"] or 0), 3)
        payload = payloads.get(f["flight"], 0.0)
        m["payload_kg"] = payload
        m["load_factor"] = round(m["gross_kg"] / payload, 4) if payload else None
    doc["flight_loads"] = [merged[k] for k in sorted(merged)]
    return doc


def timings(out: Path, parts: Sequence[Part], days: Sequence[date]) -> dict[str, float]:
    total: dict[str, float] = {}
    markers = [layout.prepared(out, p) for p in parts] + [layout.planned(out, d) for d in days]
    markers += [layout.done(out, p) for p in parts]
    for m in markers:
        if m.is_file():
            for stage, sec in sinks.read_json(m).get("seconds", {}).items():
                key = "plan" if stage == "plan" else stage
                total[key] = round(total.get(key, 0.0) + float(sec), 6)
    return dict(sorted(total.items()))


def write_report(
    out: Path, parts: Sequence[Part], days: Sequence[date], payloads: dict[str, float]
) -> dict[str, Any]:
    doc = figures(out, days, payloads)
    doc["partitions"], doc["days"] = len(parts), len(days)
    if days:
        doc["first_day"], doc["last_day"] = days[0].isoformat(), days[-1].isoformat()
    folder = out / "report"
    sinks.write_json(folder / "report.json", doc)
    times = timings(out, parts, days)
    sinks.write_json(folder / "timings.json", times)
    for lang in LANGUAGES:
        sinks.write_bytes(folder / f"report.{lang}.html", render_html(doc, times, lang).encode("utf-8"))
        sinks.write_bytes(folder / f"report.{lang}.pdf", render_pdf(doc, times, lang))
    return doc

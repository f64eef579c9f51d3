"""`ponte consolidate PARCELS_FILE`: plan parcels into bags, ULDs and flights."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

import typer

from ponte.cli.output import emit_json, emit_table
from ponte.kernel.errors import ValidationError

COLUMNS = ("id", "weight_kg", "length_cm", "width_cm", "height_cm", "origin", "destination", "ready_at")


def consolidate(
    parcels_file: Path = typer.Argument(
        ...,
        help="CSV: id, weight_kg, length_cm, width_cm, height_cm, origin, "
        "destination, ready_at (ISO 8601 with offset), segregation, shipper.",
    ),
    start: str = typer.Option(
        "", "--start", help="First day of flights (YYYY-MM-DD); default: first ready day."
    ),
    days: int = typer.Option(7, "--days", help="Days of flights from the sample network."),
    awb_stock: list[str] = typer.Option(
        [], "--awb-stock", help="PREFIX:FIRST-LAST serial range (repeatable)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON."),
) -> None:
    """Consolidate parcels: bags, ULDs, flights, AWBs, load factors, lower bound and gap."""
    from ponte.logistics.awb import AwbStock, StockRange
    from ponte.logistics.consolidation import consolidate as plan_it
    from ponte.logistics.network import sample_flights
    from ponte.logistics.parcels import ParcelBatch
    from ponte.logistics.summary import plan_summary

    if not parcels_file.is_file():
        raise ValidationError(f"{parcels_file} does not exist", field="parcels_file", rule="exists")
    with parcels_file.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    missing = [c for c in COLUMNS if rows and c not in rows[0]]
    if not rows or missing:
        raise ValidationError(
            f"missing columns: {', '.join(missing) or 'no rows'}", field="parcels_file", rule="columns"
        )
    ready = []
    for i, r in enumerate(rows):
        try:
            t = datetime.fromisoformat(r["ready_at"])
        except ValueError:
            raise ValidationError(
                f"{r['ready_at']!r} is not an ISO 8601 time",
                field=f"parcels[{i}].ready_at",
                rule="iso-datetime",
            ) from None
        if t.tzinfo is None:
            raise ValidationError(
                "time must carry a time zone", field=f"parcels[{i}].ready_at", rule="tz-aware"
            )
        ready.append(int(t.timestamp()))

    def num(i: int, r: dict[str, str], k: str) -> float:
        try:
            return float(r[k])
        except ValueError:
            raise ValidationError(
                f"{r[k]!r} is not a number", field=f"parcels[{i}].{k}", rule="number"
            ) from None

    batch = ParcelBatch.from_columns(
        ids=[r["id"] for r in rows],
        weight_kg=[num(i, r, "weight_kg") for i, r in enumerate(rows)],
        dims_cm=[
            (num(i, r, "length_cm"), num(i, r, "width_cm"), num(i, r, "height_cm"))
            for i, r in enumerate(rows)
        ],
        origin=[r["origin"].strip().upper() for r in rows],
        dest=[r["destination"].strip().upper() for r in rows],
        seg=[(r.get("segregation") or "GEN").strip().upper() for r in rows],
        ready=ready,
        shipper=[r.get("shipper") or "" for r in rows],
    )
    try:
        first = date.fromisoformat(start) if start else datetime.fromtimestamp(min(ready), UTC).date()
    except ValueError:
        raise ValidationError(f"{start!r} is not a date YYYY-MM-DD", field="start", rule="iso-date") from None
    stock = None
    if awb_stock:
        stock = AwbStock()
        for spec in awb_stock:
            try:
                prefix, rng = spec.split(":")
                lo, hi = (int(x) for x in rng.split("-"))
            except ValueError:
                raise ValidationError(
                    f"{spec!r} is not PREFIX:FIRST-LAST", field="awb_stock", rule="format"
                ) from None
            stock.add_range(StockRange(prefix, lo, hi))
    plan = plan_it(batch, sample_flights(first, days))
    result = plan_summary(plan, stock)
    if as_json:
        emit_json(result)
        return
    emit_table(
        "Consolidation",
        ["parcels", "placed", "bags (LB)", "ULDs (LB)", "flights", "gap bags", "gap ULDs"],
        [
            [
                result["parcels"],
                result["placed"],
                f"{result['bags']} ({result['lower_bound']['bags']})",
                f"{result['ulds']} ({result['lower_bound']['ulds']})",
                result["flights"],
                f"{result['gap']['bags']:.2%}",
                f"{result['gap']['ulds']:.2%}",
            ]
        ],
    )
    emit_table(
        "Flights",
        ["flight", "to", "ULDs", "gross kg", "load", "MAWB"],
        [
            [
                f["flight"],
                f["destination"],
                f["ulds"],
                f["gross_kg"],
                f"{f['load_factor']:.0%}",
                f.get("mawb", "-"),
            ]
            for f in result["flight_loads"]
        ],
    )

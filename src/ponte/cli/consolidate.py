"""`ponte consolidate FILE`: plan parcels into bags, ULDs and flights, with their house and master waybills.

FILE is Ponte's orders dataset (``ponte simulate --out o.parquet`` writes it; each air order becomes its parcel
through ``logistics.parcel_for``) or a parcel file (CSV or Parquet: id, weight_kg, length_cm, width_cm, height_cm,
origin, destination, ready_at [, segregation, shipper, order_id]). ``--json`` prints the plan in the documented
shape ``ponte.consolidation/1`` (docs/logistics.md), which ``ponte declare --plan`` reads.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
import typer

from ponte.bootstrap import platform
from ponte.cli.output import emit_table, fail
from ponte.kernel.errors import PonteError, ValidationError
from ponte.logistics import service
from ponte.logistics.uld import Flight


def _stock(specs: list[str]) -> Any:
    ranges = []
    for spec in specs:
        try:
            prefix, rng = spec.split(":")
            lo, hi = (int(x) for x in rng.split("-"))
        except ValueError:
            raise ValidationError(
                f"{spec!r} is not PREFIX:FIRST-LAST", field="awb_stock", rule="format"
            ) from None
        ranges.append((prefix, lo, hi))
    return ranges


def consolidate(
    file: Path = typer.Argument(
        ..., help="Orders dataset (orders.parquet/.csv with companions) or a parcel file."
    ),
    start: str = typer.Option(
        "", "--start", help="First day of flights (YYYY-MM-DD); default: first ready day."
    ),
    days: int = typer.Option(
        0,
        "--days",
        help="Days of flights from the schedule (default: the parcels' ready days and a week more).",
    ),
    awb_stock: list[str] = typer.Option(
        [], "--awb-stock", help="PREFIX:FIRST-LAST serial range (repeatable)."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Write every parcel's assignment to this .parquet or .csv."
    ),
    schedule: Path | None = typer.Option(
        None, "--schedule", help="A forwarder's schedule (SSIM-like CSV) instead of the platform's."
    ),
    rate_cards: Path | None = typer.Option(
        None, "--rate-cards", help="Rate cards (YAML/JSON) pricing each leg (USD cards only)."
    ),
    prefer: str = typer.Option(
        "earliest", "--prefer", help="earliest (default) or cost (cheapest route first)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON (ponte.consolidation/1)."),
) -> None:
    """Consolidate parcels: bags, ULDs, flights, house and master waybills, load factors, lower bound and gap."""
    try:
        result = _plan(file, start, days, awb_stock, out, as_json, schedule, rate_cards, prefer)
    except PonteError as exc:
        if as_json:
            errors = [v.as_dict() for v in exc.violations] or [
                {"field": exc.field, "rule": exc.rule, "message": exc.message}
            ]
            sys.stdout.buffer.write(
                orjson.dumps({"error": exc.message, "errors": errors}, option=orjson.OPT_INDENT_2) + b"\n"
            )
        fail(exc)
        raise typer.Exit(2) from None
    _print(result, as_json, out)


def _plan(
    file: Path,
    start: str,
    days: int,
    awb_stock: list[str],
    out: Path | None,
    as_json: bool,
    schedule_path: Path | None = None,
    cards_path: Path | None = None,
    prefer: str = "earliest",
) -> dict[str, Any]:
    if days < 0 or days > 120:
        raise ValidationError("between 1 and 120 days of flights", field="days", rule="range")
    try:
        first = date.fromisoformat(start) if start else None
    except ValueError:
        raise ValidationError(f"{start!r} is not a date YYYY-MM-DD", field="start", rule="iso-date") from None
    p = platform()
    own = service.schedule_file(schedule_path) if schedule_path is not None else None
    cards = service.rate_cards_file(cards_path) if cards_path is not None else []
    flights_of = own.flights if own is not None else p.flights

    def flights(ready: int, last: int) -> list[Flight]:
        legs = flights_of(
            first or datetime.fromtimestamp(ready, UTC).date(), days or min(120, (last - ready) // 86_400 + 8)
        )
        return service.priced(legs, cards) if cards else legs

    return service.plan_file(
        file,
        flights,
        _stock(awb_stock),
        own.lanes() if own is not None else p.lanes,
        detail=as_json or out is not None,
        out=out,
        prefer=prefer,
    )


def _print(result: dict[str, Any], as_json: bool, out: Path | None) -> None:
    if as_json:
        sys.stdout.buffer.write(orjson.dumps(result, option=orjson.OPT_INDENT_2) + b"\n")
        return
    emit_table(
        "Consolidation",
        ["parcels", "placed", "rejected", "bags (LB)", "ULDs (LB)", "flights", "gap bags", "gap ULDs"],
        [
            [
                result["parcels"],
                result["placed"],
                len(result["rejected"]),
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
    for r in result["rejected"][:20]:
        typer.echo(f"rejected {r['field']}: {r['message']} ({r['rule']})", err=True)

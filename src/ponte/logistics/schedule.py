"""A forwarder's flight schedule: the weekly pattern of its allotments, from Ponte's sample network or from its
own SSIM-like CSV file (pure: rows in, rows or errors out; the file is read by the caller).

The CSV has one row per flight leg, the columns of an SSIM type-3 record a forwarder actually needs:

    number,carrier,origin,destination,days,local_departure,block_hours,freighter,payload_kg,positions,cost_per_kg,cutoff_hours[,leg,currency]
    CZ499,784,CAN,MEX,1357,23:30,17,true,95000,PMC:24;AKE:10,4.20,8

``days`` are the ISO weekdays the leg operates (SSIM's ``1234567`` with blanks or the digits only), times are local
at the departure airport, ``positions`` are ULD type:count pairs. Every bad cell is reported (row, column, rule);
nothing of a file with errors is used.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from ponte.kernel.errors import ValidationError, Violation
from ponte.logistics._data import load_yaml
from ponte.logistics.network import Lanes, sample_flights
from ponte.logistics.uld import Flight, check_airport, uld_types

__all__ = ["COLUMNS", "Schedule", "parse_schedule_csv"]

COLUMNS = (
    "number",
    "carrier",
    "origin",
    "destination",
    "days",
    "local_departure",
    "block_hours",
    "freighter",
    "payload_kg",
    "positions",
    "cost_per_kg",
    "cutoff_hours",
)
_NUMBER = re.compile(r"^[A-Z0-9]{2}[0-9]{1,4}[A-Z]?$")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


@dataclass(frozen=True)
class Schedule:
    """The weekly pattern (rows in the shape of ``network.yaml``'s ``flights``) and where it came from."""

    rows: tuple[dict[str, Any], ...]
    source: str = "Ponte's sample network"

    @classmethod
    def sample(cls) -> Schedule:
        return cls(tuple(load_yaml("network.yaml")["flights"]))

    def flights(self, start: date, days: int) -> list[Flight]:
        """The dated legs departing on ``start`` .. ``start + days - 1`` (local dates), sorted by departure."""
        return sample_flights(start, days, list(self.rows))

    def lanes(self) -> Lanes:
        """The airport pairs the pattern serves, directly or through hubs (whatever the week)."""
        return Lanes.of_pairs((str(r["origin"]), str(r["destination"])) for r in self.rows)


def parse_schedule_csv(text: str, source: str = "schedule.csv") -> Schedule:
    """The schedule in ``text`` (CSV with a header), or a ValidationError listing every bad cell."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(
            f"{source}: lacks the column {missing[0]!r}", field=f"{source}/{missing[0]}", rule="columns"
        )
    rows, problems = [], []
    for i, raw in enumerate(reader):
        row, bad = _row(i, {k: (v or "").strip() for k, v in raw.items() if k is not None})
        problems += bad
        rows.append(row)
    if not rows and not problems:
        problems.append(Violation("schedule", "required", f"{source}: no flights"))
    if problems:
        first = problems[0]
        raise ValidationError(
            f"{source}: {first.message}", field=first.field, rule=first.rule, violations=problems
        )
    return Schedule(tuple(rows), source)


def _row(i: int, raw: dict[str, str]) -> tuple[dict[str, Any], list[Violation]]:
    bad: list[Violation] = []

    def fail(col: str, rule: str, message: str) -> None:
        bad.append(Violation(f"flights[{i}].{col}", rule, message))

    number = raw["number"].upper()
    if not _NUMBER.match(number):
        fail("number", "flight-number", f"{raw['number']!r} is not a flight number (CZ499)")
    carrier = raw["carrier"]
    if not re.fullmatch(r"[0-9]{3}", carrier):
        fail("carrier", "awb-prefix", "the carrier is its 3-digit AWB prefix (784)")
    airports = {}
    for col in ("origin", "destination"):
        try:
            airports[col] = check_airport(raw[col], col)
        except ValidationError as exc:
            fail(col, "iata-airport", exc.message)
    if airports.get("origin") and airports.get("origin") == airports.get("destination"):
        fail("destination", "different-airports", "a leg goes to another airport")
    days = sorted({int(c) for c in raw["days"] if c.isdigit()})
    if not days or any(d < 1 or d > 7 for d in days) or re.search(r"[^0-9 .,;]", raw["days"]):
        fail("days", "weekdays", "ISO weekdays 1 (Monday) to 7, e.g. 1357")
    if not _TIME.match(raw["local_departure"]):
        fail("local_departure", "time", "local time HH:MM")
    numbers: dict[str, Decimal] = {}
    for col, low, high in (
        ("block_hours", "0.5", "30"),
        ("payload_kg", "1", "150000"),
        ("cost_per_kg", "0", "1000"),
        ("cutoff_hours", "0", "72"),
    ):
        try:
            value = Decimal(raw[col])
        except InvalidOperation:
            fail(col, "number", "a plain decimal number")
            continue
        if not (Decimal(low) <= value <= Decimal(high)) or not value.is_finite():
            fail(col, "range", f"between {low} and {high}")
        numbers[col] = value
    freighter = raw["freighter"].lower()
    if freighter not in ("true", "false", "1", "0", "yes", "no", "f", "p"):
        fail("freighter", "boolean", "true (freighter) or false (passenger belly)")
    positions: dict[str, int] = {}
    catalogue = uld_types()
    for part in filter(None, re.split(r"[;|]", raw["positions"])):
        code, _sep, count = part.partition(":")
        code = code.strip().upper()
        if code not in catalogue or not count.strip().isdigit():
            fail("positions", "uld-positions", f"{part!r}: TYPE:COUNT with a type of {', '.join(catalogue)}")
            continue
        positions[code] = positions.get(code, 0) + int(count)
    if not positions and not any(v.field.endswith("positions") for v in bad):
        fail("positions", "uld-positions", "at least one ULD position (AKE:10)")
    leg = raw.get("leg") or "1"
    if not leg.isdigit() or not 1 <= int(leg) <= 9:
        fail("leg", "range", "the leg of a multi-leg flight, 1 to 9")
    row = {
        "number": number,
        "carrier": carrier,
        "origin": airports.get("origin", raw["origin"]),
        "destination": airports.get("destination", raw["destination"]),
        "days": days,
        "local_departure": raw["local_departure"],
        "block_hours": str(numbers.get("block_hours", "")),
        "freighter": freighter in ("true", "1", "yes", "f"),
        "payload_kg": str(numbers.get("payload_kg", "")),
        "positions": positions,
        "cost_per_kg": str(numbers.get("cost_per_kg", "")),
        "cutoff_hours": str(numbers.get("cutoff_hours", "")),
        "leg": int(leg) if leg.isdigit() else 1,
        "currency": (raw.get("currency") or "USD").upper(),
    }
    return row, bad

"""The flight network: a weekly schedule pattern (package data) expanded into dated flights in UTC."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from ponte.kernel.errors import ValidationError
from ponte.logistics._data import load_yaml
from ponte.logistics.uld import Flight, airport_timezone


def min_connection(airport: str) -> timedelta:
    mct = load_yaml("network.yaml")["min_connection_hours"]
    return timedelta(hours=float(mct.get(airport, mct["default"])))


def sample_flights(start: date, days: int, schedule: list[dict] | None = None) -> list[Flight]:
    """Dated flights departing on ``start`` .. ``start + days - 1`` (local dates), sorted by departure."""
    if days <= 0:
        raise ValidationError("days must be positive", field="days", rule="positive")
    rows = schedule if schedule is not None else load_yaml("network.yaml")["flights"]
    out: list[Flight] = []
    for row in rows:
        tz = ZoneInfo(airport_timezone(row["origin"]))
        hh, mm = (int(x) for x in str(row["local_departure"]).split(":"))
        for offset in range(days):
            day = start + timedelta(days=offset)
            if day.isoweekday() not in row["days"]:
                continue
            departs = datetime.combine(day, time(hh, mm), tz).astimezone(ZoneInfo("UTC"))
            out.append(
                Flight(
                    number=row["number"],
                    carrier=str(row["carrier"]),
                    origin=row["origin"],
                    destination=row["destination"],
                    departs=departs,
                    arrives=departs + timedelta(hours=float(row["block_hours"])),
                    cutoff=departs - timedelta(hours=float(row["cutoff_hours"])),
                    freighter=bool(row["freighter"]),
                    payload_kg=Decimal(str(row["payload_kg"])),
                    positions=dict(row["positions"]),
                    cost_per_kg=Decimal(str(row["cost_per_kg"])),
                )
            )
    out.sort(key=lambda f: (f.departs, f.number))
    return out

"""The flight network: a weekly schedule pattern (package data) expanded into dated flights in UTC, and the
lanes it serves (direct, or through hubs) for choosing a parcel's airports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from ponte.kernel.errors import ValidationError
from ponte.logistics._data import load_yaml
from ponte.logistics.errors import LogisticsError
from ponte.logistics.uld import Flight, airport_timezone


@lru_cache(maxsize=1)
def _min_connection_hours() -> dict[str, float]:
    return {str(k): float(v) for k, v in load_yaml("network.yaml")["min_connection_hours"].items()}


def min_connection(airport: str) -> timedelta:
    """The minimum connection time at a hub (``network.yaml``; ``default`` for an airport not listed)."""
    mct = _min_connection_hours()
    return timedelta(hours=mct.get(airport, mct["default"]))


def origin_gateways() -> tuple[str, ...]:
    """China's airports that the park's parcels leave from, in order of preference."""
    return tuple(load_yaml("network.yaml")["origin_gateways"])


def sample_flights(start: date, days: int, schedule: Sequence[dict[str, Any]] | None = None) -> list[Flight]:
    """Dated flights departing on ``start`` .. ``start + days - 1`` (local dates), sorted by departure."""
    if days <= 0:
        raise ValidationError("days must be positive", field="days", rule=LogisticsError.POSITIVE)
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
                    leg=int(row.get("leg", 1)),
                    currency=str(row.get("currency", "USD")),
                )
            )
    out.sort(key=lambda f: (f.departs, f.number, f.leg))
    return out


@dataclass(frozen=True)
class Lanes:
    """Which airport pairs a schedule serves: directly, or through hubs (at most ``max_legs`` legs, times not
    considered: that is the planner's work)."""

    direct: tuple[tuple[str, str], ...]
    reachable: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, flights: Iterable[Flight], max_legs: int = 3) -> Lanes:
        return cls.of_pairs(((f.origin, f.destination) for f in flights), max_legs)

    @classmethod
    def of_pairs(cls, pairs: Iterable[tuple[str, str]], max_legs: int = 3) -> Lanes:
        """The lanes of legs given as (origin, destination) pairs (a schedule's pattern, whatever the week)."""
        edges = sorted(set(pairs))
        nxt: dict[str, set[str]] = {}
        for a, b in edges:
            nxt.setdefault(a, set()).add(b)
        reach: set[tuple[str, str]] = set()
        for start in nxt:
            frontier, seen = {start}, {start}
            for _ in range(max_legs):
                frontier = {b for a in frontier for b in nxt.get(a, ())} - seen
                seen |= frontier
            reach |= {(start, b) for b in seen if b != start}
        return cls(tuple(edges), frozenset(reach))

    def choose(self, origins: Sequence[str], destinations: Sequence[str]) -> tuple[str, str] | None:
        """The first pair (origins in order, then destinations) served directly, else through a hub."""
        for pairs in (set(self.direct), self.reachable):
            for a in origins:
                for b in destinations:
                    if (a, b) in pairs:
                        return a, b
        return None

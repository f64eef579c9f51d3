"""Airports by IATA code with their IANA time zone (airportsdata, MIT; OurAirports-derived).

Local times are computed with :mod:`zoneinfo` (tzdata is a dependency so every
machine answers alike). Inside Ponte times are UTC; convert only at the edges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import airportsdata

from ponte.kernel.errors import ValidationError

__all__ = ["Airport", "airport", "airports_in", "distance_km", "local_time"]


@dataclass(frozen=True, slots=True)
class Airport:
    iata: str
    icao: str
    name: str
    city: str
    subdivision: str
    country: str
    lat: float  # geographic coordinate, not money: float is right here
    lon: float
    tz: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)


@lru_cache(maxsize=1)
def _table() -> dict[str, Airport]:
    raw = airportsdata.load("IATA")
    return {
        code: Airport(
            code,
            a["icao"],
            a["name"],
            a["city"],
            a["subd"],
            a["country"],
            float(a["lat"]),
            float(a["lon"]),
            a["tz"],
        )
        for code, a in raw.items()
    }


def airport(iata: str, field: str = "airport") -> Airport:
    """The airport for a 3-letter IATA code; unknown codes raise naming ``field``."""
    if isinstance(iata, str):
        found = _table().get(iata.strip().upper())
        if found is not None:
            return found
    raise ValidationError(f"{iata!r} is not a known IATA airport code", field=field, rule="iata-airport")


def airports_in(country: str) -> list[Airport]:
    code = country.upper()
    return sorted((a for a in _table().values() if a.country == code), key=lambda a: a.iata)


def local_time(iata: str, at: datetime) -> datetime:
    """``at`` (tz-aware) as wall-clock time at the airport."""
    if at.tzinfo is None:
        raise ValidationError("time must be timezone-aware", field="at", rule="tz-aware")
    return at.astimezone(airport(iata).zone)


def distance_km(origin: str, destination: str) -> float:
    """Great-circle distance between two airports (haversine, mean Earth radius 6371.0088 km)."""
    a, b = airport(origin, "origin"), airport(destination, "destination")
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))

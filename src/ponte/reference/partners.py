"""Partner-country lists as dated reference data (e.g. the Silk Road E-commerce partners)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from ponte.reference._data import load_yaml

__all__ = ["Partner", "PartnerList", "silk_road_ecommerce"]


@dataclass(frozen=True, slots=True)
class Partner:
    country: str
    since: date
    source: str


@dataclass(frozen=True, slots=True)
class PartnerList:
    name: str
    authority: str
    as_of: date
    complete: bool
    reported_total: int
    partners: tuple[Partner, ...]

    def on(self, day: date) -> tuple[Partner, ...]:
        """The partners whose memorandum was signed on or before ``day``."""
        return tuple(p for p in self.partners if p.since <= day)

    def countries(self, day: date) -> tuple[str, ...]:
        return tuple(sorted(p.country for p in self.on(day)))


@cache
def silk_road_ecommerce() -> PartnerList:
    data = load_yaml("silk_road_ecommerce.yaml")
    return PartnerList(
        name=str(data["name"]),
        authority=str(data["authority"]),
        as_of=date.fromisoformat(str(data["as_of"])),
        complete=bool(data["complete"]),
        reported_total=int(data["reported_total"]),
        partners=tuple(
            Partner(str(p["country"]), date.fromisoformat(str(p["since"])), str(p["source"]))
            for p in data["partners"]
        ),
    )

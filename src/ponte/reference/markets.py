"""The corridor's markets: country, currency, locale, language, gateways, tax IDs.

Data in ``data/markets.yaml``; each market is checked against the other
reference tables when loaded (country, currency, airports, tax-ID schemes).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ponte.kernel.errors import ValidationError
from ponte.reference._data import load_yaml
from ponte.reference.countries import country_name

__all__ = ["Market", "market", "markets"]


@dataclass(frozen=True, slots=True)
class Market:
    country: str
    currency: str
    locale: str
    language: str
    airports: tuple[str, ...]
    tax_ids: tuple[str, ...]
    timezone: str

    @property
    def gateway(self) -> str:
        return self.airports[0]

    @property
    def is_china(self) -> bool:
        return self.country == "CN"

    def name(self, lang: str = "en") -> str:
        return country_name(self.country, lang)


@lru_cache(maxsize=1)
def _markets() -> dict[str, Market]:
    out = {}
    for row in load_yaml("markets.yaml")["markets"]:
        m = Market(
            row["country"],
            row["currency"],
            row["locale"],
            row["language"],
            tuple(row["airports"]),
            tuple(row["tax_ids"]),
            row["timezone"],
        )
        out[m.country] = m
    return out


def markets() -> list[Market]:
    """Every market, in the order of the data file (Latin America, Iberia, Macao, China)."""
    return list(_markets().values())


def market(country: str, field: str = "country") -> Market:
    found = _markets().get(str(country).strip().upper())
    if found is None:
        raise ValidationError(
            f"{country!r} is not one of Ponte's markets ({', '.join(_markets())})", field=field, rule="market"
        )
    return found

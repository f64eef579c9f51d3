"""The rules of practice and the trade modes, as dated data with their sources (``data/*.yaml``).

A value applies from its date until the next one; a date before the first value has no rule, and says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from ponte.kernel import package_data
from ponte.kernel.errors import ValidationError

__all__ = ["Mode", "Practice", "Rate", "WarehouseTariff", "mode", "modes", "practice"]


@dataclass(frozen=True, slots=True)
class Rate:
    """A resolved value with where it comes from."""

    name: str
    value: Any
    effective: date
    ref: str
    source: str

    def cite(self) -> dict[str, str]:
        return {
            "name": self.name,
            "effective": self.effective.isoformat(),
            "ref": self.ref,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class WarehouseTariff:
    currency: str
    per_order: Decimal
    per_unit: Decimal
    last_mile: Decimal
    last_mile_per_kg: Decimal
    days: int


def _date(raw: object) -> date:
    return raw if isinstance(raw, date) else date.fromisoformat(str(raw))


@dataclass(frozen=True)
class Practice:
    """The practice file, resolved on a day with ``get``."""

    parameters: Mapping[str, Mapping[str, Any]]
    references: Mapping[str, Mapping[str, Any]]

    def get(self, name: str, on: date) -> Rate:
        param = self.parameters[name]
        dated = sorted((_date(d), v) for d, v in param["values"].items())
        found = [(d, v) for d, v in dated if d <= on]
        if not found:
            raise ValidationError(
                f"no {name} rule of practice is in force on {on.isoformat()}",
                field="placed_at",
                rule="practice-in-force",
            )
        day, value = found[-1]
        ref = str(value["ref"])
        return Rate(name, value["value"], day, ref, str(self.references[ref]["title"]))

    def whole(self, name: str, on: date) -> int:
        return int(self.get(name, on).value)

    def delivery_days(self, country: str, on: date) -> int:
        table = self.get("parcel_delivery_days", on).value
        if country not in table:
            raise ValidationError(
                f"no delivery days are known for {country}", field="destination", rule="practice-market"
            )
        return int(table[country])

    def warehouse(self, country: str, on: date) -> WarehouseTariff:
        got = self.get("warehouse", on)
        row = got.value.get(country)
        if row is None:
            raise ValidationError(
                f"no warehouse tariff is known for {country}",
                field="warehouse.country",
                rule="practice-market",
            )
        currency = str(self.parameters["warehouse"]["currency"])
        return WarehouseTariff(
            currency,
            Decimal(row["order"]),
            Decimal(row["unit"]),
            Decimal(row["last_mile"]),
            Decimal(row["per_kg"]),
            int(row["days"]),
        )


@cache
def practice() -> Practice:
    data = package_data.load_yaml("ponte.fulfilment", "practice.yaml")
    return Practice(data["parameters"], data["references"])


@dataclass(frozen=True, slots=True)
class Mode:
    code: str
    name: str
    directions: tuple[str, ...]
    buyers: tuple[str, ...]
    stock: str  # park | overseas | bonded
    since: date
    ref: str
    source: str


@cache
def modes() -> dict[str, Mode]:
    data = package_data.load_yaml("ponte.fulfilment", "modes.yaml")
    refs = data["references"]
    return {
        str(code): Mode(
            str(code),
            row["name"],
            tuple(row["directions"]),
            tuple(row["buyers"]),
            row["stock"],
            _date(row["from"]),
            row["ref"],
            refs[row["ref"]]["title"],
        )
        for code, row in data["modes"].items()
    }


def mode(code: str) -> Mode:
    return modes()[code]

"""China's commodity codes with their legal units, by tariff edition (data: ``codes/commodities.yaml``),
and the check of a product's China customs data against them.

The e-port refuses an inventory line whose first or second legal unit is not the unit of its code, and a
second quantity without its unit (error -625009). The quantities follow from the product: one sold unit
holds ``first.per_unit`` of the first legal unit, so a line of ``n`` declares ``qty1 = n × per_unit``; a
legal unit equal to the declared unit means the same count (``unit = unit1 ⇒ qty = qty1``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ponte.catalog.core import ChinaCustoms
from ponte.customs.china.codes import code_list
from ponte.customs.errors import CustomsCode
from ponte.kernel.errors import ValidationError, Violation

__all__ = ["Commodity", "CommodityTable", "check_goods", "edition_on", "editions"]


@dataclass(frozen=True, slots=True)
class Commodity:
    code: str
    name: str
    unit1: str
    unit2: str | None
    confirmed: bool


@dataclass(frozen=True)
class CommodityTable:
    effective: date
    source: str
    entries: dict[str, Commodity]

    def get(self, code: str) -> Commodity | None:
        return self.entries.get(code)


def _parse(raw: dict[str, Any]) -> CommodityTable:
    entries = {}
    for code, row in raw["codes"].items():
        code = str(code)
        if len(code) != 10 or not code.isdigit():
            raise ValidationError(
                f"{code!r} is not a 10-digit code", field="commodities.yaml", rule="cn-code"
            )
        entries[code] = Commodity(
            code, str(row["name"]), str(row["unit1"]), row.get("unit2"), bool(row.get("confirmed", False))
        )
    return CommodityTable(date.fromisoformat(str(raw["effective"])), str(raw["source"]).strip(), entries)


@cache
def editions() -> tuple[CommodityTable, ...]:
    """Every edition, oldest first."""
    text = resources.files("ponte.customs.china.codes").joinpath("commodities.yaml").read_text("utf-8")
    return tuple(sorted((_parse(e) for e in yaml.safe_load(text)["editions"]), key=lambda t: t.effective))


def edition_on(day: date) -> CommodityTable:
    """The edition in force on ``day``."""
    found = [t for t in editions() if t.effective <= day]
    if not found:
        first = editions()[0].effective
        raise ValidationError(
            f"Ponte's commodity table starts on {first}; no edition for {day}",
            field="date",
            rule=CustomsCode.COMMODITY_CODE,
        )
    return found[-1]


def check_goods(china: ChinaCustoms, day: date, path: str = "china") -> list[Violation]:
    """The product's commodity code and legal units against the edition in force on ``day``."""
    out: list[Violation] = []
    units = code_list("unit")
    if china.unit not in units:
        out.append(Violation(f"{path}.unit", CustomsCode.DECLARED_UNIT, f"{china.unit!r} is no customs unit"))
    table = edition_on(day)
    entry = table.get(china.code)
    if entry is None:
        out.append(
            Violation(
                f"{path}.code",
                CustomsCode.COMMODITY_CODE,
                f"{china.code} is not in Ponte's China commodity table of {table.effective}",
            )
        )
        return out
    if china.first.unit != entry.unit1:
        out.append(
            Violation(
                f"{path}.first.unit",
                CustomsCode.LEGAL_UNIT,
                f"the first legal unit of {entry.code} is {entry.unit1}, not {china.first.unit}",
            )
        )
    second = china.second.unit if china.second else None
    if second != entry.unit2:
        want = entry.unit2 or "none"
        out.append(
            Violation(
                f"{path}.second.unit",
                CustomsCode.LEGAL_UNIT,
                f"the second legal unit of {entry.code} is {want}, not {second or 'none'}",
            )
        )
    for name, lq in (("first", china.first), ("second", china.second)):
        if lq is not None and lq.unit == china.unit and lq.per_unit != Decimal(1):
            out.append(
                Violation(
                    f"{path}.{name}.per_unit",
                    CustomsCode.LEGAL_UNIT,
                    "a legal unit equal to the declared unit counts the same (1 per unit)",
                )
            )
    return out

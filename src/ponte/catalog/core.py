"""A product as every capability reads it: titles, prices, weights, and what customs and airlines need.

Pure records. The catalogue store builds them from its rows, the orders dataset from its columns; the
duties, customs and logistics capabilities read them and never the tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from ponte.kernel.errors import ValidationError, Violation
from ponte.kernel.languages import pick
from ponte.kernel.measures import Box, Weight

__all__ = [
    "BATTERY_KINDS",
    "BATTERY_PACKINGS",
    "TEMPERATURES",
    "ChinaCustoms",
    "Handling",
    "LegalQuantity",
    "Product",
    "check_china_customs",
    "check_handling",
    "require",
]

BatteryKind = Literal["lithium-ion", "lithium-metal"]
BatteryPacking = Literal["alone", "packed-with", "contained-in"]
Temperature = Literal["ambient", "chilled", "frozen"]
BATTERY_KINDS: tuple[str, ...] = ("lithium-ion", "lithium-metal")
# IATA DGR section II: cells or batteries shipped alone, packed with equipment, or contained in it
BATTERY_PACKINGS: tuple[str, ...] = ("alone", "packed-with", "contained-in")
TEMPERATURES: tuple[str, ...] = ("ambient", "chilled", "frozen")


@dataclass(frozen=True, slots=True)
class Handling:
    """What the goods need in the air: their dangerous-goods class and their temperature.

    A parcel inherits the handling of every product in it; the logistics capability turns it into
    special-handling codes and segregation by its own dated rules.
    """

    battery: BatteryKind | None = None
    battery_packing: BatteryPacking | None = None
    battery_wh: Decimal | None = None  # lithium ion: watt-hours per cell or battery
    lithium_g: Decimal | None = None  # lithium metal: grams of lithium per cell or battery
    dry_ice_kg: Decimal | None = None  # refrigerant per unit (UN1845)
    perishable: bool = False
    temperature: Temperature = "ambient"

    @property
    def dangerous_goods(self) -> str:
        """``lithium-ion/packed-with``, ``dry-ice``, … or empty for general cargo."""
        parts = []
        if self.battery:
            parts.append(f"{self.battery}/{self.battery_packing}")
        if self.dry_ice_kg:
            parts.append("dry-ice")
        return "+".join(parts)


def check_handling(h: Handling, prefix: str = "handling") -> list[Violation]:
    problems = []
    if h.battery is not None and h.battery not in BATTERY_KINDS:
        problems.append(Violation(f"{prefix}.battery", "battery-kind", f"one of {', '.join(BATTERY_KINDS)}"))
    if h.battery is not None and h.battery_packing not in BATTERY_PACKINGS:
        problems.append(
            Violation(
                f"{prefix}.battery_packing",
                "battery-packing",
                f"a battery is shipped {', '.join(BATTERY_PACKINGS)} equipment",
            )
        )
    if h.battery is None and (h.battery_packing or h.battery_wh or h.lithium_g):
        problems.append(Violation(f"{prefix}.battery", "required", "say which battery the product holds"))
    for name in ("battery_wh", "lithium_g", "dry_ice_kg"):
        value = getattr(h, name)
        if value is not None and value <= 0:
            problems.append(Violation(f"{prefix}.{name}", "positive", "must be greater than 0"))
    if h.temperature not in TEMPERATURES:
        problems.append(
            Violation(f"{prefix}.temperature", "temperature", f"one of {', '.join(TEMPERATURES)}")
        )
    if h.temperature != "ambient" and not h.perishable and not h.dry_ice_kg:
        problems.append(
            Violation(f"{prefix}.perishable", "cold-chain", "chilled or frozen goods are perishable")
        )
    return problems


@dataclass(frozen=True, slots=True)
class LegalQuantity:
    """A legal unit of measure of a commodity code (3-digit customs unit) and how much of it one sold
    unit holds: a lipstick is 1 个 (007) and 0.004 千克 (035)."""

    unit: str
    per_unit: Decimal


@dataclass(frozen=True, slots=True)
class ChinaCustoms:
    """How China customs knows the product: its 10-digit commodity code, the Chinese goods name, the
    declaration elements, the declared unit and the legal units of the code."""

    code: str
    name: str
    elements: str
    unit: str
    first: LegalQuantity
    second: LegalQuantity | None = None
    record_no: str | None = None  # bonded account-book item number (1210)
    barcode: str | None = None


def check_china_customs(c: ChinaCustoms, hs_code: str, prefix: str = "china") -> list[Violation]:
    """The format rules; whether the code and its units exist is the customs capability's code list."""
    problems = []
    if len(c.code) != 10 or not c.code.isdigit():
        problems.append(
            Violation(f"{prefix}.code", "cn-code-10-digits", "China's commodity code has 10 digits")
        )
    elif hs_code and not c.code.startswith(hs_code[:6]):
        problems.append(
            Violation(
                f"{prefix}.code", "cn-code-in-hs6", f"the code must refine the HS subheading {hs_code[:6]}"
            )
        )
    if not c.name.strip():
        problems.append(Violation(f"{prefix}.name", "required", "the declared Chinese goods name"))
    if not c.elements.strip():
        problems.append(Violation(f"{prefix}.elements", "required", "the declaration elements (申报要素)"))
    for name, q in (("unit", c.unit), ("first.unit", c.first.unit)) + (
        (("second.unit", c.second.unit),) if c.second else ()
    ):
        if len(q) != 3 or not q.isdigit():
            problems.append(Violation(f"{prefix}.{name}", "customs-unit", "a 3-digit customs unit code"))
    for name, lq in (("first", c.first), ("second", c.second)):
        if lq is not None and lq.per_unit <= 0:
            problems.append(Violation(f"{prefix}.{name}.per_unit", "positive", "must be greater than 0"))
    return problems


@dataclass(frozen=True, slots=True)
class Product:
    id: str
    tenant_id: str
    sku: str
    titles: dict[str, str]
    category: str
    direction: str  # export | import
    hs_code: str  # HS 2022 subheading (6 digits), the international part of every national code
    origin_country: str
    weight: Weight  # net weight of one unit
    box: Box  # the unit's own packaging
    price: Decimal
    currency: str
    china: ChinaCustoms | None = None
    handling: Handling = Handling()
    tariff_codes: dict[str, str] = field(default_factory=dict)  # market -> national tariff line

    def title(self, lang: str) -> str:
        return pick(self.titles, lang) or self.sku

    def tariff_code(self, market: str) -> str:
        """The market's own tariff line where the seller gave one, else the HS subheading."""
        return self.tariff_codes.get(market.upper(), self.hs_code)


def require(problems: list[Violation]) -> None:
    if problems:
        raise ValidationError.of(problems)

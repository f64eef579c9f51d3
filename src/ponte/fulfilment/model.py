"""What the fulfilment choice works with and what it answers (pure dataclasses).

Inputs: the stock sites that hold the seller's goods (a warehouse's available units per SKU), the facts of
how a site's stock entered its market (``ImportFacts``), the air rates of the lanes, and the seller's rules.
Answers: every option of an order (its legs, landed cost to the buyer, logistics cost, promised date and
compliance verdict) and the chosen one with its reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ponte.kernel.errors import ValidationError, Violation
from ponte.logistics.rating import RateCard

__all__ = [
    "AirRate",
    "Choice",
    "FulfilmentError",
    "ImportFacts",
    "Leg",
    "Option",
    "SellerRules",
    "Site",
]


class FulfilmentError(StrEnum):
    PREFER = "fulfilment-prefer"
    MAX_DAYS = "fulfilment-max-delivery-days"
    RESERVE = "fulfilment-live-reserve"
    STOCK = "fulfilment-stock-non-negative"
    SITE = "fulfilment-site"
    IMPORT_FACTS = "fulfilment-import-facts"
    ORDER_LINES = "fulfilment-order-lines"
    NO_OPTION = "fulfilment-no-option"


PREFERENCES = ("cheapest", "fastest")


@dataclass(frozen=True)
class SellerRules:
    """A seller's rules: which option wins (the cheapest in total, or the earliest delivery), never split an
    order between a warehouse and the park, at most so many days to the buyer's door, and units of a SKU
    kept in every warehouse for live sessions (orders of a live session may take them)."""

    prefer: str = "cheapest"
    never_split: bool = False
    max_delivery_days: int | None = None
    live_reserve: Mapping[str, int] = field(default_factory=dict)  # sku -> units; "*" for every SKU

    def __post_init__(self) -> None:
        problems = []
        if self.prefer not in PREFERENCES:
            problems.append(
                Violation(
                    "prefer", FulfilmentError.PREFER, f"one of {', '.join(PREFERENCES)}, not {self.prefer!r}"
                )
            )
        if self.max_delivery_days is not None and (
            isinstance(self.max_delivery_days, bool)
            or not isinstance(self.max_delivery_days, int)
            or self.max_delivery_days <= 0
        ):
            problems.append(
                Violation(
                    "max_delivery_days", FulfilmentError.MAX_DAYS, "a whole number of days greater than 0"
                )
            )
        for sku, units in self.live_reserve.items():
            if isinstance(units, bool) or not isinstance(units, int) or units < 0:
                problems.append(
                    Violation(
                        f"live_reserve.{sku}", FulfilmentError.RESERVE, "a whole number of units, 0 or more"
                    )
                )
        if problems:
            raise ValidationError.of(problems)

    def reserve(self, sku: str) -> int:
        return int(self.live_reserve.get(sku, self.live_reserve.get("*", 0)))

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> SellerRules:
        unknown = sorted(set(data) - {"prefer", "never_split", "max_delivery_days", "live_reserve"})
        if unknown:
            raise ValidationError(f"unknown rule {unknown[0]!r}", field=unknown[0], rule="unknown-field")
        reserve = data.get("live_reserve") or {}
        if not isinstance(reserve, Mapping):
            raise ValidationError(
                "a mapping of SKU to units", field="live_reserve", rule=FulfilmentError.RESERVE
            )
        never = data.get("never_split", False)
        if not isinstance(never, bool):
            raise ValidationError("true or false", field="never_split", rule="boolean")
        return cls(
            prefer=str(data.get("prefer", "cheapest")),
            never_split=never,
            max_delivery_days=data.get("max_delivery_days"),
            live_reserve=dict(reserve),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "prefer": self.prefer,
            "never_split": self.never_split,
            "max_delivery_days": self.max_delivery_days,
            "live_reserve": dict(self.live_reserve),
        }


@dataclass(frozen=True)
class Site:
    """A warehouse that holds stock: in the buyer's market (9810) or bonded in China (1210)."""

    code: str
    country: str
    bonded: bool
    trade_mode: str
    time_zone: str
    stock: Mapping[str, int]  # sku -> units available (not reserved, not picked)
    handling_days: int = 1
    cut_off_local: time | None = None
    region: str | None = None  # ISO 3166-2, where the stock was imported (Brazil's ICMS is the state's)

    def __post_init__(self) -> None:
        problems = []
        if self.trade_mode not in ("9810", "1210"):
            problems.append(
                Violation(
                    f"sites.{self.code}.trade_mode", FulfilmentError.SITE, "a warehouse serves 9810 or 1210"
                )
            )
        if self.handling_days < 0:
            problems.append(
                Violation(f"sites.{self.code}.handling_days", FulfilmentError.SITE, "0 or more days")
            )
        for sku, units in self.stock.items():
            if units < 0:
                problems.append(
                    Violation(
                        f"sites.{self.code}.stock.{sku}", FulfilmentError.STOCK, "stock is never negative"
                    )
                )
        if problems:
            raise ValidationError.of(problems)


@dataclass(frozen=True)
class ImportFacts:
    """How a SKU's stock entered a market (its import declaration): the customs value of one unit, the
    first-leg freight per unit and the tariff rates declared (fractions: duty, ipi, vat)."""

    unit_value: Decimal
    currency: str
    freight_per_unit: Decimal = Decimal(0)
    rates: Mapping[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.unit_value < 0 or self.freight_per_unit < 0:
            raise ValidationError(
                "amounts are never negative", field="unit_value", rule=FulfilmentError.IMPORT_FACTS
            )
        for k, v in self.rates.items():
            if k not in ("duty", "ipi", "vat", "consumption_tax") or not 0 <= v < 1:
                raise ValidationError(
                    f"rates.{k}: one of duty, ipi, vat, consumption_tax, a fraction between 0 and 1",
                    field=f"rates.{k}",
                    rule=FulfilmentError.IMPORT_FACTS,
                )


@dataclass(frozen=True)
class AirRate:
    """The air rate of a lane (logistics' rate card, or the schedule's cost per kg) and its transit days."""

    card: RateCard
    transit_days: int


@dataclass(frozen=True)
class Leg:
    """One shipment of an option: its mode, where it leaves from, its lines, its quote and its cost."""

    mode: str
    site: str | None
    line_nos: tuple[int, ...]
    status: str  # allowed | blocked | incomplete | unavailable
    regime: str = ""
    treatment: str = ""
    tax: Decimal = Decimal(0)
    logistics: Decimal = Decimal(0)
    promised: date | None = None
    reasons: tuple[str, ...] = ()
    basis: tuple[dict[str, str], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "site": self.site,
            "lines": list(self.line_nos),
            "status": self.status,
            "regime": self.regime,
            "treatment": self.treatment,
            "tax": str(self.tax),
            "logistics_cost": str(self.logistics),
            "promised": self.promised.isoformat() if self.promised else None,
            "reasons": list(self.reasons),
            "basis": list(self.basis),
        }


@dataclass(frozen=True)
class Option:
    key: str
    legs: tuple[Leg, ...]
    currency: str
    payable: Decimal  # what the buyer pays the seller (goods, freight, insurance, less discount)
    placed: date

    @property
    def split(self) -> bool:
        return len(self.legs) > 1

    @property
    def status(self) -> str:
        order = ("unavailable", "blocked", "incomplete", "allowed")
        return min((leg.status for leg in self.legs), key=order.index)

    @property
    def tax(self) -> Decimal:
        return sum((leg.tax for leg in self.legs), Decimal(0))

    @property
    def landed_cost(self) -> Decimal:
        """What the buyer pays in all: the order's price and the taxes the goods bear under this option."""
        return self.payable + self.tax

    @property
    def logistics_cost(self) -> Decimal:
        return sum((leg.logistics for leg in self.legs), Decimal(0))

    @property
    def total_cost(self) -> Decimal:
        return self.landed_cost + self.logistics_cost

    @property
    def promised(self) -> date | None:
        days = [leg.promised for leg in self.legs]
        return None if any(d is None for d in days) else max(d for d in days if d is not None)

    @property
    def delivery_days(self) -> int | None:
        p = self.promised
        return None if p is None else (p - self.placed).days

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(r for leg in self.legs for r in leg.reasons)

    def as_dict(self) -> dict[str, Any]:
        ok = self.status == "allowed"
        return {
            "key": self.key,
            "modes": [leg.mode for leg in self.legs],
            "split": self.split,
            "status": self.status,
            "currency": self.currency,
            "landed_cost": str(self.landed_cost) if ok else None,
            "tax": str(self.tax) if ok else None,
            "logistics_cost": str(self.logistics_cost) if ok else None,
            "total_cost": str(self.total_cost) if ok else None,
            "promised": self.promised.isoformat() if self.promised else None,
            "delivery_days": self.delivery_days,
            "reasons": list(self.reasons),
            "legs": [leg.as_dict() for leg in self.legs],
        }


@dataclass(frozen=True)
class Choice:
    order_id: str
    options: tuple[Option, ...]
    chosen: Option | None
    reason: str  # cheapest | fastest | only-option | none-allowed | max-delivery-days | no-option
    why: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "chosen": self.chosen.key if self.chosen else None,
            "mode": self.chosen.legs[0].mode if self.chosen else None,
            "reason": self.reason,
            "why": self.why,
            "options": [o.as_dict() for o in self.options],
        }

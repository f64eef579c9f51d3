"""Chargeable weight and TACT-style rating.

Chargeable weight is the larger of gross and volumetric weight (L x W x H in cm divided
by 6000, or 5000 for express), rounded up to the next half kilogram; express networks
work per piece, air cargo on the consignment total. Dimensions are rounded to whole
centimetres, half a centimetre or more upwards.

A rate card gives a minimum charge (M), a normal rate under 45 kg (N) and quantity
rates (Q) from each weight break. The charge is the lowest of the applicable rate times
the chargeable weight and every higher break's rate times that break's weight, and
never below the minimum ("higher break cheaper").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

import yaml

from ponte.kernel.errors import ValidationError
from ponte.kernel.money import Money, check_currency, to_decimal
from ponte.logistics._data import load_yaml
from ponte.logistics.uld import check_airport

DIVISOR_CARGO = 6000
DIVISOR_EXPRESS = 5000
HALF = Decimal("0.5")


@dataclass(frozen=True, slots=True)
class Piece:
    gross_kg: Decimal
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal

    @classmethod
    def of(
        cls, gross_kg: object, length: object, width: object, height: object, field: str = "piece"
    ) -> Piece:
        values = []
        for name, raw in (
            ("gross_kg", gross_kg),
            ("length_cm", length),
            ("width_cm", width),
            ("height_cm", height),
        ):
            value = to_decimal(raw, f"{field}.{name}")
            if value <= 0:
                raise ValidationError(
                    f"{name} must be positive, got {value}", field=f"{field}.{name}", rule="positive"
                )
            values.append(value)
        return cls(*values)

    def volume_cm3(self) -> Decimal:
        dims = [
            d.quantize(Decimal(1), rounding=ROUND_HALF_UP)
            for d in (self.length_cm, self.width_cm, self.height_cm)
        ]
        return dims[0] * dims[1] * dims[2]


def round_up_half_kg(kg: Decimal) -> Decimal:
    """Round up to the next 0.5 kg (0.1-0.5 -> 0.5, 0.6-0.9 -> 1.0)."""
    return (kg / HALF).to_integral_value(rounding=ROUND_CEILING) * HALF


def volumetric_kg(piece: Piece, divisor: int = DIVISOR_CARGO) -> Decimal:
    return piece.volume_cm3() / Decimal(divisor)


@dataclass(frozen=True, slots=True)
class ChargeableWeight:
    gross_kg: Decimal
    volumetric_kg: Decimal
    chargeable_kg: Decimal
    divisor: int
    per_piece: bool

    @property
    def basis(self) -> str:
        return "volume" if self.volumetric_kg > self.gross_kg else "gross"


def chargeable_weight(
    pieces: Sequence[Piece], divisor: int = DIVISOR_CARGO, per_piece: bool = False
) -> ChargeableWeight:
    if not pieces:
        raise ValidationError("at least one piece is needed", field="pieces", rule="non-empty")
    if divisor <= 0:
        raise ValidationError("divisor must be positive", field="divisor", rule="positive")
    gross = sum((p.gross_kg for p in pieces), Decimal(0))
    vol = sum((volumetric_kg(p, divisor) for p in pieces), Decimal(0))
    if per_piece:
        charge = sum(
            (round_up_half_kg(max(p.gross_kg, volumetric_kg(p, divisor))) for p in pieces), Decimal(0)
        )
    else:
        charge = round_up_half_kg(max(gross, vol))
    return ChargeableWeight(gross, vol, charge, divisor, per_piece)


@dataclass(frozen=True, slots=True)
class Surcharge:
    code: str
    name: str
    per_kg: Decimal
    basis: str  # "chargeable" or "gross"


@dataclass(frozen=True)
class RateCard:
    origin: str
    destination: str
    carrier: str
    currency: str
    minimum: Decimal
    normal: Decimal
    breaks: dict[int, Decimal]
    surcharges: tuple[Surcharge, ...] = ()
    effective: date | None = None
    source: str = ""

    def __post_init__(self) -> None:
        check_currency(self.currency, "rate_card.currency")
        for name, value in (("minimum", self.minimum), ("normal", self.normal), *self.breaks.items()):
            if value < 0:
                raise ValidationError(
                    f"rate {name} is negative", field=f"rate_card.{name}", rule="non-negative"
                )
        if any(b <= 0 for b in self.breaks):
            raise ValidationError("weight breaks must be positive", field="rate_card.breaks", rule="positive")

    @property
    def lane(self) -> str:
        return f"{self.origin}-{self.destination}"


@dataclass(frozen=True)
class RateLine:
    rate_class: str  # M, N or Q
    chargeable_kg: Decimal  # weight the rate is applied to (a higher break's weight when cheaper)
    rate: Decimal
    weight_charge: Money
    surcharges: tuple[tuple[str, Money], ...] = field(default_factory=tuple)

    @property
    def total(self) -> Money:
        return Money.sum([self.weight_charge, *(m for _, m in self.surcharges)], self.weight_charge.currency)


def rate(card: RateCard, weight: ChargeableWeight) -> RateLine:
    """Weight charge and surcharges for one consignment; amounts rounded to the currency's minor unit
    (half up), as TACT rounds charges per currency."""
    w = weight.chargeable_kg
    if w <= 0:
        raise ValidationError("chargeable weight must be positive", field="chargeable_kg", rule="positive")
    applicable = [(b, r) for b, r in card.breaks.items() if b <= w]
    if applicable:
        _b0, r0 = max(applicable)
        best = ("Q", w, r0, w * r0)
    else:
        best = ("N", w, card.normal, w * card.normal)
    for b, r in sorted(card.breaks.items()):
        if b > w and Decimal(b) * r < best[3]:
            best = ("Q", Decimal(b), r, Decimal(b) * r)
    rate_class, kg, unit, amount = best
    if amount < card.minimum:
        rate_class, kg, unit, amount = "M", w, card.minimum, card.minimum
    charge = Money(amount, card.currency).round(ROUND_HALF_UP)
    extras = []
    for s in card.surcharges:
        base = weight.chargeable_kg if s.basis == "chargeable" else weight.gross_kg
        extras.append((s.code, Money(base * s.per_kg, card.currency).round(ROUND_HALF_UP)))
    return RateLine(rate_class, kg, unit, charge, tuple(extras))


def load_rate_cards() -> list[RateCard]:
    """The sample rate cards shipped with Ponte (``data/rate_cards.yaml``)."""
    return rate_cards_of(load_yaml("rate_cards.yaml"))


def parse_rate_cards(text: str, source: str = "rate_cards.yaml") -> list[RateCard]:
    """A forwarder's own rate cards, in the shape of ``data/rate_cards.yaml`` (YAML or JSON): a bad file or card
    is an error naming the card and the field."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValidationError(f"{source}: not YAML ({exc})", field=source, rule="readable") from None
    if not isinstance(data, dict) or not isinstance(data.get("cards"), list):
        raise ValidationError(
            f"{source}: a mapping with a list of cards", field=f"{source}/cards", rule="format"
        )
    return rate_cards_of({"effective": data.get("effective", "2026-01-01"), "source": source, **data})


def rate_cards_of(data: dict[str, Any]) -> list[RateCard]:
    eff = data["effective"]
    cards = []
    for i, c in enumerate(data["cards"]):
        try:
            origin, dest = str(c["lane"]).split("-")
            cards.append(
                RateCard(
                    origin=check_airport(origin, f"cards[{i}].lane"),
                    destination=check_airport(dest, f"cards[{i}].lane"),
                    carrier=str(c["carrier"]),
                    currency=c["currency"],
                    minimum=Decimal(str(c["minimum"])),
                    normal=Decimal(str(c["normal"])),
                    breaks={int(k): Decimal(str(v)) for k, v in (c.get("breaks") or {}).items()},
                    surcharges=tuple(
                        Surcharge(s["code"], s["name"], Decimal(str(s["per_kg"])), s["basis"])
                        for s in c.get("surcharges") or []
                    ),
                    effective=eff if isinstance(eff, date) else date.fromisoformat(str(eff)),
                    source=str(data.get("source", "")),
                )
            )
        except (KeyError, ValueError, TypeError, ArithmeticError, AttributeError) as exc:
            raise ValidationError(
                f"card {i} is not a rate card ({exc!s})", field=f"cards[{i}]", rule="rate-card"
            ) from None
    return cards

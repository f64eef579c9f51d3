"""Weights and dimensions as exact decimals, like money: floats are refused.

Customs declare gross and net weights in kilograms with up to five decimals, airlines charge by the
kilogram and by volume; a binary float would drift on both, so every weight in Ponte is a ``Weight``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ponte.kernel.money import to_decimal

__all__ = ["Box", "Weight"]


@dataclass(frozen=True, slots=True, order=True)
class Weight:
    """A mass in kilograms."""

    kg: Decimal

    def __post_init__(self) -> None:
        kg = to_decimal(self.kg, "weight_kg")
        if kg < 0:
            raise ValueError("a weight is never negative")
        object.__setattr__(self, "kg", kg)

    @classmethod
    def zero(cls) -> Weight:
        return cls(Decimal(0))

    def __add__(self, other: Weight) -> Weight:
        return Weight(self.kg + other.kg)

    def __mul__(self, factor: int | Decimal) -> Weight:
        if isinstance(factor, float):
            raise TypeError("a weight is multiplied by an int or a Decimal")
        return Weight(self.kg * Decimal(factor))

    __rmul__ = __mul__

    def __str__(self) -> str:
        return f"{self.kg} kg"


@dataclass(frozen=True, slots=True)
class Box:
    """Outer dimensions in centimetres, longest side first."""

    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal

    def __post_init__(self) -> None:
        sides = sorted(
            (to_decimal(v, "dimensions_cm") for v in (self.length_cm, self.width_cm, self.height_cm)),
            reverse=True,
        )
        if sides[-1] <= 0:
            raise ValueError("every side of a box is longer than zero")
        object.__setattr__(self, "length_cm", sides[0])
        object.__setattr__(self, "width_cm", sides[1])
        object.__setattr__(self, "height_cm", sides[2])

    @property
    def volume_cm3(self) -> Decimal:
        return self.length_cm * self.width_cm * self.height_cm

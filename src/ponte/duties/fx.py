"""Exchange rates as the engine uses them: the source protocol, the rate used, and exact division."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Context, Decimal, Inexact
from typing import Any, Protocol

__all__ = ["FxRate", "FxSource", "FxUse", "divide"]


class FxRate(Protocol):
    @property
    def rate(self) -> Decimal: ...
    @property
    def table(self) -> str: ...
    @property
    def rate_date(self) -> date: ...


class FxSource(Protocol):
    def rate(self, base: str, quote: str, on: date, /) -> FxRate: ...


_WIDE = Context(prec=60, rounding=ROUND_FLOOR)


def divide(amount: Decimal, rate: Decimal) -> Decimal:
    """``amount / rate`` for limit tests and conversions by a rate given the other way round.

    Exact whenever the quotient has at most 60 digits (4.62 into 13,860 is 3,000, not a hair over).
    Otherwise the true quotient lies strictly between two 60-digit neighbours; the result is their
    midpoint, which is never equal to a limit of fewer digits, so ``value <= limit`` answers as the
    exact quotient would."""
    _WIDE.clear_flags()
    floor = _WIDE.divide(amount, rate)
    if not _WIDE.flags[Inexact]:
        return floor
    ulp = Decimal(1).scaleb(floor.adjusted() - 59)
    return Context(prec=62).add(floor, ulp / 2)


@dataclass(frozen=True)
class FxUse:
    pair: str  # the pair as the rate is given (base/quote)
    rate: Decimal
    source: str
    rate_date: date | None
    rule: str
    divide: bool = False  # the computation runs quote -> base: amounts are divided by the rate

    def apply(self, amount: Decimal) -> Decimal:
        return divide(amount, self.rate) if self.divide else amount * self.rate

    def as_dict(self) -> dict[str, Any]:
        return {
            "pair": self.pair,
            "rate": str(self.rate),
            "source": self.source,
            "rate_date": self.rate_date.isoformat() if self.rate_date else None,
            "rule": self.rule,
        }

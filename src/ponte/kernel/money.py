"""Money: a Decimal amount with its ISO 4217 currency.

Amounts are never floats. Arithmetic keeps full precision; rounding happens
only when a caller asks for it, with the rounding mode named, because each
authority rounds at its own step and in its own way.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

import iso4217
from babel import Locale
from babel.numbers import format_currency

from ponte.kernel.errors import PonteError, ValidationError

__all__ = [
    "ROUND_DOWN",
    "ROUND_HALF_EVEN",
    "ROUND_HALF_UP",
    "CurrencyMismatch",
    "Money",
    "UnknownCurrency",
    "minor_units",
    "to_decimal",
]


class UnknownCurrency(ValidationError):
    def __init__(self, code: object, field: str = "currency") -> None:
        super().__init__(f"{code!r} is not an ISO 4217 currency code", field=field, rule="iso4217")


class CurrencyMismatch(PonteError):
    def __init__(self, left: str, right: str) -> None:
        super().__init__(
            f"cannot combine {left} with {right}: convert one of them first",
            field="currency",
            rule="same-currency",
        )


@cache
def minor_units(currency: str) -> int:
    """Decimal places of a currency per ISO 4217 (COP has 2 here, CLDR says 0)."""
    try:
        info = iso4217.Currency(currency)
    except (ValueError, KeyError) as exc:
        raise UnknownCurrency(currency) from exc
    # Metals, funds and testing codes have no minor units in ISO 4217: not money.
    if info.exponent is None:
        raise UnknownCurrency(currency)
    return int(info.exponent)


def check_currency(code: object, field: str = "currency") -> str:
    """Return an ISO 4217 code, upper-cased, or raise naming the field."""
    if not isinstance(code, str) or len(code) != 3:
        raise UnknownCurrency(code, field)
    upper = code.upper()
    try:
        minor_units(upper)
    except UnknownCurrency as exc:
        raise UnknownCurrency(code, field) from exc
    return upper


def to_decimal(value: object, field: str = "amount") -> Decimal:
    """Decimal from str/int/Decimal; floats are refused (they carry binary error)."""
    if isinstance(value, bool | float):
        raise ValidationError(
            f"{value!r} is a float; give amounts as decimal strings", field=field, rule="decimal"
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise ValidationError(f"{value!r} is not a number", field=field, rule="decimal") from exc
    else:
        raise ValidationError(f"{value!r} is not a number", field=field, rule="decimal")
    if not result.is_finite():
        raise ValidationError(f"{value!r} is not a finite number", field=field, rule="decimal")
    return result


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))
        object.__setattr__(self, "currency", check_currency(self.currency))

    # construction -------------------------------------------------------
    @classmethod
    def of(cls, amount: object, currency: str) -> Money:
        return cls(to_decimal(amount), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def sum(cls, items: Iterable[Money], currency: str) -> Money:
        total = cls.zero(currency)
        for item in items:
            total = total + item
        return total

    # arithmetic ----------------------------------------------------------
    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(self.currency, other.currency)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, Money | float):
            raise TypeError("Money can only be multiplied by a Decimal or an int")
        return Money(self.amount * Decimal(factor), self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def is_zero(self) -> bool:
        return self.amount == 0

    # rounding ------------------------------------------------------------
    def round(self, rounding: str = ROUND_HALF_UP, places: int | None = None) -> Money:
        """Round to `places` (default: the currency's minor units) with the named mode."""
        digits = minor_units(self.currency) if places is None else places
        quantum = Decimal(1).scaleb(-digits)
        return Money(self.amount.quantize(quantum, rounding=rounding), self.currency)

    def minor(self) -> int:
        """The amount in minor units (cents); the amount must already be rounded."""
        scaled = self.amount.scaleb(minor_units(self.currency))
        if scaled != scaled.to_integral_value():
            raise ValidationError(
                f"{self} has more decimals than {self.currency} allows; round it first",
                field="amount",
                rule="minor-units",
            )
        return int(scaled)

    @classmethod
    def from_minor(cls, units: int, currency: str) -> Money:
        return cls(Decimal(units).scaleb(-minor_units(currency)), currency)

    def allocate(self, weights: Sequence[Decimal | int]) -> list[Money]:
        """Split over `weights` in minor units without losing a cent.

        Largest-remainder method: each share is rounded down, then the cents
        left over go one by one to the largest remainders (earliest first on
        ties), so the shares always add up to the rounded total.
        """
        if not weights:
            raise ValidationError("nothing to allocate over", field="weights", rule="non-empty")
        dec_weights = [Decimal(w) for w in weights]
        if any(w < 0 for w in dec_weights) or sum(dec_weights) == 0:
            raise ValidationError(
                "weights must be non-negative and not all zero", field="weights", rule="positive-sum"
            )
        total_minor = self.round(ROUND_HALF_UP).minor()
        sign = -1 if total_minor < 0 else 1
        magnitude = abs(total_minor)
        weight_sum = sum(dec_weights)
        exact = [Decimal(magnitude) * w / weight_sum for w in dec_weights]
        shares = [int(x.to_integral_value(rounding=ROUND_DOWN)) for x in exact]
        leftover = magnitude - sum(shares)
        order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - shares[i]), i))
        for i in order[:leftover]:
            shares[i] += 1
        return [Money.from_minor(sign * s, self.currency) for s in shares]

    # presentation ----------------------------------------------------------
    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def as_dict(self) -> dict[str, str]:
        return {"amount": str(self.amount), "currency": self.currency}

    def format(self, locale: str = "en") -> str:
        """Locale-formatted with ISO minor units (CLDR would drop COP's cents)."""
        places = minor_units(self.currency)
        pattern = copy.copy(Locale.parse(locale.replace("-", "_")).currency_formats["standard"])
        pattern.frac_prec = (places, places)
        return format_currency(
            self.amount, self.currency, format=pattern, locale=locale.replace("-", "_"), currency_digits=False
        )

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ponte.kernel.errors import ValidationError
from ponte.kernel.money import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    CurrencyMismatch,
    Money,
    UnknownCurrency,
    minor_units,
)

CURRENCIES = ["CNY", "BRL", "MXN", "CLP", "COP", "PEN", "ARS", "EUR", "USD", "MOP", "KWD", "JPY"]
amounts = st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), allow_nan=False, places=4)


class TestMoneyBasics:
    def test_minor_units_follow_iso_4217(self) -> None:
        assert [minor_units(c) for c in ("CLP", "JPY", "BRL", "COP", "KWD")] == [0, 0, 2, 2, 3]

    def test_floats_are_refused_with_the_field_named(self) -> None:
        with pytest.raises(ValidationError) as err:
            Money.of(0.1, "USD")
        assert err.value.rule == "decimal"

    @pytest.mark.parametrize("code", ["XYZ", "usdd", "", "XAU", 12])
    def test_unknown_currency_is_refused(self, code: object) -> None:
        with pytest.raises(UnknownCurrency) as err:
            Money.of("1", code)  # type: ignore[arg-type]
        assert err.value.field == "currency" and err.value.rule == "iso4217"

    def test_mixing_currencies_is_refused(self) -> None:
        with pytest.raises(CurrencyMismatch):
            Money.of("1", "BRL") + Money.of("1", "MXN")
        with pytest.raises(CurrencyMismatch):
            _ = Money.of("1", "BRL") < Money.of("1", "MXN")

    def test_rounding_is_explicit_and_named(self) -> None:
        value = Money.of("2.345", "BRL")
        assert value.amount == Decimal("2.345")  # nothing rounded behind the caller's back
        assert value.round(ROUND_HALF_UP).amount == Decimal("2.35")
        assert value.round(ROUND_HALF_EVEN).amount == Decimal("2.34")
        assert Money.of("1234.5", "CLP").round().amount == Decimal("1235")

    def test_locale_formatting_keeps_iso_minor_units(self) -> None:
        assert Money.of("1234567.891", "BRL").round().format("pt_BR") == "R$\xa01.234.567,89"
        assert Money.of("1234.5", "COP").format("es_CO").endswith("1.234,50")


@given(
    total=amounts,
    currency=st.sampled_from(CURRENCIES),
    weights=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=30).filter(
        lambda w: sum(w) > 0
    ),
)
def test_allocation_never_loses_a_minor_unit(total: Decimal, currency: str, weights: list[int]) -> None:
    money = Money.of(total, currency)
    shares = money.allocate(weights)
    assert len(shares) == len(weights)
    assert Money.sum(shares, currency) == money.round()
    # every share is within one minor unit of its exact proportion
    unit = Decimal(1).scaleb(-minor_units(currency))
    exact_total = money.round().amount
    for share, weight in zip(shares, weights, strict=True):
        exact = exact_total * weight / sum(weights)
        assert abs(share.amount - exact) < unit
        if weight == 0:
            assert share.is_zero()


@given(a=amounts, b=amounts, currency=st.sampled_from(CURRENCIES))
def test_addition_is_exact_and_commutative(a: Decimal, b: Decimal, currency: str) -> None:
    x, y = Money.of(a, currency), Money.of(b, currency)
    assert x + y == y + x
    assert (x + y - y) == x


@given(
    amount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e8"), places=2),
    rate=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("10000"), places=6),
)
def test_conversion_round_trip_stays_within_stated_rounding(amount: Decimal, rate: Decimal) -> None:
    """Convert USD->X at `rate` and back at 1/rate, rounding to cents once at the end."""
    from datetime import date

    from ponte.reference.fx import FxConverter, OfficialRate, OfficialRateTable

    day = date(2026, 1, 5)
    table = OfficialRateTable("test", [OfficialRate("USD", "EUR", rate, day, day)])
    fx = FxConverter([table])
    there = fx.convert(Money.of(amount, "USD"), "EUR", day)
    back = fx.convert(there.result, "USD", day, rounding=ROUND_HALF_UP)
    assert abs(back.result.amount - amount) <= Decimal("0.005")
    assert there.table == "test" and there.rate_date == day

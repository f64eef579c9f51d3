"""The figures' definitions against cases worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ponte.analytics import core
from ponte.analytics.core import Filters, ValueRow
from ponte.kernel.errors import ValidationError

D1, D2 = date(2026, 3, 2), date(2026, 3, 9)  # two Mondays


def test_each_day_and_currency_is_converted_at_its_own_rate_before_adding() -> None:
    rows = [
        ValueRow(D1, "USD", "BR", 2, 100_000_000),  # 100.00 USD
        ValueRow(D2, "USD", "BR", 1, 100_000_000),  # 100.00 USD, a week later
        ValueRow(D1, "BRL", "BR", 1, 50_500_000),  # 50.50 BRL
        ValueRow(D1, "CNY", "MX", 4, 12_340_000),  # 12.34 CNY
    ]
    rates = {(ordinary, day): rate for ordinary, day, rate in [
        ("USD", D1, Decimal("7.10")), ("USD", D2, Decimal("7.20")), ("BRL", D1, Decimal("1.30")),
        ("CNY", D1, Decimal(1)),
    ]}  # fmt: skip
    totals = core.convert_rows(rows, rates)
    # 100 × 7.10 + 100 × 7.20 + 50.50 × 1.30 = 710 + 720 + 65.65
    assert totals["BR"].value == Decimal("1495.65") and totals["BR"].orders == 4
    assert totals["MX"].value == Decimal("12.34") and totals["MX"].orders == 4


def test_a_missing_rate_is_an_error_not_a_silent_sum() -> None:
    with pytest.raises(KeyError):
        core.convert_rows([ValueRow(D1, "EUR", "PT", 1, 1_000_000)], {("USD", D1): Decimal(7)})


def test_rates_are_asked_once_per_day_and_currency_and_never_for_the_reporting_one() -> None:
    asked: list[tuple[str, str, date]] = []

    def lookup(base: str, quote: str, on: date) -> Decimal:
        asked.append((base, quote, on))
        return Decimal(2)

    rows = [ValueRow(D1, "USD", "a", 1, 1), ValueRow(D1, "USD", "b", 1, 1), ValueRow(D1, "CNY", "a", 1, 1)]
    rates = core.rates_for(core.needed_rates(rows), "CNY", lookup)
    assert asked == [("USD", "CNY", D1)] and rates[("CNY", D1)] == 1


def test_weeks_and_months_start_where_the_calendar_says() -> None:
    assert core.bucket(date(2026, 3, 8), "week") == date(2026, 3, 2)  # a Sunday belongs to Monday's week
    assert core.bucket(date(2026, 3, 31), "month") == date(2026, 3, 1)
    f = Filters(date(2026, 2, 27), date(2026, 3, 3), grain="week")
    assert core.buckets(f) == [date(2026, 2, 23), date(2026, 3, 2)]


def test_a_series_has_every_bucket_even_empty_ones() -> None:
    f = Filters(date(2026, 3, 1), date(2026, 3, 4))
    s = core.series(
        [ValueRow(date(2026, 3, 3), "CNY", "", 2, 5_000_000)], {("CNY", date(2026, 3, 3)): Decimal(1)}, f
    )
    assert s.orders[""] == [0, 0, 2, 0] and s.value[""][2] == Decimal(5)


def test_growth_compares_with_the_period_just_before() -> None:
    f = Filters(date(2026, 3, 1), date(2026, 3, 31))
    assert f.previous() == Filters(date(2026, 1, 29), date(2026, 2, 28))
    assert core.growth(150, 100) == Decimal("0.5")
    assert core.growth(Decimal("80"), Decimal("100")) == Decimal("-0.2")
    assert core.growth(5, 0) is None


def test_the_clearance_funnel_counts_stages_as_customs_states_say() -> None:
    states = {
        "draft": 3,
        "sent": 2,
        "accepted": 1,
        "inspecting": 1,
        "released": 4,
        "closed": 1,
        "rejected": 2,
    }
    fn = core.funnel(states, [2.0, 4.0, 6.0, 8.0, 10.0])
    assert (fn.declared, fn.accepted, fn.released, fn.rejected) == (11, 7, 5, 2)
    assert fn.hours_p50 == 6.0 and fn.hours_p90 == pytest.approx(9.2)


def test_load_factor() -> None:
    route = core.RouteLoad("PVG", "GRU", 2, 10, Decimal(900), Decimal(2000), Decimal(1500))
    assert route.load_factor == Decimal("0.75")
    assert core.RouteLoad("A", "B", 0, 0, Decimal(0), Decimal(0), Decimal(0)).load_factor is None


def test_top_is_by_converted_value_with_stable_ties() -> None:
    totals = {k: core.Totals(1, 0, Decimal(v)) for k, v in [("b", 5), ("a", 5), ("c", 9)]}
    assert [k for k, _ in core.top(totals, 2)] == ["c", "a"]


def test_filters_name_the_wrong_field() -> None:
    with pytest.raises(ValidationError) as wrong:
        Filters(date(2026, 3, 2), date(2026, 3, 1))
    assert wrong.value.field == "end"
    with pytest.raises(ValidationError) as wrong:
        Filters(date(2026, 3, 1), date(2026, 3, 2), markets=("Brazil",))
    assert wrong.value.field == "market"
    with pytest.raises(ValidationError) as wrong:
        Filters(date(2026, 3, 1), date(2026, 3, 2), currency="XXQ")
    assert wrong.value.field == "currency"


@given(
    st.lists(
        st.tuples(st.sampled_from(["USD", "EUR", "CNY"]), st.integers(0, 3), st.integers(0, 10**12)),
        max_size=30,
    )
)
def test_totals_do_not_depend_on_the_rows_order(items: list[tuple[str, int, int]]) -> None:
    rows = [ValueRow(date(2026, 1, 1 + d), c, "k", 1, v) for c, d, v in items]
    rates = {
        (c, date(2026, 1, 1 + d)): Decimal("1.2345") * (d + 1)
        for c in ("USD", "EUR", "CNY")
        for d in range(4)
    }
    forward = core.convert_rows(rows, rates)
    backward = core.convert_rows(list(reversed(rows)), rates)
    assert {k: (t.orders, t.value) for k, t in forward.items()} == {
        k: (t.orders, t.value) for k, t in backward.items()
    }
    exact = sum((Decimal(v) / 10**6 * rates[(c, date(2026, 1, 1 + d))] for c, d, v in items), Decimal(0))
    assert forward.get("k", core.Totals()).value == exact

"""The pure core: offer terms, countdown, stock split, schedule checks, figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ponte.kernel.errors import ConflictError, ValidationError
from ponte.live.offers import OfferTerms, bucket_order, check_purchase, check_terms, countdown, split_stock
from ponte.live.sessions import (
    OfferStock,
    OfferTotal,
    Visit,
    check_schedule,
    current_booth,
    figures_from,
    move,
)

T0 = datetime(2026, 11, 11, 20, 0, tzinfo=UTC)
TERMS = OfferTerms(Decimal("9.90"), "USD", 100, 2, T0, T0 + timedelta(minutes=5))


@given(st.integers(0, 10**6), st.integers(1, 64))
def test_split_stock_sums_and_is_even(total: int, buckets: int) -> None:
    parts = split_stock(total, buckets)
    assert sum(parts) == total and len(parts) == buckets and max(parts) - min(parts) <= 1


@given(st.text(min_size=1, max_size=20), st.integers(1, 64))
def test_bucket_order_visits_every_bucket_once(key: str, buckets: int) -> None:
    assert sorted(bucket_order(key, buckets)) == list(range(buckets))


def test_countdown_through_the_window() -> None:
    assert countdown(TERMS, T0 - timedelta(seconds=9.5)).seconds == 10
    assert countdown(TERMS, T0 - timedelta(seconds=1)).state == "upcoming"
    assert countdown(TERMS, T0).state == "open" and countdown(TERMS, T0).seconds == 300
    assert countdown(TERMS, T0 + timedelta(minutes=5)).state == "closed"
    assert countdown(TERMS, T0, closed_early=True).state == "closed"


def test_purchase_and_terms_checks_name_field_and_rule() -> None:
    with pytest.raises(ValidationError) as caught:
        check_purchase(TERMS, 3, T0)
    assert (caught.value.field, caught.value.rule) == ("quantity", "range 1..2")
    with pytest.raises(ConflictError):
        check_purchase(TERMS, 1, T0 - timedelta(seconds=1))
    bad = OfferTerms(Decimal(0), "USD", 0, 0, T0, T0, timedelta(seconds=1), 0)
    with pytest.raises(ValidationError) as caught:
        check_terms(bad)
    assert {v.field for v in caught.value.violations} == {
        "price",
        "quantity_cap",
        "per_buyer_limit",
        "closes_at",
        "hold_seconds",
        "buckets",
    }


def test_schedule_route_and_states() -> None:
    route = [Visit("b1", T0 + timedelta(minutes=1)), Visit("b2", T0 + timedelta(minutes=20))]
    check_schedule(T0, T0 + timedelta(hours=1), route)
    assert current_booth(route, T0) is None and current_booth(route, T0 + timedelta(minutes=30)) == "b2"
    with pytest.raises(ValidationError) as caught:
        check_schedule(T0, T0 + timedelta(hours=1), [*route, Visit("b2", T0 + timedelta(minutes=10))])
    assert {v.rule for v in caught.value.violations} == {"in-time-order", "new-booth"}
    assert move("scheduled", "live") == "live"
    with pytest.raises(ValidationError):
        move("ended", "live")


def test_figures_from_aggregates() -> None:
    result = figures_from(
        [OfferTotal("o1", "LIP", Decimal("9.90"), 3, 4), OfferTotal("o2", "MASK", Decimal("5"), 1, 5)],
        [("2026-11-11T20:01Z", 3), ("2026-11-11T20:00Z", 1)],
        [OfferStock("o1", "LIP", 100, 96), OfferStock("o2", "MASK", 10, 5)],
        "USD",
    )
    assert result.gmv == Decimal("64.60") and result.orders == 4 and result.units_sold == 9
    assert result.top_products == [("MASK", 5), ("LIP", 4)]
    assert result.orders_per_minute[0] == ("2026-11-11T20:00Z", 1)
    assert result.units_left == {"o1": 96, "o2": 5}

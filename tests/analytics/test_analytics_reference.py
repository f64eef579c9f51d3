"""The partner-country list as dated reference data, and rates for days the tables do not cover yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import duckdb
import pytest

from ponte.analytics.cache import FigureCache
from ponte.analytics.service import FX_LOOKBACK_DAYS, Analytics
from ponte.analytics.store import DuckStore
from ponte.reference.fx import MissingRateError
from ponte.reference.partners import silk_road_ecommerce


def test_partners_are_dated_and_sourced() -> None:
    partners = silk_road_ecommerce()
    assert partners.countries(date(2016, 1, 1)) == ()
    assert "CL" in partners.countries(date(2017, 1, 1))  # the first memorandum, end of 2016
    assert all(p.source for p in partners.partners)
    assert not partners.complete and partners.reported_total >= len(partners.partners)


@dataclass(frozen=True)
class Rate:
    rate: Decimal
    table: str
    rate_date: date


class Published:
    """Rates published up to ``last`` only."""

    def __init__(self, last: date) -> None:
        self.last = last

    def rate(self, base: str, quote: str, on: date) -> Rate:
        if on > self.last:
            raise MissingRateError(base, quote, on, ["test"])
        return Rate(Decimal(on.toordinal() % 7 + 1), "test", on)


def analytics(fx: Published) -> Analytics:
    return Analytics(DuckStore(duckdb.connect(), "v"), fx, FigureCache(), lambda: date(2026, 3, 1))


def test_a_day_not_published_yet_takes_the_latest_earlier_rate() -> None:
    fx = Published(date(2026, 2, 20))
    a = analytics(fx)
    assert a._rate("USD", "CNY", date(2026, 2, 27)) == fx.rate("USD", "CNY", date(2026, 2, 20)).rate
    assert a._rate("USD", "CNY", date(2026, 2, 10)) == fx.rate("USD", "CNY", date(2026, 2, 10)).rate
    with pytest.raises(MissingRateError):
        a._rate("USD", "CNY", date(2026, 2, 20) + timedelta(days=FX_LOOKBACK_DAYS + 8))

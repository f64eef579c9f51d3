"""The daily rollup gives every order figure exactly as the raw orders give it, on SQLite and PostgreSQL:
after its first build, after orders are added (through the service or in bulk) and moved, and when a
transaction commits an id lower than one already read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rollup_world import (
    CURRENCIES,
    World,
    add_orders,
    apply_moves,
    clear_orders,
    make_world,
    move,
    order,
    period,
    plain_order,
)  # fmt: skip
from sqlalchemy.orm import Session

from ponte.analytics import rollup_sql, sql
from ponte.analytics.cache import FigureCache
from ponte.analytics.core import Filters, Scope, ValueRow
from ponte.analytics.rollup import Rollup
from ponte.analytics.service import Analytics
from ponte.analytics.store import SqlStore, value_rows
from ponte.analytics.watermark import Watermark
from ponte.platform.db import Database

DIMENSIONS = (
    "total",
    "destination",
    "trade_mode",
    "direction",
    "tenant_id",
    "live_session_id",
    "category",
    "product",
)
VIEWS = ("overview", "markets", "sellers", "live", "partners")
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class DayRates:
    """A known, different rate for every (currency, day): 1 CNY = 1, others (day of month + index)."""

    def rate(self, base: str, quote: str, on: date) -> Any:
        class R:
            rate = Decimal(on.day + CURRENCIES.index(base)) / Decimal(7)

        assert quote == "CNY"
        return R()


def raw_rows(store: SqlStore, dim: str, f: tuple[Any, ...], **kw: Any) -> list[ValueRow]:
    tenant, lo, hi, markets = f
    return sorted(value_rows(store.fetch(sql.values(store.dialect, dim, tenant, lo, hi, markets, **kw))),
                  key=lambda r: (r.day, r.currency, r.key))  # fmt: skip


def rollup_rows(rollup: Rollup, dim: str, f: tuple[Any, ...], **kw: Any) -> list[ValueRow]:
    tenant, lo, hi, markets = f
    return sorted(value_rows(rollup.fetch(rollup_sql.values(dim, tenant, lo, hi, markets, **kw))),
                  key=lambda r: (r.day, r.currency, r.key))  # fmt: skip


def assert_agree(world: World, rollup: Rollup, p: tuple[Any, ...]) -> None:
    store = SqlStore(world.database.engine)
    f = world.filters(p)
    for dim in DIMENSIONS:
        assert rollup_rows(rollup, dim, f) == raw_rows(store, dim, f), dim
    assert rollup_rows(rollup, "live_session_id", f, paid_only=True) == raw_rows(
        store, "live_session_id", f, paid_only=True
    )
    # the latest order's day (cancelled ones too), per seller and for the park
    for tenant in (None, *world.sellers):
        raw = store.fetch(sql.latest(store.dialect, tenant))[0][0]
        got = rollup.fetch(rollup_sql.latest(tenant))[0][0]
        assert (None if raw is None else str(raw)[:10]) == (None if got is None else got.isoformat())
    # whole views, converted at each day's rate, with and without the rollup
    tenant, lo, hi, markets = f
    filters, scope = Filters(lo, hi, markets), Scope(tenant)
    direct = Analytics(store, DayRates(), FigureCache(), lambda: hi)  # type: ignore[arg-type]
    rolled = Analytics(store, DayRates(), FigureCache(), lambda: hi, rollup=rollup)  # type: ignore[arg-type]
    for view in VIEWS:
        assert rolled.figures(view, scope, filters) == direct.figures(view, scope, filters), view
    assert rolled.latest_day(scope) == direct.latest_day(scope)
    assert rolled.export("category", scope, filters, "csv") == direct.export(
        "category", scope, filters, "csv"
    )
    # the orders behind a point, page by page (the rollup narrows the days the store reads)
    for match in ({}, {"destination": "BR"}, {"trade_mode": "9710"}, {"live_session_id": "ls-one"}):
        for page in (1, 2, 3):
            for paid in (False, True):
                got = rolled.drill(scope, filters, match, page, 2, paid_only=paid)
                assert got == direct.drill(scope, filters, match, page, 2, paid_only=paid), (match, page)


@pytest.fixture
def world(database: Database) -> World:
    return make_world(database)


@EXAMPLES
@given(
    first=st.lists(order, max_size=25),
    second=st.lists(order, max_size=12),
    moves=st.lists(move, max_size=8),
    periods=st.lists(period, min_size=1, max_size=3),
)
def test_the_rollup_equals_the_raw_orders_as_they_come_and_move(
    world: World, first: list[dict[str, Any]], second: list[dict[str, Any]], moves: list, periods: list
) -> None:
    clear_orders(world)
    ids = add_orders(world, first)
    store = SqlStore(world.database.engine)
    rollup = Rollup(store)
    rollup.sync(store.version())
    assert rollup.built
    for p in periods:
        assert_agree(world, rollup, p)
    # more orders (some with no event: a bulk load), and moves of earlier ones
    ids += add_orders(world, second)
    apply_moves(world, ids, moves)
    before = rollup.generation
    rollup.sync(store.version())
    if second or (moves and first):
        assert rollup.generation > before
    for p in periods:
        assert_agree(world, rollup, p)
    # and the same as a rollup built from nothing
    fresh = Rollup(store)
    fresh.sync(store.version())
    for table in rollup_sql.TABLES:
        q = rollup_sql.Query(f"SELECT * FROM {table} ORDER BY ALL", {})
        assert rollup.fetch(q) == fresh.fetch(q), table


def test_a_repeat_is_a_lookup_until_the_data_change(world: World) -> None:
    spec = plain_order(day=1)
    add_orders(world, [spec])
    store = SqlStore(world.database.engine)
    cache = FigureCache()
    analytics = Analytics(store, DayRates(), cache, lambda: date(2026, 3, 11), rollup=Rollup(store))  # type: ignore[arg-type]
    f, scope = Filters(date(2026, 3, 2), date(2026, 3, 11)), Scope(None)
    first = analytics.figures("overview", scope, f)
    misses = cache.misses
    assert analytics.figures("overview", scope, f) == first and cache.misses == misses
    add_orders(world, [dict(spec, day=2)])
    again = analytics.figures("overview", scope, f)
    assert again["totals"]["orders"] == first["totals"]["orders"] + 1
    assert cache.misses == misses + 1


def test_a_seller_never_sees_another_sellers_rows(world: World) -> None:
    spec = plain_order()
    add_orders(world, [dict(spec, tenant=0), dict(spec, tenant=1), dict(spec, tenant=1)])
    store = SqlStore(world.database.engine)
    analytics = Analytics(store, DayRates(), FigureCache(), lambda: date(2026, 3, 11), rollup=Rollup(store))  # type: ignore[arg-type]
    f = Filters(date(2026, 3, 2), date(2026, 3, 11))
    a = analytics.figures("sellers", Scope(world.tenants.a), f)
    assert [s["key"] for s in a["sellers"]] == [world.tenants.a]
    assert analytics.figures("overview", Scope(world.tenants.b), f)["totals"]["orders"] == 2
    assert analytics.figures("overview", Scope(None), f)["totals"]["orders"] == 3


def test_a_lower_id_committed_late_is_read_when_it_comes(postgres_database: Database) -> None:
    """PostgreSQL hands out ids at insert time: a slow transaction may commit ids below ones read already.
    (SQLite has one writer at a time: no id commits after a larger one there.)"""
    world = make_world(postgres_database)
    store = SqlStore(world.database.engine)
    rollup = Rollup(store)
    rollup.sync(store.version())
    with Session(world.database.engine) as slow:
        add_orders(world, [plain_order(day=3, tenant=1)], slow)
        slow.flush()  # it holds its line and event ids, not committed
        add_orders(world, [plain_order(day=4)])  # larger ids, committed first
        rollup.sync(store.version())
        assert rollup.marks["order_lines"].gaps and rollup.marks["order_events"].gaps
        f = world.filters((None, 0, 9, []))
        assert sum(r.orders for r in rollup_rows(rollup, "total", f)) == 1
        slow.commit()
    rollup.sync(store.version())
    assert rollup_rows(rollup, "total", f) == raw_rows(store, "total", f)
    assert sum(r.orders for r in rollup_rows(rollup, "total", f)) == 2
    assert not rollup.marks["order_lines"].gaps


def test_the_watermark_awaits_skipped_ids_for_a_while() -> None:
    m = Watermark()
    m.advance([1, 2, 5], now=0.0, patience=10)
    assert m.high == 5 and m.pending == (3, 4)
    m.advance([4, 6], now=5.0, patience=10)
    assert m.high == 6 and m.pending == (3,)
    m.advance([], now=11.0, patience=10)
    assert m.pending == ()  # rolled back, given up
    m.advance([9], now=12.0, patience=10, max_gaps=1)
    assert m.pending == (8,)

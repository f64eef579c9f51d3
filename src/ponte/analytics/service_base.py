"""Where the figures' numbers come from: the store (SQLite, PostgreSQL, DuckDB over the dataset) or, for
the order figures, the store's daily rollup; the rates that convert them; and the cache keyed by view,
tenant scope, filters and the data's version."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ponte.analytics import core, rollup_sql, sql
from ponte.analytics.cache import FigureCache
from ponte.analytics.core import Filters, Scope, ValueRow
from ponte.analytics.requests import moment as _moment
from ponte.analytics.rollup import Rollup
from ponte.analytics.store import FigureStore, value_rows
from ponte.duties.fx import FxSource
from ponte.reference.fx import MissingRateError

if TYPE_CHECKING:  # the figures only call the warehouses service they are given (its module loads pandas)
    from ponte.warehouses.service import WarehouseService

__all__ = ["FX_LOOKBACK_DAYS", "TOP", "AnalyticsBase"]

TOP = 10
#: How far back a figure may take a rate for a day the rate tables do not cover yet.
FX_LOOKBACK_DAYS = 63


class AnalyticsBase:
    """The figures of one store, converted with one FX source, cached in one cache.

    With a ``rollup`` (the platform's store: SQLite or PostgreSQL) the order figures (values, rankings,
    the latest order) are read from it, brought up to the store's version first; without one (DuckDB over
    the orders dataset) from the store itself. Either way the figures are the same.
    """

    def __init__(
        self,
        store: FigureStore,
        fx: FxSource,
        cache: FigureCache,
        today: Callable[[], date],
        version_seconds: float = 0.0,
        *,
        rollup: Rollup | None = None,
        warehouses: WarehouseService | None = None,
    ) -> None:
        self.store = store
        self.fx = fx
        self.cache = cache
        self.today = today
        # the data's version is asked at most once per ``version_seconds`` (0: on every request)
        self.version_seconds = version_seconds
        self.rollup = rollup
        self.warehouses = warehouses
        self._version: tuple[float, str] | None = None

    # --- plumbing ----------------------------------------------------------------------------------

    def _rows(self, query: sql.Query) -> list[ValueRow]:
        return value_rows(self.store.fetch(query))

    def _rate(self, base: str, quote: str, on: date) -> Decimal:
        """The rate of ``on``; for a day the tables do not cover yet (today's orders, before the month's
        rates are out), the latest rate published before it, at most ``FX_LOOKBACK_DAYS`` earlier."""
        for back in range(0, FX_LOOKBACK_DAYS + 1, 7):
            try:
                return self.fx.rate(base, quote, on - timedelta(days=back)).rate
            except MissingRateError:
                if back + 7 > FX_LOOKBACK_DAYS:
                    raise
        raise MissingRateError(base, quote, on, [])  # pragma: no cover - the loop returns or raises

    def _rates(self, rows: list[ValueRow], currency: str) -> dict[tuple[str, date], Decimal]:
        return core.rates_for(core.needed_rates(rows), currency, self._rate)

    def _values(self, dimension: str, scope: Scope, f: Filters, **kw: Any) -> list[ValueRow]:
        if self.rollup is not None:
            q = rollup_sql.values(dimension, scope.tenant_id, f.start, f.end, f.markets, **kw)
            return value_rows(self.rollup.fetch(q))
        d = self.store.dialect
        return self._rows(sql.values(d, dimension, scope.tenant_id, f.start, f.end, f.markets, **kw))

    def _day_currencies(self, scope: Scope, f: Filters) -> list[ValueRow]:
        if self.rollup is not None:
            raw = self.rollup.fetch(rollup_sql.day_currencies(scope.tenant_id, f.start, f.end, f.markets))
        else:
            d = self.store.dialect
            raw = self.store.fetch(sql.day_currencies(d, scope.tenant_id, f.start, f.end, f.markets))
        return [
            ValueRow(day if isinstance(day, date) else date.fromisoformat(str(day)), str(c), "", 0, 0)
            for day, c in raw
        ]

    def _ranking(
        self, dimension: str, scope: Scope, f: Filters, rates: dict[tuple[str, date], Decimal], limit: int
    ) -> list[str]:
        approx = {k: float(v) for k, v in rates.items()}
        if self.rollup is not None:
            q = rollup_sql.ranking(dimension, scope.tenant_id, f.start, f.end, f.markets, limit)
            ranked = self.rollup.ranking(q, approx)
        else:
            d = self.store.dialect
            q = sql.ranking(d, dimension, scope.tenant_id, f.start, f.end, f.markets, approx, limit)
            ranked = self.store.fetch(q)
        return [str(k) for k, _ in ranked if k is not None]

    def _top(self, dimension: str, scope: Scope, f: Filters) -> list[tuple[str, core.Totals]]:
        """The largest keys, exact: candidates ranked at approximate rates, then summed exactly."""
        rates = self._rates(self._day_currencies(scope, f), f.currency)
        keys = tuple(self._ranking(dimension, scope, f, rates, TOP * 3))
        if not keys:
            return []
        rows = self._values(dimension, scope, f, keys=keys)
        return core.top(core.convert_rows(rows, rates), TOP)

    def _labels(self, table: str, label: str, ids: list[str]) -> dict[str, str]:
        if not ids:
            return {}
        return {str(i): str(n) for i, n in self.store.fetch(sql.names(table, "id", label, tuple(ids)))}

    def version(self) -> str:
        """The data's version: the store's, and the rollup's generation once brought up to it."""
        now = time.monotonic()
        if self._version is None or now - self._version[0] >= self.version_seconds:
            self._version = (now, self.store.version())
        version = self._version[1]
        if self.rollup is not None:
            version = f"{version}/{self.rollup.sync(version)}"
        return version

    def cached(self, view: str, scope: Scope, f: Filters, compute: Callable[[], Any]) -> Any:
        return self.cache.get_or_compute((view, scope.key, f.key, self.version()), compute)

    def default_period(self, days: int = 30) -> Filters:
        """The ``days`` days up to today."""
        end = self.today()
        return Filters(end - timedelta(days=days - 1), end)

    def latest_day(self, scope: Scope) -> date | None:
        """The UTC day of the scope's newest order (None: no orders)."""

        def compute() -> date | None:
            if self.rollup is not None:
                rows = self.rollup.fetch(rollup_sql.latest(scope.tenant_id))
                day = rows[0][0] if rows else None
                return (
                    None if day is None else (day if isinstance(day, date) else date.fromisoformat(str(day)))
                )
            rows = self.store.fetch(sql.latest(self.store.dialect, scope.tenant_id))
            value = rows[0][0] if rows else None
            return None if value is None else _moment(value).date()

        key = ("latest", scope.key, self.version())
        found: date | None = self.cache.get_or_compute(key, compute)
        return found

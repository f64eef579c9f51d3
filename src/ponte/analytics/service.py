"""The corridor's figures as use cases: each view of the dashboard, the orders behind a chart's point,
exports and the printable report. Figures are computed here, server-side, and cached by view, tenant
scope, filters and the data's version. Nothing here writes: the analytics slice only reads.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ponte.analytics import core, sql
from ponte.analytics.cache import FigureCache
from ponte.analytics.core import Filters, Scope, ValueRow
from ponte.analytics.report import render_report
from ponte.analytics.requests import (
    DrillPage,
    DrillRow,
    parse_filters,
    partners_view,
    scope_for,
)
from ponte.analytics.requests import moment as _moment
from ponte.analytics.requests import text_of as _s
from ponte.analytics.store import FigureStore, value_rows
from ponte.customs.documents.render import FontFiles
from ponte.duties.fx import FxSource
from ponte.kernel.errors import ValidationError
from ponte.reference.fx import MissingRateError
from ponte.reference.partners import silk_road_ecommerce

__all__ = ["VIEWS", "Analytics", "DrillPage", "parse_filters", "scope_for"]

VIEWS = ("overview", "markets", "sellers", "customs", "air", "live", "partners", "stock")
TOP = 10
#: How far back a figure may take a rate for a day the rate tables do not cover yet.
FX_LOOKBACK_DAYS = 63


class Analytics:
    """The figures of one store, converted with one FX source, cached in one cache."""

    def __init__(
        self,
        store: FigureStore,
        fx: FxSource,
        cache: FigureCache,
        today: Callable[[], date],
        version_seconds: float = 0.0,
    ) -> None:
        self.store = store
        self.fx = fx
        self.cache = cache
        self.today = today
        # the data's version is asked at most once per ``version_seconds`` (0: on every request)
        self.version_seconds = version_seconds
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
        d = self.store.dialect
        return self._rows(sql.values(d, dimension, scope.tenant_id, f.start, f.end, f.markets, **kw))

    def _labels(self, table: str, label: str, ids: list[str]) -> dict[str, str]:
        if not ids:
            return {}
        return {str(i): str(n) for i, n in self.store.fetch(sql.names(table, "id", label, tuple(ids)))}

    def version(self) -> str:
        now = time.monotonic()
        if self._version is None or now - self._version[0] >= self.version_seconds:
            self._version = (now, self.store.version())
        return self._version[1]

    def cached(self, view: str, scope: Scope, f: Filters, compute: Callable[[], Any]) -> Any:
        return self.cache.get_or_compute((view, scope.key, f.key, self.version()), compute)

    def default_period(self, days: int = 30) -> Filters:
        """The ``days`` days up to today."""
        end = self.today()
        return Filters(end - timedelta(days=days - 1), end)

    def latest_day(self, scope: Scope) -> date | None:
        """The UTC day of the scope's newest order (None: no orders)."""

        def compute() -> date | None:
            rows = self.store.fetch(sql.latest(self.store.dialect, scope.tenant_id))
            value = rows[0][0] if rows else None
            return None if value is None else _moment(value).date()

        key = ("latest", scope.key, self.version())
        found: date | None = self.cache.get_or_compute(key, compute)
        return found

    # --- views -------------------------------------------------------------------------------------

    def figures(self, view: str, scope: Scope, f: Filters) -> dict[str, Any]:
        """One dashboard view as plain data (amounts as exact decimal strings), cached."""
        compute = {
            "overview": self._overview,
            "markets": self._markets,
            "sellers": self._sellers,
            "customs": self._customs,
            "air": self._air,
            "live": self._live,
            "partners": self._partners,
            "stock": self._stock,
        }.get(view)
        if compute is None:
            raise ValidationError(f"view must be one of {', '.join(VIEWS)}", field="view", rule="view")
        result: dict[str, Any] = self.cached(view, scope, f, lambda: compute(scope, f))
        return result

    def _series(
        self, rows: list[ValueRow], f: Filters, rates: dict[tuple[str, date], Decimal]
    ) -> dict[str, Any]:
        s = core.series(rows, rates, f)
        return {
            "buckets": [b.isoformat() for b in s.buckets],
            "orders": s.orders,
            "value": {k: [_s(v) for v in vs] for k, vs in s.value.items()},
        }

    def _overview(self, scope: Scope, f: Filters) -> dict[str, Any]:
        now = self._values("total", scope, f)
        before = self._values("total", scope, f.previous())
        rates = self._rates(now + before, f.currency)
        cur = core.convert_rows(now, rates).get("", core.Totals())
        prev = core.convert_rows(before, rates).get("", core.Totals())
        by_mode = self._values("trade_mode", scope, f)
        by_dir = self._values("direction", scope, f)
        rates.update(self._rates(by_mode + by_dir, f.currency))
        return {
            "currency": f.currency,
            "totals": {"orders": cur.orders, "value": _s(cur.value)},
            "previous": {"orders": prev.orders, "value": _s(prev.value)},
            "growth": {
                "orders": _s(core.growth(cur.orders, prev.orders), 4),
                "value": _s(core.growth(cur.value, prev.value), 4),
            },
            "series": self._series(now, f, rates),
            "trade_mode": self._breakdown(by_mode, rates),
            "direction": self._breakdown(by_dir, rates),
        }

    def _breakdown(
        self, rows: list[ValueRow], rates: dict[tuple[str, date], Decimal]
    ) -> list[dict[str, Any]]:
        totals = core.convert_rows(rows, rates)
        return [
            {"key": k, "orders": t.orders, "units": t.units, "value": _s(t.value)}
            for k, t in sorted(totals.items(), key=lambda kv: (-kv[1].value, kv[0]))
        ]

    def _markets(self, scope: Scope, f: Filters) -> dict[str, Any]:
        by_dest = self._values("destination", scope, f)
        by_cat = self._values("category", scope, f)
        rates = self._rates(by_dest + by_cat, f.currency)
        return {
            "currency": f.currency,
            "destination": self._breakdown(by_dest, rates),
            "category": self._breakdown(by_cat, rates),
            "series": self._series(by_dest, f, rates),
        }

    def _top(self, dimension: str, scope: Scope, f: Filters) -> list[tuple[str, core.Totals]]:
        """The largest keys, exact: candidates ranked at approximate rates, then summed exactly."""
        d = self.store.dialect
        pairs = [
            ValueRow(core_day, cur, "", 0, 0)
            for core_day, cur in (
                (date.fromisoformat(str(day)) if not isinstance(day, date) else day, str(c))
                for day, c in self.store.fetch(
                    sql.day_currencies(d, scope.tenant_id, f.start, f.end, f.markets)
                )
            )
        ]
        rates = self._rates(pairs, f.currency)
        ranked = self.store.fetch(
            sql.ranking(
                d, dimension, scope.tenant_id, f.start, f.end, f.markets,
                {k: float(v) for k, v in rates.items()}, TOP * 3,
            )
        )  # fmt: skip
        keys = tuple(str(k) for k, _ in ranked if k is not None)
        if not keys:
            return []
        rows = self._values(dimension, scope, f, keys=keys)
        return core.top(core.convert_rows(rows, rates), TOP)

    def _sellers(self, scope: Scope, f: Filters) -> dict[str, Any]:
        sellers = self._top("tenant_id", scope, f)
        products = self._top("product", scope, f)
        names = self._labels("tenants", "name", [k for k, _ in sellers])
        skus = self._labels("products", "sku", [k for k, _ in products])
        return {
            "currency": f.currency,
            "sellers": [
                {"key": k, "label": names.get(k, k), "orders": t.orders, "value": _s(t.value)}
                for k, t in sellers
            ],
            "products": [
                {
                    "key": k,
                    "label": skus.get(k, k),
                    "orders": t.orders,
                    "units": t.units,
                    "value": _s(t.value),
                }
                for k, t in products
            ],
        }

    def _customs(self, scope: Scope, f: Filters) -> dict[str, Any]:
        d = self.store.dialect
        states = {
            str(s): int(n)
            for s, n in self.store.fetch(sql.funnel(d, scope.tenant_id, f.start, f.end, f.markets))
        }
        hours = [
            float(h)
            for (h,) in self.store.fetch(sql.clearance_hours(d, scope.tenant_id, f.start, f.end, f.markets))
            if h is not None
        ]
        return {"funnel": core.funnel(states, hours).as_dict(), "states": dict(sorted(states.items()))}

    def _air(self, scope: Scope, f: Filters) -> dict[str, Any]:
        out = []
        for origin, dest, flights, parcels, micro_kg, offered_g, booked_g in self.store.fetch(
            sql.routes(self.store.dialect, scope.tenant_id, f.start, f.end)
        ):
            load = core.RouteLoad(
                str(origin), str(dest), int(flights), int(parcels or 0),
                Decimal(int(micro_kg or 0)) / core.MICRO,
                Decimal(int(offered_g or 0)) / 1000, Decimal(int(booked_g or 0)) / 1000,
            )  # fmt: skip
            out.append(
                {
                    "key": f"{load.origin}-{load.destination}",
                    "flights": load.flights,
                    "parcels": load.parcels,
                    "kg": _s(load.kg, 3),
                    "offered_kg": _s(load.offered_kg, 3),
                    "booked_kg": _s(load.booked_kg, 3),
                    "load_factor": _s(load.load_factor, 4),
                }
            )
        return {"routes": out}

    def _live(self, scope: Scope, f: Filters) -> dict[str, Any]:
        rows = self._values("live_session_id", scope, f, paid_only=True)
        rates = self._rates(rows, f.currency)
        totals = core.convert_rows(rows, rates)
        holds = {
            str(s): (int(n), int(u or 0))
            for s, n, u in self.store.fetch(sql.live(self.store.dialect, scope.tenant_id, f.start, f.end))
        }
        ids = sorted(set(totals) | set(holds))
        titles = self._labels("live_sessions", "title", ids)
        sessions = [
            {
                "key": k,
                "label": titles.get(k, k),
                "paid_orders": totals[k].orders if k in totals else 0,
                "gmv": _s(totals[k].value) if k in totals else "0.00",
                "held": holds.get(k, (0, 0))[0],
                "held_units": holds.get(k, (0, 0))[1],
            }
            for k in ids
        ]
        sessions.sort(key=lambda s: (-Decimal(str(s["gmv"])), str(s["key"])))
        gmv = sum((t.value for t in totals.values()), Decimal(0))
        return {"currency": f.currency, "gmv": _s(gmv), "sessions": sessions[: TOP * 2]}

    def _partners(self, scope: Scope, f: Filters) -> dict[str, Any]:
        partners = silk_road_ecommerce()
        members = partners.countries(f.end)
        rows = self._values("destination", scope, f)
        rates = self._rates(rows, f.currency)
        totals = core.convert_rows(rows, rates)
        return partners_view(partners, members, totals, f)

    def _stock(self, scope: Scope, f: Filters) -> dict[str, Any]:
        # The overseas-warehouse slice (stock on hand by SKU) is not part of this version: the view says
        # so instead of showing a made-up cover. core.StockCover is the definition it will use.
        return {"available": False, "items": []}

    # --- drill down, exports -----------------------------------------------------------------------

    def drill(
        self,
        scope: Scope,
        f: Filters,
        match: dict[str, str],
        page: int = 1,
        per_page: int = 50,
        *,
        paid_only: bool = False,
    ) -> DrillPage:
        """The orders behind a chart's point (``match``: dimension -> key; ``f`` may be one bucket)."""
        if page < 1 or not 1 <= per_page <= 200:
            raise ValidationError("page must be 1 or more and per_page 1..200", field="page", rule="range")
        raw = self.store.fetch(
            sql.drill(
                self.store.dialect, scope.tenant_id, f.start, f.end, f.markets, match,
                per_page + 1, (page - 1) * per_page, paid_only=paid_only,
            )
        )  # fmt: skip
        rows = [
            DrillRow(
                str(r[0]),
                str(r[1]),
                str(r[2]),
                _moment(r[3]),
                str(r[4]),
                str(r[5]),
                str(r[6]),
                str(r[7]),
                Decimal(int(r[8] or 0)) / core.MICRO,
                str(r[9]),
                r[10] is not None,
            )
            for r in raw[:per_page]
        ]
        return DrillPage(rows, page, per_page, len(raw) > per_page)

    def table(self, dimension: str, scope: Scope, f: Filters) -> pa.Table:
        """A figure's rows for export: one row per bucket and key, converted, with the orders' count."""
        rows = self._values(dimension, scope, f)
        rates = self._rates(rows, f.currency)
        s = core.series(rows, rates, f)
        out: dict[str, list[Any]] = {"bucket": [], "key": [], "orders": [], "value": [], "currency": []}
        for key in sorted(s.orders):
            for i, b in enumerate(s.buckets):
                out["bucket"].append(b)
                out["key"].append(key)
                out["orders"].append(s.orders[key][i])
                out["value"].append(core.money(s.value[key][i]))
                out["currency"].append(f.currency)
        schema = pa.schema(
            [("bucket", pa.date32()), ("key", pa.string()), ("orders", pa.int64()),
             ("value", pa.decimal128(24, 2)), ("currency", pa.string())]
        )  # fmt: skip
        return pa.table(out, schema=schema)

    def export(self, dimension: str, scope: Scope, f: Filters, fmt: str) -> bytes:
        table = self.table(dimension, scope, f)
        if fmt == "parquet":
            sink = io.BytesIO()
            pq.write_table(table, sink)
            return sink.getvalue()
        if fmt == "csv":
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(table.column_names)
            for row in table.to_pylist():
                writer.writerow([row[c] for c in table.column_names])
            return text.getvalue().encode("utf-8")
        raise ValidationError("format must be csv or parquet", field="format", rule="export-format")

    def report(
        self, scope: Scope, f: Filters, scope_name: str, lang: str, fonts: FontFiles, at: datetime
    ) -> bytes:
        """The corridor report of the period as PDF, in ``lang``."""
        views = {
            v: self.figures(v, scope, f)
            for v in ("overview", "markets", "sellers", "customs", "air", "live", "partners")
        }
        return render_report(views, f, scope_name, lang, fonts, at)

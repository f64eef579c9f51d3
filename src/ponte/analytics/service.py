"""The corridor's figures as use cases: each view of the dashboard, the orders behind a chart's point,
exports and the printable report. Figures are computed here, server-side, and cached by view, tenant
scope, filters and the data's version. Nothing here writes: the analytics slice only reads.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ponte.analytics import core, rollup_sql, sql
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
from ponte.analytics.service_base import FX_LOOKBACK_DAYS, TOP, AnalyticsBase
from ponte.kernel.errors import ValidationError
from ponte.platform.pdf_fonts import FontFiles
from ponte.reference.partners import silk_road_ecommerce
from ponte.warehouses.stock_service import DEMAND_WINDOW_DAYS

__all__ = ["FX_LOOKBACK_DAYS", "VIEWS", "Analytics", "DrillPage", "parse_filters", "scope_for"]

VIEWS = ("overview", "markets", "sellers", "customs", "air", "live", "partners", "stock")


class Analytics(AnalyticsBase):
    """The dashboard's views, the orders behind a point, exports and the report."""

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
        """Stock cover by warehouse and SKU as the warehouses slice computes it (units available now ÷
        the average daily demand of its last ``DEMAND_WINDOW_DAYS`` days), for the scope's tenants: a
        seller its own warehouses, the park every tenant's."""
        if self.warehouses is None:  # DuckDB over the orders dataset: no warehouses there
            return {"available": False, "items": []}
        if scope.tenant_id is not None:
            tenants = [scope.tenant_id]
        else:
            tenants = sorted({str(t) for (t,) in self.store.fetch(sql.warehouse_tenants())})
        items: list[dict[str, Any]] = []
        for tenant in tenants:
            for line in self.warehouses.stock(tenant):
                items.append(
                    {
                        "key": line.sku,
                        "tenant_id": tenant,
                        "warehouse": line.warehouse_code,
                        "available": line.available,
                        "on_hand": line.on_hand,
                        "inbound": line.inbound,
                        "daily_demand": _s(Decimal(str(line.daily_demand)), 3),
                        "cover_days": None
                        if line.cover_days is None
                        else _s(Decimal(str(line.cover_days)), 1),
                    }
                )
        # shortest cover first (what runs out soonest); no demand (no cover figure) last
        items.sort(
            key=lambda i: (
                i["cover_days"] is None,
                Decimal(str(i["cover_days"] or 0)),
                i["warehouse"],
                i["key"],
            )
        )
        return {"available": True, "window_days": DEMAND_WINDOW_DAYS, "items": items[: TOP * 3]}

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

        def fetch(start: date) -> list[tuple[Any, ...]]:
            return self.store.fetch(
                sql.drill(
                    self.store.dialect, scope.tenant_id, start, f.end, f.markets, match,
                    per_page + 1, (page - 1) * per_page, paid_only=paid_only,
                )
            )  # fmt: skip

        # Newest first: the rollup tells from which day on there are enough orders for this page, so the
        # store reads those days only. Had the orders changed meanwhile and the days hold fewer, the whole
        # period is read: the page is the same either way.
        since = self._drill_since(scope, f, match, page * per_page + 1, paid_only)
        raw = fetch(since) if since > f.start else []
        if len(raw) <= per_page:
            raw = fetch(f.start)
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

    def _drill_since(
        self, scope: Scope, f: Filters, match: dict[str, str], wanted: int, paid_only: bool
    ) -> date:
        """The latest day from which the period's last days hold ``wanted`` matching orders (the period's
        start when the rollup cannot tell: no rollup, a key of the lines, a customs stage or a route)."""
        if self.rollup is None or not set(match) <= set(rollup_sql.ORDER_KEYS):
            return f.start
        self.version()  # the rollup brought up to the store first
        q = rollup_sql.day_counts(scope.tenant_id, f.start, f.end, f.markets, match, paid_only=paid_only)
        total = 0
        for day, n in self.rollup.fetch(q):
            total += int(n)
            if total >= wanted:
                return day if isinstance(day, date) else date.fromisoformat(str(day))
        return f.start

    def table(self, dimension: str, scope: Scope, f: Filters) -> pa.Table:
        """A figure's rows for export: one row per bucket and key, converted, with the orders' count."""
        self.version()  # the rollup brought up to the store first
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

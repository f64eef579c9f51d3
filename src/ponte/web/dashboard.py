"""What the dashboard page reads from a request (filters, period presets, the viewer's time zone) and
how a view's figures become charts. Presentation only: the figures come computed from the service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import unquote, urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime
from fastapi import Query, Request

from ponte.analytics.core import Filters
from ponte.reference import countries
from ponte.web import charts
from ponte.web.charts import Chart
from ponte.web.i18n import N_, Locale

TZ_COOKIE = "ponte_tz"
VIEWS = ("overview", "markets", "sellers", "customs", "air", "live", "partners", "stock")
VIEW_LABELS = {
    "overview": N_("Overview"),
    "markets": N_("Markets and categories"),
    "sellers": N_("Top sellers and products"),
    "customs": N_("Customs clearance"),
    "air": N_("Air cargo"),
    "live": N_("Live sessions"),
    "partners": N_("Partner countries"),
    "stock": N_("Warehouse stock cover"),
}
PRESETS = {
    "7d": N_("Last 7 days"),
    "30d": N_("Last 30 days"),
    "90d": N_("Last 90 days"),
    "month": N_("This month"),
    "last-month": N_("Last month"),
    "year": N_("This year"),
    "latest": N_("30 days up to the latest order"),
}
#: The simulator's and the demo's product categories, for display (message ids).
CATEGORY_LABELS = {
    "beauty": N_("Beauty"),
    "home": N_("Home"),
    "electronics": N_("Electronics"),
    "apparel": N_("Apparel"),
    "toys": N_("Toys"),
    "cherries": N_("Cherries"),
    "avocados": N_("Avocados"),
    "nuts": N_("Nuts"),
    "wine": N_("Wine"),
    "coffee": N_("Coffee"),
}
CURRENCIES = ("CNY", "USD", "EUR", "BRL", "MXN", "CLP", "COP", "PEN", "ARS", "MOP")


class DashboardQuery:
    """The dashboard's query string: view, period (a preset or start/end), markets, seller, currency, grain."""

    views = VIEWS

    def __init__(
        self,
        view: Annotated[str, Query(max_length=20)] = "overview",
        period: Annotated[str | None, Query(max_length=20)] = None,
        start: Annotated[str | None, Query(max_length=10)] = None,
        end: Annotated[str | None, Query(max_length=10)] = None,
        market: Annotated[str | None, Query(max_length=80)] = None,
        seller: Annotated[str | None, Query(max_length=40)] = None,
        currency: Annotated[str, Query(max_length=3)] = "CNY",
        grain: Annotated[str, Query(max_length=5)] = "day",
    ) -> None:
        self.view, self.period, self.start, self.end = view, period, start or None, end or None
        self.market, self.seller, self.currency, self.grain = market or "", seller or None, currency, grain

    @property
    def market_codes(self) -> list[str]:
        return [m.strip() for m in self.market.replace(";", ",").split(",") if m.strip()]


def period_presets(today: date, latest: date | None) -> dict[str, Filters]:
    """Each preset period: relative to today, and one up to the latest order (when there is one)."""
    month = today.replace(day=1)
    last_month_end = month - timedelta(days=1)
    out = {
        "7d": Filters(today - timedelta(days=6), today),
        "30d": Filters(today - timedelta(days=29), today),
        "90d": Filters(today - timedelta(days=89), today, grain="week"),
        "month": Filters(month, today),
        "last-month": Filters(last_month_end.replace(day=1), last_month_end),
        "year": Filters(today.replace(month=1, day=1), today, grain="month"),
    }
    if latest is not None:
        out["latest"] = Filters(latest - timedelta(days=29), latest)
    return out


def viewer_zone(request: Request) -> ZoneInfo:
    """The viewer's time zone (set by the page's script from the browser), UTC when unknown."""
    name = unquote(request.cookies.get(TZ_COOKIE) or "UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def when(loc: Locale, moment: datetime, zone: ZoneInfo) -> str:
    return format_datetime(moment.astimezone(zone), "medium", tzinfo=zone, locale=loc.cldr) + f" ({zone.key})"


def drill_query(request: Request, f: Filters, **changes: Any) -> str:
    """The address of the orders behind a point: the dashboard's filters, then the point's own."""
    params: dict[str, str] = {
        "start": f.start.isoformat(),
        "end": f.end.isoformat(),
        "currency": f.currency,
    }
    if f.markets:
        params["market"] = ",".join(f.markets)
    seller = request.query_params.get("seller")
    if seller:
        params["seller"] = seller
    for k, v in changes.items():
        if v is not None:
            params[k] = str(v)
    return "/analytics/orders?" + urlencode(params)


def _country(loc: Locale, code: str) -> str:
    try:
        return f"{countries.country_name(code, loc.lang)} ({code})"
    except Exception:
        return code


def build_views(
    view: str, figures: dict[str, Any], f: Filters, loc: Locale, drill: Callable[..., str]
) -> list[Chart]:
    cur = f.currency
    t = loc.gettext
    if view == "overview":
        directions = {"export": t(N_("Export")), "import": t(N_("Import"))}
        return [
            charts.timeline("timeline", t(N_("Orders and value over time")), figures["series"], loc, cur, f.grain, drill,
                            (f.start, f.end)),
            charts.breakdown(
                "trade-mode", t(N_("By trade mode")), figures["trade_mode"], loc, cur,
                lambda r: str(r["key"]), lambda r: drill(by="trade_mode", key=r["key"]),
            ),
            charts.breakdown(
                "direction", t(N_("By direction")), figures["direction"], loc, cur,
                lambda r: directions.get(r["key"], r["key"]), lambda r: drill(by="direction", key=r["key"]),
            ),
        ]  # fmt: skip
    if view == "markets":
        return [
            charts.breakdown(
                "destination", t(N_("By destination market")), figures["destination"], loc, cur,
                lambda r: _country(loc, r["key"]), lambda r: drill(by="destination", key=r["key"]),
            ),
            charts.breakdown(
                "category", t(N_("By category (line value)")), figures["category"], loc, cur,
                lambda r: t(CATEGORY_LABELS[r["key"]]) if r["key"] in CATEGORY_LABELS else str(r["key"] or "—"),
                lambda r: drill(by="category", key=r["key"]),
            ),
        ]  # fmt: skip
    if view == "sellers":
        return [
            charts.breakdown(
                "sellers", t(N_("Top sellers")), figures["sellers"], loc, cur,
                lambda r: r["label"], lambda r: drill(by="tenant_id", key=r["key"]), horizontal=True,
            ),
            charts.breakdown(
                "products", t(N_("Top products")), figures["products"], loc, cur,
                lambda r: r["label"], lambda r: drill(by="product", key=r["key"]), horizontal=True,
            ),
        ]  # fmt: skip
    if view == "customs":
        fn = figures["funnel"]
        stages = [
            ("declared", t(N_("Declared")), fn["declared"]),
            ("accepted", t(N_("Accepted")), fn["accepted"]),
            ("released", t(N_("Released")), fn["released"]),
            ("rejected", t(N_("Rejected")), fn["rejected"]),
        ]
        return [charts.funnel("funnel", t(N_("Clearance funnel")), stages, loc, drill)]
    if view == "air":
        return [
            charts.routes("routes", t(N_("Tonnage and load factor by route")), figures["routes"], loc, drill)
        ]
    if view == "live":
        return [
            charts.breakdown(
                "live", t(N_("GMV by live session (paid orders only)")), figures["sessions"], loc, cur,
                lambda r: r["label"], lambda r: drill(by="live_session_id", key=r["key"], paid="true"),
                value_key="gmv", horizontal=True,
            )
        ]  # fmt: skip
    if view == "partners":
        return [
            charts.breakdown(
                "partners", t(N_("Trade with partner countries")), figures["destination"], loc, cur,
                lambda r: _country(loc, r["key"]), lambda r: drill(by="destination", key=r["key"]),
            )
        ]  # fmt: skip
    if view == "stock" and figures.get("available"):
        return [charts.stock("stock", t(N_("Warehouse stock cover")), figures["items"], loc, drill)]
    return []


__all__ = [
    "CURRENCIES",
    "PRESETS",
    "UTC",
    "VIEWS",
    "VIEW_LABELS",
    "DashboardQuery",
    "Decimal",
    "build_views",
    "drill_query",
    "period_presets",
    "viewer_zone",
    "when",
]

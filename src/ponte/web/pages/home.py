"""The dashboard (signing in and out: ``pages/signin.py``): the corridor's figures as charts, the orders behind each point,
exports and the printable report. Figures come from the analytics service (computed and cached there)."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from ponte.accounts import service as accounts
from ponte.analytics.core import Filters
from ponte.analytics.requests import SCOPE_READ
from ponte.analytics.service import Analytics, parse_filters, scope_for
from ponte.bootstrap import Platform
from ponte.platform.db import Database
from ponte.web import charts
from ponte.web.auth import Viewer, require_viewer
from ponte.web.dashboard import (
    CURRENCIES,
    PRESETS,
    VIEW_LABELS,
    DashboardQuery,
    build_views,
    drill_query,
    period_presets,
    viewer_zone,
    when,
)
from ponte.web.i18n import N_
from ponte.web.nav import NavEntry, register
from ponte.web.render import locale_of, render

router = APIRouter()
register(NavEntry("/", N_("Dashboard"), order=10))


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """Browsers ask for it on every site: Ponte's icon (a bridge), instead of a 404 in every console."""
    icon = resources.files("ponte.web").joinpath("static", "favicon.svg").read_bytes()
    return Response(icon, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})


# --- the dashboard --------------------------------------------------------------------------------


def _platform(request: Request) -> Platform:
    return request.app.state.platform  # type: ignore[no-any-return]


def _analytics(request: Request) -> Analytics:
    return _platform(request).analytics


def _sellers(request: Request, viewer: Viewer) -> list[tuple[str, str]]:
    if not viewer.is_operator:
        return []
    database: Database = request.app.state.database
    with database.unit_of_work(readonly=True) as uow:
        return [(t.id, t.name) for t in accounts.tenants_with_prefix(uow, "") if t.kind == "seller"]


Q = Annotated[DashboardQuery, Depends()]
GRAINS = (("day", N_("Day")), ("week", N_("Week")), ("month", N_("Month")))
BY_LABELS = {
    "destination": N_("Destination"),
    "trade_mode": N_("Trade mode"),
    "direction": N_("Direction"),
    "category": N_("Category"),
    "tenant_id": N_("Seller"),
    "product": N_("Product"),
    "sku": N_("SKU"),
    "live_session_id": N_("Live session"),
    "customs_stage": N_("Customs stage"),
    "route": N_("Route"),
}


def _filter_query(f: Filters, seller: str | None) -> str:
    params = {"start": f.start.isoformat(), "end": f.end.isoformat(), "currency": f.currency}
    if f.markets:
        params["market"] = ",".join(f.markets)
    if seller:
        params["seller"] = seller
    return urlencode(params)


@router.get("/")
async def dashboard(request: Request, viewer: Annotated[Viewer, Depends(require_viewer)], q: Q) -> Response:
    analytics = _analytics(request)
    loc = locale_of(request)
    if not (viewer.principal.has(SCOPE_READ) or viewer.is_operator):
        return render(request, "dashboard_none.html")
    scope = scope_for(viewer.principal, q.seller)
    latest = await run_in_threadpool(analytics.latest_day, scope)
    presets = period_presets(analytics.today(), latest)
    default = presets.get(q.period or "30d") or presets["30d"]
    f = parse_filters(q.start, q.end, q.market_codes, q.currency, q.grain, default=default)
    view = q.view if q.view in q.views else "overview"
    figures = await run_in_threadpool(analytics.figures, view, scope, f)
    shown = build_views(view, figures, f, loc, lambda **kw: drill_query(request, f, **kw))
    return render(
        request,
        "dashboard.html",
        q=q,
        f=f,
        view=view,
        views=q.views,
        figures=figures,
        charts=shown,
        presets=presets,
        latest=latest,
        sellers=_sellers(request, viewer),
        period_labels=PRESETS,
        view_labels=VIEW_LABELS,
        currencies=CURRENCIES,
        grains=GRAINS,
        money=lambda v, c: loc.money(Decimal(v), c),
        pct=lambda v: charts.pct(loc, Decimal(v)),
        hours=lambda h: "—" if h is None else loc.number(Decimal(str(round(h, 1)))),
        export_query=_filter_query(f, q.seller),
    )


@router.get("/analytics/orders")
async def drill_down(
    request: Request,
    viewer: Annotated[Viewer, Depends(require_viewer)],
    q: Q,
    by: Annotated[str | None, Query(max_length=40)] = None,
    key: Annotated[str | None, Query(max_length=64)] = None,
    paid: bool = False,
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    analytics = _analytics(request)
    scope = scope_for(viewer.principal, q.seller)
    f = parse_filters(q.start, q.end, q.market_codes, q.currency, q.grain, default=analytics.default_period())
    match = {by: key} if by and key is not None else {}
    result = await run_in_threadpool(analytics.drill, scope, f, match, page, 50, paid_only=paid)
    loc = locale_of(request)
    zone = viewer_zone(request)
    key_label = loc.country(key) if by == "destination" and key else (key or "")
    return render(
        request,
        "analytics_orders.html",
        f=f,
        by=by,
        key=key,
        key_label=key_label,
        by_labels=BY_LABELS,
        result=result,
        paid=paid,
        when=lambda moment: when(loc, moment, zone),
        back="/?" + _filter_query(f, q.seller),
    )


@router.get("/analytics/export.{fmt}")
async def export(
    request: Request,
    viewer: Annotated[Viewer, Depends(require_viewer)],
    q: Q,
    fmt: str,
    dimension: Annotated[
        str, Query(pattern="^(total|destination|trade_mode|direction|category|tenant_id)$")
    ] = "total",
) -> Response:
    analytics = _analytics(request)
    scope = scope_for(viewer.principal, q.seller)
    f = parse_filters(q.start, q.end, q.market_codes, q.currency, q.grain, default=analytics.default_period())
    body = await run_in_threadpool(analytics.export, dimension, scope, f, fmt)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/vnd.apache.parquet"
    name = f"corridor-{dimension}-{f.start.isoformat()}-{f.end.isoformat()}.{fmt}"
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/analytics/report.pdf")
async def report(request: Request, viewer: Annotated[Viewer, Depends(require_viewer)], q: Q) -> Response:
    platform = _platform(request)
    analytics = platform.analytics
    scope = scope_for(viewer.principal, q.seller)
    f = parse_filters(q.start, q.end, q.market_codes, q.currency, "day", default=analytics.default_period())
    lang = locale_of(request).lang

    def work() -> bytes:
        name = ""
        if scope.tenant_id is not None:
            with platform.database.unit_of_work(readonly=True) as uow:
                name = accounts.tenant_view(uow, scope.tenant_id).name
        return analytics.report(scope, f, name, lang, platform.document_fonts, platform.clock.now())

    body = await run_in_threadpool(work)
    name = f"corridor-report-{f.start.isoformat()}-{f.end.isoformat()}-{lang}.pdf"
    return Response(
        body, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'}
    )

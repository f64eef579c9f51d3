"""The corridor's figures: dashboard views, the orders behind a figure, exports and the report.

Every route needs ``analytics:read``; a tenant sees its own figures, the park operator (``park:operate``)
every tenant's, or one seller's with ``seller``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from ponte.accounts import service as accounts
from ponte.accounts.core import Principal
from ponte.analytics import core
from ponte.analytics.service import VIEWS, Analytics, parse_filters, scope_for
from ponte.api.deps import get_principal
from ponte.api.routing import ExactJsonRoute
from ponte.bootstrap import Platform
from ponte.kernel.errors import ValidationError

router = APIRouter(prefix="/analytics", tags=["analytics"], route_class=ExactJsonRoute)
Caller = Annotated[Principal, Depends(get_principal)]
Day = Annotated[str | None, Query(description="YYYY-MM-DD (UTC day); default: the 30 days up to today")]
Markets = Annotated[list[str] | None, Query(description="destination markets, ISO 3166-1 alpha-2")]
Seller = Annotated[str | None, Query(max_length=40, description="operator only: one seller's figures")]
Currency = Annotated[str, Query(min_length=3, max_length=3, description="reporting currency (ISO 4217)")]
Grain = Annotated[str, Query(pattern="^(day|week|month)$")]


def _platform(request: Request) -> Platform:
    return request.app.state.platform  # type: ignore[no-any-return]


def _analytics(request: Request) -> Analytics:
    return _platform(request).analytics


def _filters(
    analytics: Analytics,
    start: str | None,
    end: str | None,
    market: list[str] | None,
    currency: str,
    grain: str,
) -> core.Filters:
    default = analytics.default_period()
    return parse_filters(
        start, end, market, currency, grain, default=core.Filters(default.start, default.end)
    )


@router.get("/views/{view}", summary="One dashboard view's figures (amounts as exact decimal strings)")
async def view(
    request: Request,
    caller: Caller,
    view: str,
    start: Day = None,
    end: Day = None,
    market: Markets = None,
    seller: Seller = None,
    currency: Currency = "CNY",
    grain: Grain = "day",
) -> dict[str, Any]:
    if view not in VIEWS:
        raise ValidationError(f"view must be one of {', '.join(VIEWS)}", field="view", rule="view")
    analytics = _analytics(request)
    scope = scope_for(caller, seller)
    f = _filters(analytics, start, end, market, currency, grain)
    figures = await run_in_threadpool(analytics.figures, view, scope, f)
    return {"view": view, "start": f.start.isoformat(), "end": f.end.isoformat(), "figures": figures}


@router.get("/orders", summary="The orders behind a figure (drill down), newest first")
async def orders(
    request: Request,
    caller: Caller,
    start: Day = None,
    end: Day = None,
    market: Markets = None,
    seller: Seller = None,
    by: Annotated[
        str | None, Query(description="destination, trade_mode, direction, category, tenant_id, product")
    ] = None,
    key: Annotated[str | None, Query(max_length=64)] = None,
    paid: bool = False,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    analytics = _analytics(request)
    scope = scope_for(caller, seller)
    f = _filters(analytics, start, end, market, "CNY", "day")
    match = {by: key} if by and key is not None else {}
    result = await run_in_threadpool(analytics.drill, scope, f, match, page, per_page, paid_only=paid)
    return {
        "page": result.page,
        "per_page": result.per_page,
        "more": result.more,
        "orders": [
            {
                "id": r.id,
                "tenant_id": r.tenant_id,
                "external_ref": r.external_ref,
                "placed_at": r.placed_at.isoformat(),
                "destination": r.destination,
                "trade_mode": r.trade_mode,
                "direction": r.direction,
                "currency": r.currency,
                "value": str(r.value),
                "status": r.status,
                "paid": r.paid,
            }
            for r in result.rows
        ],
    }


@router.get("/export.{fmt}", summary="A figure by bucket and key as CSV or Parquet")
async def export(
    request: Request,
    caller: Caller,
    fmt: str,
    dimension: Annotated[
        str, Query(pattern="^(total|destination|trade_mode|direction|category|tenant_id)$")
    ] = "total",
    start: Day = None,
    end: Day = None,
    market: Markets = None,
    seller: Seller = None,
    currency: Currency = "CNY",
    grain: Grain = "day",
) -> Response:
    if fmt not in ("csv", "parquet"):
        raise ValidationError("format must be csv or parquet", field="fmt", rule="export-format")
    analytics = _analytics(request)
    scope = scope_for(caller, seller)
    f = _filters(analytics, start, end, market, currency, grain)
    body = await run_in_threadpool(analytics.export, dimension, scope, f, fmt)
    name = f"corridor-{dimension}-{f.start.isoformat()}-{f.end.isoformat()}.{fmt}"
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/vnd.apache.parquet"
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/report.pdf", summary="The printable corridor report of a period")
async def report(
    request: Request,
    caller: Caller,
    start: Day = None,
    end: Day = None,
    market: Markets = None,
    seller: Seller = None,
    currency: Currency = "CNY",
    lang: Annotated[str, Query(pattern="^(en|zh-CN|pt-BR|es)$")] = "en",
) -> Response:
    platform = _platform(request)
    analytics = platform.analytics
    scope = scope_for(caller, seller)
    f = _filters(analytics, start, end, market, currency, "day")

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

"""Orders: the list (newest first, search, status tabs, saved filters), a new order."""

from __future__ import annotations

import json
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse

from ponte.accounts import service as accounts
from ponte.catalog import service as catalog
from ponte.journey import service as journey
from ponte.kernel.clock import now
from ponte.kernel.errors import PonteError
from ponte.orders import service as orders_service
from ponte.orders.intake import TRADE_MODES
from ponte.orders.service import STATES
from ponte.platform.db import Database
from ponte.reference.markets import markets
from ponte.web import forms, labels
from ponte.web.auth import Viewer, require_viewer
from ponte.web.i18n import N_
from ponte.web.nav import NavEntry, register
from ponte.web.pages.catalogue import require, scope_of, title_for
from ponte.web.render import flash, locale_of, render

router = APIRouter()
register(NavEntry("/orders", N_("Orders"), scope="orders:read", order=40))

PAGE_SIZE = 25
FILTERS_COOKIE = "ponte_filters"
MAX_FILTERS = 8
FILTER_KEYS = ("q", "status", "destination", "seller")

#: Kept for the pages that show order states (message ids).
STATE_LABELS = labels.STATES
CHANNEL_LABELS = labels.CHANNELS


def saved_filters(request: Request) -> list[dict[str, str]]:
    """The viewer's saved filters (name and query string), kept in a cookie of this browser."""
    try:
        found = json.loads(request.cookies.get(FILTERS_COOKIE) or "[]")
    except ValueError:
        return []
    if not isinstance(found, list):
        return []
    return [
        {"name": str(f["name"])[:40], "query": str(f["query"])[:300]}
        for f in found[:MAX_FILTERS]
        if isinstance(f, dict) and "name" in f and "query" in f
    ]


@router.get("/orders")
def orders(
    request: Request,
    viewer: Annotated[Viewer, Depends(require_viewer)],
    seller: str | None = None,
    status: str | None = None,
    destination: str | None = None,
    q: str | None = None,
    cursor: str | None = None,
) -> Response:
    require(viewer, "orders:read")
    database: Database = request.app.state.database
    text = (q or "").strip()[:64] or None
    with database.unit_of_work() as uow:
        page, counts = orders_service.search(
            uow,
            scope_of(viewer, seller),
            cursor,
            PAGE_SIZE,
            text,
            status or None,
            (destination or "").upper() or None,
        )
        choices = accounts.tenant_names(uow, "seller") if viewer.is_operator else []
        names = dict(choices)
    return render(
        request,
        "orders.html",
        orders=page.items,
        next_cursor=page.next_cursor,
        names=names,
        sellers=choices,
        seller=seller or "",
        status_filter=status or "",
        destination=(destination or "").upper(),
        q=text or "",
        counts=counts,
        total=sum(counts.values()),
        states=STATES,
        state_labels=STATE_LABELS,
        markets=markets(),
        saved=saved_filters(request),
        can_write=viewer.principal.has("orders:write"),
    )


@router.post("/orders/filters")
async def save_filter(request: Request, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    """Save the current filter under a name (or forget one), in this browser."""
    require(viewer, "orders:read")
    form = await request.form()
    name = str(form.get("name") or "").strip()[:40]
    query = urlencode({k: str(form.get(k)) for k in FILTER_KEYS if form.get(k)})
    kept = [f for f in saved_filters(request) if f["name"] != name]
    if name and not form.get("forget"):
        kept = [{"name": name, "query": query}, *kept][:MAX_FILTERS]
    response = RedirectResponse(f"/orders?{query}" if not form.get("forget") else "/orders", status_code=303)
    response.set_cookie(
        FILTERS_COOKIE, json.dumps(kept), max_age=365 * 24 * 3600, samesite="lax", httponly=True
    )
    flash(request, N_("The filter was saved.") if not form.get("forget") else N_("The filter was removed."))
    return response


def _form_page(
    request: Request, viewer: Viewer, values: dict[str, str], errors: forms.FormErrors, status: int = 200
) -> Response:
    database: Database = request.app.state.database
    loc = locale_of(request)
    lang = loc.lang
    with database.unit_of_work() as uow:
        rows = catalog.products(uow, viewer.tenant_id, limit=200)
    products = [(p, title_for(p, lang)) for p in rows]
    currencies = sorted({m.currency for m in markets()} | {"USD", "EUR"})
    return render(
        request,
        "order_new.html",
        status=status,
        values=values,
        errors=errors,
        products=products,
        market_options=[(m.country, f"{loc.country(m.country)} ({m.country})") for m in markets()],
        currency_options=[(c, c) for c in currencies],
        trade_mode_options=[(m, labels.of(labels.TRADE_MODES, loc, m)) for m in TRADE_MODES],
        line_rows=forms.LINE_ROWS,
    )


@router.get("/orders/new")
def new_order_form(request: Request, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    require(viewer, "orders:write")
    return _form_page(request, viewer, {"trade_mode": "9610", "lines.0.quantity": "1"}, forms.FormErrors())


@router.post("/orders/new")
async def new_order(request: Request, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    require(viewer, "orders:write")
    loc = locale_of(request)
    form = await request.form()
    values = {name: str(value) for name, value in form.items() if isinstance(value, str)}
    order_in, errors = forms.to_order(values, loc)
    if order_in is None:
        return _form_page(request, viewer, values, errors, status=422)
    database: Database = request.app.state.database
    try:
        with database.unit_of_work() as uow:
            order = journey.place(
                uow, viewer.tenant_id, order_in, request.app.state.platform.journey, now()
            ).order
            uow.commit()
    except PonteError as exc:
        return _form_page(request, viewer, values, forms.from_ponte_error(exc, loc), status=422)
    flash(request, N_("The order was placed."))
    return RedirectResponse(f"/orders/{order.id}", status_code=303)

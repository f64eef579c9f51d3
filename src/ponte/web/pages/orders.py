"""Orders: the list (filters, cursor pages), one order (buyer masked), a new order."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse

from ponte.catalog.store import ProductRepository
from ponte.journey import service as journey
from ponte.kernel.clock import now
from ponte.kernel.errors import PonteError
from ponte.orders.intake import TRADE_MODES
from ponte.orders.service import STATES
from ponte.platform.crypto import mask
from ponte.platform.db import Database
from ponte.reference.markets import markets
from ponte.web import forms, queries
from ponte.web.auth import Viewer, require_viewer
from ponte.web.i18n import N_
from ponte.web.nav import NavEntry, register
from ponte.web.pages.catalogue import require, title_for
from ponte.web.render import flash, locale_of, render

router = APIRouter()
register(NavEntry("/orders", N_("Orders"), scope="orders:read", order=40))

PAGE_SIZE = 25

#: Order states, for display (message ids).
STATE_LABELS = {
    "placed": N_("placed"),
    "quoted": N_("quoted"),
    "held": N_("held"),
    "packed": N_("packed"),
    "booked": N_("booked"),
    "declared": N_("declared"),
    "rejected": N_("rejected"),
    "cleared": N_("cleared"),
    "in_transit": N_("in transit"),
    "delivered": N_("delivered"),
    "returned": N_("returned"),
    "cancelled": N_("cancelled"),
}
CHANNEL_LABELS = {"web": N_("web shop"), "csv": N_("CSV file"), "api": N_("API"), "live": N_("live session")}


@router.get("/orders")
def orders(
    request: Request,
    viewer: Annotated[Viewer, Depends(require_viewer)],
    seller: str | None = None,
    status: str | None = None,
    destination: str | None = None,
    cursor: str | None = None,
) -> Response:
    require(viewer, "orders:read")
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        page = queries.orders_page(uow.session, viewer, seller, cursor, PAGE_SIZE, status, destination)
        names = queries.tenant_names(uow.session, viewer)
        choices = queries.sellers_choice(uow.session, viewer)
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
        states=STATES,
        state_labels=STATE_LABELS,
        markets=markets(),
        can_write=viewer.principal.has("orders:write"),
    )


def _form_page(
    request: Request, viewer: Viewer, values: dict[str, str], errors: forms.FormErrors, status: int = 200
) -> Response:
    database: Database = request.app.state.database
    loc = locale_of(request)
    lang = loc.lang
    with database.unit_of_work() as uow:
        page = ProductRepository(uow.session, viewer.tenant_id).page(None, 200)
    products = [(p, title_for(p, lang)) for p in page.items]
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
        trade_mode_options=[(m, m) for m in TRADE_MODES],
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


@router.get("/orders/{order_id}")
def order_detail(
    request: Request, order_id: str, viewer: Annotated[Viewer, Depends(require_viewer)]
) -> Response:
    require(viewer, "orders:read")
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        order, buyer = queries.order_with_buyer(uow.session, viewer, order_id)
        names = queries.tenant_names(uow.session, viewer)
        lines = list(order.lines)
        address = json.loads(buyer.address)
        masked = {
            "name": mask(buyer.name, 1),
            "tax_id_kind": buyer.tax_id_kind,
            "tax_id": mask(buyer.tax_id, 2),
            "city": address.get("city", ""),
            "country": buyer.country,
        }
    total = order.goods_value + order.freight + order.insurance - order.discount
    return render(
        request,
        "order.html",
        order=order,
        lines=lines,
        buyer=masked,
        total=total,
        seller_name=names.get(order.tenant_id, ""),
        state_labels=STATE_LABELS,
        channel_labels=CHANNEL_LABELS,
    )

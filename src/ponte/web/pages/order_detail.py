"""One order: its facts, the buyer (the seller sees the shipping address; others see it masked), the
frozen quote with its explanation, the timeline, the journey's actions and its printed documents."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError as PydanticError

from ponte.accounts import service as accounts
from ponte.catalog import service as catalog
from ponte.journey import service as journey
from ponte.journey.core import actions_for
from ponte.kernel.clock import now
from ponte.kernel.errors import NotFoundError, PonteError
from ponte.orders import service as orders_service
from ponte.orders.core import Buyer
from ponte.orders.intake import PaymentIn
from ponte.platform.crypto import mask
from ponte.platform.db import Database
from ponte.web import labels
from ponte.web.auth import Viewer, require_viewer
from ponte.web.errors import explain, translate
from ponte.web.i18n import N_, Locale
from ponte.web.pages.catalogue import require, scope_of
from ponte.web.render import flash, locale_of, render

router = APIRouter()
log = logging.getLogger("ponte.web")

ACTION_LABELS = {
    "pay": N_("Record the payment"),
    "quote": N_("Quote again"),
    "fulfil": N_("Fulfil: pack the parcel"),
    "ship": N_("Ship: book a flight"),
    "declare": N_("Declare to customs"),
    "cancel": N_("Cancel the order"),
    "return": N_("Record a return"),
}
DONE = {
    "pay": N_("The payment was recorded."),
    "quote": N_("The order was quoted again."),
    "fulfil": N_("The parcel is packed."),
    "ship": N_("The order is booked on a flight."),
    "declare": N_("The declaration was sent to customs."),
    "cancel": N_("The order was cancelled."),
    "return": N_("The return was recorded."),
}
#: The states after which the destination documents exist (the order has its declared waybill).
DOCUMENT_STATES = ("declared", "rejected", "cleared", "in_transit", "delivered", "returned")


def _line_title(products: dict[str, Any], line: Any, lang: str) -> str:
    product = products.get(line.product_id or "")
    if product is None:
        return str(line.description)
    return str(product.titles.get(lang) or product.titles.get("en") or line.description)


def _buyer(buyer: Buyer, own: bool) -> dict[str, Any]:
    """The buyer as given with this order (its own delivery address), whole or masked."""
    address = buyer.address
    if own:  # the seller ships to this address: shown whole to the seller's own people
        return {
            "masked": False,
            "name": buyer.name,
            "tax_id": mask(buyer.tax_id, 2),
            "tax_id_kind": buyer.tax_id_kind,
            "lines": [address.line1, address.line2 or ""],
            "city": address.city,
            "region": address.region or "",
            "postal_code": address.postal_code,
            "country": address.country,
            "phone": buyer.phone or "",
        }
    return {
        "masked": True,
        "name": mask(buyer.name, 1),
        "tax_id": mask(buyer.tax_id, 2),
        "tax_id_kind": buyer.tax_id_kind,
        "lines": [],
        "city": address.city,
        "region": "",
        "postal_code": "",
        "country": address.country,
        "phone": "",
    }


def _quote(loc: Locale, frozen: dict[str, Any] | None) -> dict[str, Any] | None:
    """The frozen quote as the page shows it: labels, regimes and legal bases in the viewer's words."""
    if frozen is None:
        return None
    response = frozen["response"]
    verdict = response.get("verdict", {})
    lines = []
    for line in response.get("lines", []):
        lines.append(
            {
                "kind": line.get("kind", ""),
                "label": labels.line_kind(loc, line.get("kind", ""), line.get("label", "")),
                "rate": None if line.get("rate") is None else Decimal(line["rate"]),
                "base": Decimal(line.get("base") or 0),
                "amount": Decimal(line.get("amount") or 0),
                "currency": line.get("currency", response.get("currency", "")),
                "basis": [
                    {
                        "label": labels.basis(loc, line.get("kind", "")),
                        "title": b.get("reference", {}).get("title", ""),
                        "href": b.get("reference", {}).get("href", ""),
                        "date": b.get("reference", {}).get("date") or "",
                        "in_force_from": b.get("in_force_from", ""),
                    }
                    for b in line.get("legal_basis", [])
                ],
            }
        )
    reasons = [
        {
            "text": (r.get("messages") or {}).get(loc.lang) or r.get("message", ""),
            "blocking": bool(r.get("blocking")),
            "open": r.get("code") == "open-point",
        }
        for r in verdict.get("reasons", [])
    ]
    total = response.get("total_tax", {}).get("amount")
    landed = response.get("landed_cost", {}).get("amount")
    return {
        "status": verdict.get("status", ""),
        "regime": labels.of(labels.REGIMES, loc, response.get("regime")),
        "currency": response.get("currency", ""),
        "dutiable": Decimal(response.get("dutiable_value", {}).get("amount") or 0),
        "lines": lines,
        "reasons": [r for r in reasons if not r["open"]],
        "open_points": sum(1 for r in reasons if r["open"]),
        "total_tax": None if total is None else Decimal(total),
        "landed": None if landed is None else Decimal(landed),
        "quoted_at": frozen.get("quoted_at"),
    }


def _page(request: Request, viewer: Viewer, order_id: str, problem: str = "", status: int = 200) -> Response:
    database: Database = request.app.state.database
    loc = locale_of(request)
    with database.unit_of_work() as uow:
        order, buyer = orders_service.find(uow, scope_of(viewer), order_id)
        tenant = order.tenant_id
        view = journey.overview(uow, tenant, order_id)
        frozen = journey.frozen_quote(uow, tenant, order_id).frozen if view["quote"] else None
        lines = list(order.lines)
        products = catalog.records_by_id(uow, tenant, {ln.product_id for ln in lines if ln.product_id})
        seller_name = dict(accounts.tenant_names(uow)).get(tenant, "") if viewer.is_operator else ""
    own = not viewer.is_operator and viewer.has("orders:write")
    actions = actions_for(order.status, view["paid"]) if own else []
    total = order.goods_value + order.freight + order.insurance - order.discount
    return render(
        request,
        "order.html",
        status=status,
        order=order,
        lines=[(ln, _line_title(products, ln, loc.lang)) for ln in lines],
        buyer=_buyer(buyer, own),
        total=total,
        view=view,
        quote=_quote(loc, frozen),
        actions=[(a, ACTION_LABELS[a]) for a in actions if a in ACTION_LABELS],
        documents=own and order.status in DOCUMENT_STATES and viewer.has("customs:read"),
        problem=problem,
        seller_name=seller_name,
        state_labels=labels.STATES,
        channel_labels=labels.CHANNELS,
        trade_mode=labels.of(labels.TRADE_MODES, loc, order.trade_mode),
        air=order.trade_mode in journey.AIR_MODES,
    )


@router.get("/orders/{order_id}")
def order_detail(
    request: Request, order_id: str, viewer: Annotated[Viewer, Depends(require_viewer)]
) -> Response:
    require(viewer, "orders:read")
    return _page(request, viewer, order_id)


@router.get("/orders/{order_id}/label")
def label(request: Request, order_id: str, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    """The parcel's shipping label, to print (the house waybill, the route and the address)."""
    require(viewer, "orders:write")
    if viewer.is_operator:
        raise NotFoundError("order", order_id)
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        order, buyer = orders_service.find(uow, viewer.tenant_id, order_id)
        view = journey.overview(uow, viewer.tenant_id, order_id)
    if view["parcel"] is None:
        raise NotFoundError("parcel", order_id)
    return render(request, "order_label.html", order=order, buyer=_buyer(buyer, True), view=view)


@router.post("/orders/{order_id}/actions/{action}")
async def act(
    request: Request, order_id: str, action: str, viewer: Annotated[Viewer, Depends(require_viewer)]
) -> Response:
    """One action of the order's journey, through the journey's services."""
    require(viewer, "orders:write")
    if action not in ACTION_LABELS or viewer.is_operator:
        raise NotFoundError("action", action)
    if action == "declare":
        require(viewer, "customs:write")
    loc = locale_of(request)
    form = {k: str(v) for k, v in (await request.form()).items() if isinstance(v, str)}
    platform = request.app.state.platform
    ctx = platform.journey
    database: Database = request.app.state.database
    tenant = viewer.tenant_id
    at = now()
    reason = (form.get("reason") or "").strip()[:200]
    note = DONE[action]
    try:
        with database.unit_of_work() as uow:
            orders_service.get(uow, tenant, order_id)
            if action == "pay":
                payment = PaymentIn.model_validate(
                    {"transaction_id": (form.get("transaction_id") or "").strip()}
                )
                journey.pay(uow, tenant, order_id, payment, at)
            elif action == "quote":
                journey.requote(uow, tenant, order_id, ctx, at)
            elif action == "fulfil":
                journey.fulfil(uow, tenant, order_id, ctx, at)
            elif action == "ship":
                carrier = (form.get("carrier") or "").strip() or None
                waybill = (form.get("waybill_no") or "").strip() or None
                shipped = journey.ship(uow, tenant, [order_id], ctx, at, carrier=carrier, waybill_no=waybill)
                if order_id in shipped.waiting:
                    note = N_("No flight had room for the parcel yet; it waits for the next schedule.")
            elif action == "declare":
                journey.declare(uow, tenant, order_id, ctx, at)
            elif action == "cancel":
                journey.cancel(uow, tenant, order_id, reason or "cancelled from the console", ctx, at)
            elif action == "return":
                journey.return_order(uow, tenant, order_id, reason or "returned by the buyer", ctx, at)
            uow.commit()
        if action in ("declare", "cancel", "return") and ctx.transport is not None:
            journey.send(database, tenant, ctx, now())
    except PonteError as exc:
        log.info("order %s: %s refused: %s", order_id, action, exc)
        return _page(request, viewer, order_id, explain(exc, loc), status=exc.status)
    except PydanticError:
        return _page(request, viewer, order_id, translate(loc, "required"), status=422)
    flash(request, note)
    return RedirectResponse(f"/orders/{order_id}", status_code=303)

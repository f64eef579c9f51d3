"""Warehouses: stock per warehouse with its cover in days, the inbound first legs, the pick lists of orders
waiting in the warehouse, and the replenishment suggestions (a page of its own: the forecast takes seconds)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from ponte.warehouses.service import WarehouseService
from ponte.web.auth import Viewer, require_viewer
from ponte.web.i18n import N_
from ponte.web.nav import NavEntry, register
from ponte.web.pages.catalogue import require
from ponte.web.render import render

router = APIRouter()
register(NavEntry("/warehouses", N_("Warehouses"), scope="warehouses:read", order=55))

#: Reservation states in words (message ids).
STATUS_LABELS = {
    "reserved": N_("reserved"),
    "picked": N_("picked"),
    "packed": N_("packed"),
    "shipped": N_("handed to the carrier"),
    "released": N_("released"),
}
INBOUND_LABELS = {"announced": N_("on the way"), "received": N_("received")}
MODE_LABELS = {"air": N_("air"), "sea": N_("sea")}
LEVELS = {"0.9": "90%", "0.95": "95%", "0.98": "98%"}


def _service(request: Request) -> WarehouseService:
    return request.app.state.platform.warehouses  # type: ignore[no-any-return]


@router.get("/warehouses")
def warehouses(request: Request, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    require(viewer, "warehouses:read")
    service = _service(request)
    return render(
        request,
        "warehouses.html",
        warehouses=service.warehouses(viewer.tenant_id),
        stock=service.stock(viewer.tenant_id),
        inbound=service.inbounds(viewer.tenant_id),
        picks=service.reservations(viewer.tenant_id, status=["reserved", "picked", "packed"], limit=50),
        status_labels=STATUS_LABELS,
        inbound_labels=INBOUND_LABELS,
        mode_labels=MODE_LABELS,
    )


@router.get("/warehouses/replenishment")
def replenishment(
    request: Request, viewer: Annotated[Viewer, Depends(require_viewer)], service_level: str = "0.95"
) -> Response:
    require(viewer, "warehouses:read")
    level = service_level if service_level in LEVELS else "0.95"
    items = _service(request).replenishment(viewer.tenant_id, service_level=float(level))
    return render(
        request,
        "warehouses_replenishment.html",
        items=items,
        level=level,
        levels=LEVELS,
        mode_labels=MODE_LABELS,
        dec=Decimal,
    )

"""A forwarder's flights: the legs it booked with their loads by weight and volume against the capacity it holds
(the booking ledger), what rides each leg (ULDs, masters, dangerous goods), a ULD's bags and parcels, and the
documents handed to the airline (consolidation list, flight manifest, ULD contents list) as PDF downloads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from ponte.kernel.clock import now
from ponte.kernel.errors import NotFoundError
from ponte.logistics import service_forwarding as forwarding
from ponte.logistics.documents import KINDS
from ponte.web import queries
from ponte.web.auth import Viewer, require_viewer
from ponte.web.i18n import N_
from ponte.web.nav import NavEntry, register
from ponte.web.pages.catalogue import require
from ponte.web.pages.shipments import formats, readable_tenants
from ponte.web.render import locale_of, render

router = APIRouter()
register(NavEntry("/flights", N_("Flights"), scope="logistics:read", order=62))

PAGE_SIZE = 25


def _pdf(name: str, body: bytes) -> Response:
    return Response(
        body, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get("/flights")
def flights(
    request: Request,
    viewer: Annotated[Viewer, Depends(require_viewer)],
    seller: str | None = None,
    page: int = 1,
) -> Response:
    require(viewer, "logistics:read")
    database = request.app.state.database
    page = max(page, 1)
    with database.unit_of_work() as uow:
        legs, total = forwarding.flights(
            uow, readable_tenants(viewer, seller), (page - 1) * PAGE_SIZE, PAGE_SIZE
        )
        names = queries.tenant_names(uow, viewer)
        choices = queries.sellers_choice(uow, viewer)
    return render(
        request,
        "flights.html",
        legs=legs,
        total=total,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        names=names,
        sellers=choices,
        seller=seller or "",
        **formats(request),
    )


# the PDF route comes first: a leg key holds slashes, so ``/flights/{leg}`` would take ``…/manifest.pdf`` too
@router.get("/flights/{leg:path}/manifest.pdf")
async def leg_manifest(
    request: Request, leg: str, viewer: Annotated[Viewer, Depends(require_viewer)]
) -> Response:
    require(viewer, "logistics:read")
    platform, lang = request.app.state.platform, locale_of(request).lang

    def work() -> tuple[str, bytes]:
        with platform.database.unit_of_work() as uow:
            return forwarding.leg_manifest_pdf(
                uow, readable_tenants(viewer, None), leg, lang, platform.document_fonts, now()
            )

    return _pdf(*await run_in_threadpool(work))


@router.get("/flights/{leg:path}")
def flight(request: Request, leg: str, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    require(viewer, "logistics:read")
    database = request.app.state.database
    with database.unit_of_work() as uow:
        found = forwarding.flight(uow, readable_tenants(viewer, None), leg)
        names = queries.tenant_names(uow, viewer)
    return render(
        request,
        "flight.html",
        f=found,
        seller_name=", ".join(sorted(names.get(t, "") for t in found["tenant_ids"])),
        **formats(request),
    )


@router.get("/shipments/{shipment_id}/ulds/{uld_id}")
def uld(
    request: Request, shipment_id: str, uld_id: str, viewer: Annotated[Viewer, Depends(require_viewer)]
) -> Response:
    require(viewer, "logistics:read")
    database = request.app.state.database
    with database.unit_of_work() as uow:
        found = forwarding.uld(uow, readable_tenants(viewer, None), shipment_id, uld_id)
    return render(request, "uld.html", **found, **formats(request))


@router.get("/shipments/{shipment_id}/documents/{kind}.pdf")
async def shipment_document(
    request: Request, shipment_id: str, kind: str, viewer: Annotated[Viewer, Depends(require_viewer)]
) -> Response:
    """A document of the viewer's shipment, in the viewer's language."""
    require(viewer, "logistics:read")
    if kind not in KINDS:
        raise NotFoundError("document", kind)
    platform, lang = request.app.state.platform, locale_of(request).lang

    def work() -> tuple[str, bytes]:
        with platform.database.unit_of_work() as uow:
            return forwarding.shipment_document(
                uow, readable_tenants(viewer, None), shipment_id, kind, lang, platform.document_fonts, now()
            )

    return _pdf(*await run_in_threadpool(work))

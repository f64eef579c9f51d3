"""Shipments (one per master AWB) and the tracking timeline of an AWB or a parcel."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from babel.numbers import format_percent
from fastapi import APIRouter, Depends, Request, Response

from ponte.kernel.clock import now
from ponte.kernel.errors import NotFoundError, PonteError
from ponte.logistics import service as logistics
from ponte.logistics.tracking import RANK
from ponte.platform.db import Database
from ponte.web import queries
from ponte.web.auth import Viewer, require_viewer
from ponte.web.i18n import N_
from ponte.web.nav import NavEntry, register
from ponte.web.pages.catalogue import require
from ponte.web.render import locale_of, render

router = APIRouter()
register(NavEntry("/shipments", N_("Shipments"), scope="logistics:read", order=60))
register(NavEntry("/tracking", N_("Tracking"), scope="logistics:read", order=61))

PAGE_SIZE = 25

#: IATA FSU status codes in words (message ids); the code list's own wording is in English only.
FSU_LABELS = {
    "BKD": N_("Booked on the flight"),
    "DPU": N_("Picked up from the shipper"),
    "FOH": N_("On hand, awaiting ready for carriage"),
    "RCS": N_("Received from the shipper, ready for carriage"),
    "FIW": N_("Into warehouse control"),
    "FOW": N_("Out of warehouse control"),
    "PRE": N_("Prepared for loading"),
    "MAN": N_("Manifested on the flight"),
    "DEP": N_("Departed"),
    "TRM": N_("To be transferred to another carrier"),
    "TFD": N_("Transferred to another carrier"),
    "RCT": N_("Received from another carrier"),
    "ARR": N_("Arrived"),
    "RCF": N_("Received from the flight"),
    "CRC": N_("Reported to customs"),
    "TGC": N_("Transferred to customs control"),
    "CCD": N_("Cleared by customs"),
    "NFD": N_("Consignee notified of arrival"),
    "AWR": N_("Arrival documents received"),
    "AWD": N_("Arrival documents delivered"),
    "DLV": N_("Delivered to the consignee"),
    "DDL": N_("Delivered to the consignee's door"),
    "DOC": N_("Documents received by the handler"),
    "OCI": N_("Other customs, security or regulatory information"),
    "OSI": N_("Other service information"),
    "DIS": N_("Discrepancy"),
    "DIS_DFLD": N_("Discrepancy: definitely loaded"),
    "DIS_FDAV": N_("Discrepancy: mail document found"),
    "DIS_FDAW": N_("Discrepancy: air waybill found"),
    "DIS_FDCA": N_("Discrepancy: cargo found"),
    "DIS_FDMB": N_("Discrepancy: mailbag found"),
    "DIS_MSAV": N_("Discrepancy: mail document missing"),
    "DIS_MSAW": N_("Discrepancy: air waybill missing"),
    "DIS_MSCA": N_("Discrepancy: cargo missing"),
    "DIS_MSMB": N_("Discrepancy: mailbag missing"),
    "DIS_OFLD": N_("Discrepancy: offloaded"),
    "DIS_OVCD": N_("Discrepancy: overcarried"),
    "DIS_SSPD": N_("Discrepancy: short-shipped"),
}

#: A shipment's state from the highest milestone its master AWB reached (RANK of the FSU code).
STATES = [
    (10, N_("delivered")),
    (7, N_("at destination")),
    (5, N_("arrived")),
    (4, N_("departed")),
    (3, N_("manifested")),
    (1, N_("received")),
    (0, N_("booked")),
]
PLANNED = N_("planned")
REASON_LABELS = {
    "eta-after-promise": N_("the estimate is after the promised time"),
    "overdue-no-arrival": N_("overdue: no arrival reported"),
}
SOURCE_LABELS = {
    "carrier": N_("carrier"),
    "csv": N_("CSV file"),
    "webhook": N_("carrier webhook"),
    "customs": N_("customs"),
}
#: The documents a forwarder hands to the airline, in words (message ids); their PDFs are ``flights``' routes.
DOCUMENT_LABELS = {
    "consolidation-list": N_("Consolidation list"),
    "flight-manifest": N_("Flight manifest"),
    "uld-contents": N_("ULD contents list"),
}
SUBJECT_LABELS = {"parcel": N_("parcel"), "bag": N_("bag"), "uld": N_("ULD"), "awb": N_("air waybill")}


def formats(request: Request) -> dict[str, Any]:
    """Percentages and kilograms written the viewer's way."""
    loc = locale_of(request)

    def pct(value: float | Decimal, places: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * places if places else "") + "%"
        return format_percent(Decimal(str(value)), pattern, locale=loc.cldr)

    def kg(value: float | Decimal, places: int = 1) -> str:
        amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
        return loc.gettext(N_("%(kg)s kg"), kg=loc.number(amount))

    return {"pct": pct, "kg": kg}


def state_of(codes: list[str]) -> str:
    """The state label for the FSU codes of a master AWB (in the order they happened)."""
    best = max((RANK[c] for c in codes if c in RANK), default=None)
    if best is None:
        return PLANNED
    return next(label for rank, label in STATES if best >= rank)


def readable_tenants(viewer: Viewer, seller: str | None) -> list[str] | None:
    """Whose shipments the viewer reads: its own; the operator every seller's, or the one it picked."""
    if viewer.is_operator:
        return [seller] if seller else None
    return [viewer.tenant_id]


def _tenant_for(viewer: Viewer, seller: str | None) -> str:
    """Whose records a tenant-scoped read uses: one's own, or the seller the operator picked."""
    return seller if viewer.is_operator and seller else viewer.tenant_id


@router.get("/shipments")
def shipments(
    request: Request,
    viewer: Annotated[Viewer, Depends(require_viewer)],
    seller: str | None = None,
    cursor: str | None = None,
) -> Response:
    require(viewer, "logistics:read")
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        page = logistics.console_shipments(uow, readable_tenants(viewer, seller), cursor, PAGE_SIZE)
        codes = logistics.states(uow, page.items)
        states = {s.id: state_of(codes[s.id]) for s in page.items}
        names = queries.tenant_names(uow, viewer)
        choices = queries.sellers_choice(uow, viewer)
        rows = [(s, s.plan.get("load_factor")) for s in page.items]
    return render(
        request,
        "shipments.html",
        rows=rows,
        states=states,
        next_cursor=page.next_cursor,
        names=names,
        sellers=choices,
        seller=seller or "",
        **formats(request),
    )


def _bound_and_gap(plan: dict[str, Any]) -> dict[str, Any] | None:
    found = plan.get("consolidation")
    return found if isinstance(found, dict) else None


@router.get("/shipments/{shipment_id}")
def shipment_detail(
    request: Request, shipment_id: str, viewer: Annotated[Viewer, Depends(require_viewer)]
) -> Response:
    require(viewer, "logistics:read")
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        shipment, parcels = logistics.console_shipment(uow, shipment_id, readable_tenants(viewer, None))
        houses = {h: [p for p in parcels if p["hawb"] == h] for h in shipment.house_waybills}
        state = state_of(logistics.states(uow, [shipment])[shipment.id])
        names = queries.tenant_names(uow, viewer)
        plan = shipment.plan
    ulds = plan.get("ulds") if isinstance(plan.get("ulds"), list) else []
    return render(
        request,
        "shipment.html",
        shipment=shipment,
        state=state,
        houses=houses,
        parcel_count=len(parcels),
        plan=plan,
        ulds=ulds,
        consolidation=_bound_and_gap(plan),
        seller_name=names.get(shipment.tenant_id, ""),
        document_labels=DOCUMENT_LABELS,
        **formats(request),
    )


def _timeline_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for e in result["events"]:
        rows.append(
            {
                **e,
                "at": datetime.fromisoformat(e["at"]),
                "label": FSU_LABELS.get(e["code"], ""),
                "customs": e["source"] == "customs",
            }
        )
    return rows


@router.get("/tracking")
def tracking(
    request: Request,
    viewer: Annotated[Viewer, Depends(require_viewer)],
    ref: str | None = None,
    seller: str | None = None,
) -> Response:
    require(viewer, "logistics:read")
    database: Database = request.app.state.database
    loc = locale_of(request)
    ref = (ref or "").strip()
    result: dict[str, Any] | None = None
    error = ""
    with database.unit_of_work() as uow:
        choices = queries.sellers_choice(uow, viewer)
        if ref:
            try:
                result = logistics.timeline(uow, _tenant_for(viewer, seller), ref, now())
            except NotFoundError:
                error = loc.gettext(N_("Nothing is known under %(ref)s."), ref=ref)
            except PonteError as exc:
                error = exc.message
    return render(
        request,
        "tracking.html",
        status=404 if error and ref else 200,
        ref=ref,
        result=result,
        rows=_timeline_rows(result) if result else [],
        eta=datetime.fromisoformat(result["eta"]) if result and result.get("eta") else None,
        error=error,
        sellers=choices,
        seller=seller or "",
        subject_labels=SUBJECT_LABELS,
        source_labels=SOURCE_LABELS,
        reason_labels=REASON_LABELS,
    )

"""Air logistics over HTTP: AWB stock, consolidations stored as shipments, tracking events, timelines, ONE Record.

Thin: every handler calls ``ponte.logistics.service`` (database work and the planner run in the thread pool,
never on the event loop: sync handlers, or ``run_idempotent``'s worker thread).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from ponte.accounts.core import Principal
from ponte.api.deps import DatabaseDep, UowDep, require_scope
from ponte.api.idempotency import run_idempotent
from ponte.api.routing import ExactJsonRoute
from ponte.api.schemas import PageOut
from ponte.bootstrap import Platform
from ponte.journey import service as journey
from ponte.kernel.clock import now
from ponte.kernel.errors import ValidationError, Violation
from ponte.logistics import service
from ponte.logistics.awb import StockRange
from ponte.logistics.intake import parcel_records, table_from_rows
from ponte.platform.db import UnitOfWork

router = APIRouter(tags=["logistics"], route_class=ExactJsonRoute)
Reader = Annotated[Principal, Depends(require_scope("logistics:read"))]
Writer = Annotated[Principal, Depends(require_scope("logistics:write"))]


class AwbRangeIn(BaseModel):
    prefix: str = Field(description="3-digit airline prefix", examples=["784"])
    first: int = Field(ge=0, le=9_999_999, description="first 7-digit serial (without check digit)")
    last: int = Field(ge=0, le=9_999_999, description="last serial, inclusive")


class ParcelIn(BaseModel):
    id: str = Field(min_length=1, max_length=80)
    # the parcel intake checks the numbers (positive, exact, fits a ULD) and names parcels[i].<field>
    weight_kg: Decimal = Field(description="gross weight, kg")
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal
    origin: str = Field(max_length=3)
    destination: str = Field(max_length=3)
    ready_at: datetime
    segregation: str = Field("GEN", max_length=8, description="CAO, PER, RLI, RLM, ELI, ELM, ICE or GEN")
    shipper: str = Field("", max_length=80)


class ConsolidationIn(BaseModel):
    parcels: list[ParcelIn] = Field(
        default_factory=list, max_length=20_000, description="a forwarder's own parcels"
    )
    parcel_ids: list[str] | None = Field(None, max_length=20_000, description="packed parcels already stored")
    start: date | None = Field(None, description="first day of flights; default the first ready day")
    days: int = Field(7, ge=1, le=28)


class ShipmentOut(BaseModel):
    id: str
    consolidation_id: str
    status: str = Field(description="booked, or offloaded (its capacity released, its parcels packed again)")
    mawb: str
    hawbs: list[str]
    flight: str
    origin: str
    destination: str
    departs: datetime
    arrives: datetime
    parcels: int
    gross_kg: Decimal


class ShipmentDetail(ShipmentOut):
    plan: dict[str, Any]
    parcel_refs: list[dict[str, Any]]


class EventIn(BaseModel):
    subject: str = Field(description="parcel, bag, uld or awb", max_length=8)
    id: str = Field(min_length=1, max_length=80)
    code: str = Field(
        description="IATA FSU status code (BKD, RCS, MAN, DEP, ARR, RCF, NFD, DLV, DIS ...)", max_length=12
    )
    at: datetime
    location: str = Field(description="IATA airport code", max_length=3)
    source: Literal["carrier", "csv", "webhook", "customs"] = "carrier"
    flight: str = Field("", max_length=60)
    detail: str = Field("", max_length=2000)


class EventsIn(BaseModel):
    events: list[EventIn] = Field(min_length=1, max_length=5_000)


def _out(s: Any) -> ShipmentOut:  # a stored shipment as the service reads it
    return ShipmentOut(
        id=s.id,
        consolidation_id=s.consolidation_id,
        status=s.status,
        mawb=s.mawb,
        hawbs=s.house_waybills,
        flight=s.flight,
        origin=s.origin,
        destination=s.destination,
        departs=s.departs,
        arrives=s.arrives,
        parcels=s.parcels,
        gross_kg=s.gross_kg,
    )


def _platform(request: Request) -> Platform:
    return request.app.state.platform  # type: ignore[no-any-return]


@router.post("/awb-stock", status_code=201, summary="Register a range of AWB serials issued by an airline")
async def add_awb_range(
    body: AwbRangeIn, request: Request, caller: Writer, database: DatabaseDep
) -> Response:
    def handler(uow: UnitOfWork) -> tuple[int, Any]:
        return 201, service.add_awb_range(
            uow, caller.tenant_id, StockRange(body.prefix, body.first, body.last), now()
        )

    return await run_idempotent(request, caller, database, handler)


@router.get("/awb-stock", summary="AWB ranges and numbers left per airline prefix")
def get_awb_stock(caller: Reader, uow: UowDep) -> dict[str, Any]:
    return service.awb_stock(uow, caller.tenant_id)


def _consolidate(uow: UnitOfWork, tenant: str, body: ConsolidationIn, platform: Platform) -> dict[str, Any]:
    at = now()
    ids = list(body.parcel_ids or [])
    if body.parcels:
        rows = [
            {**p.model_dump(), "ready_at": p.ready_at.astimezone(UTC) if p.ready_at.tzinfo else None}
            for p in body.parcels
        ]
        records, rejects = parcel_records(table_from_rows(rows), tenant)
        if rejects:
            raise ValidationError.of([Violation(r.field, r.rule, r.message) for r in rejects])
        ids += service.add_parcels(uow, tenant, records, at)
        ready = [p.ready_at for p in records]
    elif body.parcel_ids is None:
        raise ValidationError("give parcels or parcel_ids", field="parcels", rule="required")
    else:
        ready = [at]
    first = body.start or min(r.astimezone(UTC).date() for r in ready)
    result = service.consolidate_and_issue(uow, tenant, ids, platform.flights(first, body.days), at)
    return {"consolidation_id": result.id, "shipments": result.shipments, "plan": result.summary}


@router.post(
    "/consolidations",
    status_code=201,
    summary="Plan parcels into bags, ULDs and flights; store one shipment per master AWB",
)
async def create_consolidation(
    body: ConsolidationIn, request: Request, caller: Writer, database: DatabaseDep
) -> Response:
    platform = _platform(request)

    def handler(uow: UnitOfWork) -> tuple[int, Any]:
        return 201, _consolidate(uow, caller.tenant_id, body, platform)

    return await run_idempotent(request, caller, database, handler)


@router.post(
    "/shipments/{shipment_id}/offload",
    summary="Take a booked shipment off its flights: capacity released on every leg, parcels and their "
    "orders packed again to be booked anew (refused once an order is declared)",
)
async def offload_shipment(
    shipment_id: str, request: Request, caller: Writer, database: DatabaseDep
) -> Response:
    def handler(uow: UnitOfWork) -> tuple[int, Any]:
        return 200, journey.offload(uow, caller.tenant_id, shipment_id, now())

    return await run_idempotent(request, caller, database, handler)


@router.get(
    "/shipments", response_model=PageOut[ShipmentOut], summary="Shipments, oldest first, page by page"
)
def list_shipments(
    caller: Reader, uow: UowDep, cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> PageOut[ShipmentOut]:
    page = service.shipments(uow, caller.tenant_id, cursor, limit)
    return PageOut(items=[_out(s) for s in page.items], next_cursor=page.next_cursor)


@router.get("/shipments/{shipment_id}", response_model=ShipmentDetail)
def get_shipment(shipment_id: str, caller: Reader, uow: UowDep) -> ShipmentDetail:
    s, parcels = service.shipment(uow, caller.tenant_id, shipment_id)
    return ShipmentDetail(**_out(s).model_dump(), plan=s.plan, parcel_refs=parcels)


@router.get(
    "/shipments/{shipment_id}/onerecord",
    summary="The shipment as ONE Record 3.3 JSON-LD",
    response_class=JSONResponse,
)
def get_onerecord(shipment_id: str, request: Request, caller: Reader, uow: UowDep) -> JSONResponse:
    # ids come from the platform's configured base, never from the request's Host header
    doc = service.onerecord(uow, caller.tenant_id, shipment_id, _platform(request).onerecord_base)
    return JSONResponse(doc, media_type="application/ld+json")


@router.post(
    "/tracking-events",
    status_code=201,
    summary="Record FSU status events; events out of order are refused (honours Idempotency-Key)",
)
async def post_events(body: EventsIn, request: Request, caller: Writer, database: DatabaseDep) -> Response:
    rows = [e.model_dump() for e in body.events]

    def handler(uow: UnitOfWork) -> tuple[int, Any]:
        return 201, journey.record_tracking(uow, caller.tenant_id, rows, now())  # events move the orders

    return await run_idempotent(request, caller, database, handler)


@router.get(
    "/tracking/{ref}", summary="Merged timeline of an AWB, a parcel or an order with ETA and late flag"
)
def get_tracking(ref: str, caller: Reader, uow: UowDep) -> dict[str, Any]:
    return service.timeline(uow, caller.tenant_id, ref, now())

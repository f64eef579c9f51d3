"""Air logistics: AWB stock, consolidations stored as shipments, tracking events, timelines, ONE Record."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from ponte.accounts.core import Principal
from ponte.api.deps import DatabaseDep, UowDep, require_scope
from ponte.api.idempotency import run_idempotent
from ponte.api.routing import ExactJsonRoute
from ponte.api.schemas import PageOut
from ponte.kernel.clock import now
from ponte.kernel.errors import ValidationError, Violation
from ponte.kernel.ids import new_id
from ponte.logistics.awb import AwbNumber, StockRange
from ponte.logistics.consolidation import consolidate
from ponte.logistics.network import sample_flights
from ponte.logistics.onerecord import ExportConsolidation, ExportPiece, ExportShipment, export_consolidation
from ponte.logistics.parcels import Parcel, ParcelBatch
from ponte.logistics.store.shipments import (
    AwbStockRepository,
    Shipment,
    ShipmentRepository,
    TrackingRepository,
    timeline,
)
from ponte.logistics.summary import plan_summary
from ponte.logistics.tracking import TrackingEvent, validate_order

router = APIRouter(tags=["logistics"], route_class=ExactJsonRoute)
Reader = Annotated[Principal, Depends(require_scope("logistics:read"))]
Writer = Annotated[Principal, Depends(require_scope("logistics:write"))]


class AwbRangeIn(BaseModel):
    prefix: str = Field(description="3-digit airline prefix", examples=["784"])
    first: int = Field(description="first 7-digit serial (without check digit)")
    last: int = Field(description="last serial, inclusive")


class ParcelIn(BaseModel):
    id: str = Field(min_length=1, max_length=80)
    weight_kg: Decimal
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal
    origin: str
    destination: str
    ready_at: datetime
    segregation: str = "GEN"
    shipper: str = Field("", max_length=80)


class ConsolidationIn(BaseModel):
    parcels: list[ParcelIn] = Field(min_length=1, max_length=20_000)
    start: date | None = Field(None, description="first day of flights; default the first ready day")
    days: int = Field(7, ge=1, le=28)


class ShipmentOut(BaseModel):
    id: str
    consolidation_id: str
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
    subject: str = Field(description="parcel, bag, uld or awb")
    id: str = Field(min_length=1, max_length=80)
    code: str = Field(description="IATA FSU status code (BKD, RCS, MAN, DEP, ARR, RCF, NFD, DLV, DIS ...)")
    at: datetime
    location: str = Field(description="IATA airport code")
    source: Literal["carrier", "csv", "webhook", "customs"] = "carrier"
    flight: str = Field("", max_length=60)
    detail: str = Field("", max_length=2000)


class EventsIn(BaseModel):
    events: list[EventIn] = Field(min_length=1, max_length=5_000)


def _out(s: Shipment) -> ShipmentOut:
    return ShipmentOut(
        id=s.id,
        consolidation_id=s.consolidation_id,
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


@router.post("/awb-stock", status_code=201, summary="Register a range of AWB serials issued by an airline")
async def add_awb_range(body: AwbRangeIn, request: Request, caller: Writer, database: DatabaseDep):  # type: ignore[no-untyped-def]
    def handler(uow):  # type: ignore[no-untyped-def]
        repo = AwbStockRepository(uow.session, caller.tenant_id)
        row = repo.add_range(StockRange(body.prefix, body.first, body.last), now())
        return 201, {
            "id": row.id,
            "prefix": row.prefix,
            "first": row.first_serial,
            "last": row.last_serial,
            "remaining": repo.remaining().get(row.prefix, 0),
        }

    return await run_idempotent(request, caller, database, handler)


@router.get("/awb-stock", summary="AWB ranges and numbers left per airline prefix")
def get_awb_stock(caller: Reader, uow: UowDep) -> dict[str, Any]:
    repo = AwbStockRepository(uow.session, caller.tenant_id)
    return {
        "ranges": [
            {"id": r.id, "prefix": r.prefix, "first": r.first_serial, "last": r.last_serial}
            for r in repo.ranges()
        ],
        "remaining": repo.remaining(),
    }


def _store_plan(uow: Any, tenant: str, body: ConsolidationIn) -> dict[str, Any]:
    parcels = [
        Parcel(
            p.id,
            p.weight_kg,
            p.length_cm,
            p.width_cm,
            p.height_cm,
            p.origin.strip().upper(),
            p.destination.strip().upper(),
            p.ready_at,
            p.segregation.strip().upper(),
            p.shipper,
        )
        for p in body.parcels
    ]
    batch = ParcelBatch.from_parcels(parcels)
    first = body.start or min(p.ready_at.astimezone(UTC).date() for p in parcels)
    plan = consolidate(batch, sample_flights(first, body.days))
    stock_repo = AwbStockRepository(uow.session, tenant)
    stock = stock_repo.stock()
    before = set(stock.used)
    # plain JSON types (the summary carries numpy scalars)
    summary = json.loads(json.dumps(plan_summary(plan, stock), default=lambda o: o.item()))
    at = now()
    stock_repo.record_issued(stock, before, at)
    cid = new_id("cns")
    ships = ShipmentRepository(uow.session, tenant)
    index = {f.key: fi for fi, f in enumerate(plan.flights)}
    stored = []
    bags_in = Counter(int(u) for u in plan.bag_uld)
    overall = {k: summary[k] for k in ("parcels", "placed", "bags", "ulds", "flights", "lower_bound", "gap")}
    for entry in summary["flight_loads"]:
        fi = index[entry["flight"]]
        flight = plan.flights[fi]
        ulds = {u for u in range(plan.ulds) if plan.uld_flight[u] == fi}
        members = [i for i in range(len(parcels)) if int(plan.parcel_uld[i]) in ulds]
        shippers = sorted({parcels[i].shipper or "-" for i in members})
        hawb_of = dict(zip(shippers, entry["hawbs"], strict=True))
        snapshot = {
            **entry,
            "ulds": [
                {**u, "bags": bags_in.get(u["uld"], 0)}
                for u in summary["uld_list"]
                if u["flight"] == entry["flight"]
            ],
            "consolidation": overall,
        }
        shipment = Shipment(
            id=new_id("shp"),
            consolidation_id=cid,
            mawb=entry["mawb"],
            hawbs=json.dumps(entry["hawbs"]),
            flight=flight.key,
            carrier=flight.carrier,
            origin=flight.origin,
            destination=flight.destination,
            departs=flight.departs,
            arrives=flight.arrives,
            parcels=len(members),
            gross_kg=Decimal(str(entry["gross_kg"])),
            plan_json=json.dumps(snapshot),
            created_at=at,
        )
        ships.add(
            shipment,
            [(parcels[i].id, hawb_of[parcels[i].shipper or "-"], parcels[i].weight_kg) for i in members],
        )
        stored.append({"id": shipment.id, "mawb": shipment.mawb, "flight": shipment.flight})
    return {"consolidation_id": cid, "shipments": stored, "plan": summary}


@router.post(
    "/consolidations",
    status_code=201,
    summary="Plan parcels into bags, ULDs and flights; store one shipment per master AWB",
)
async def create_consolidation(
    body: ConsolidationIn, request: Request, caller: Writer, database: DatabaseDep
):  # type: ignore[no-untyped-def]
    def handler(uow):  # type: ignore[no-untyped-def]
        return 201, _store_plan(uow, caller.tenant_id, body)

    return await run_idempotent(request, caller, database, handler)


@router.get(
    "/shipments", response_model=PageOut[ShipmentOut], summary="Shipments, oldest first, page by page"
)
def list_shipments(
    caller: Reader, uow: UowDep, cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> PageOut[ShipmentOut]:
    page = ShipmentRepository(uow.session, caller.tenant_id).page(cursor, limit)
    return PageOut(items=[_out(s) for s in page.items], next_cursor=page.next_cursor)


@router.get("/shipments/{shipment_id}", response_model=ShipmentDetail)
def get_shipment(shipment_id: str, caller: Reader, uow: UowDep) -> ShipmentDetail:
    repo = ShipmentRepository(uow.session, caller.tenant_id)
    s = repo.get(shipment_id)
    refs = [{"parcel": p.parcel_ref, "hawb": p.hawb, "weight_kg": p.weight_kg} for p in repo.parcels(s.id)]
    return ShipmentDetail(**_out(s).model_dump(), plan=s.plan, parcel_refs=refs)


@router.get(
    "/shipments/{shipment_id}/onerecord",
    summary="The shipment as ONE Record 3.3 JSON-LD",
    response_class=JSONResponse,
)
def get_onerecord(shipment_id: str, request: Request, caller: Reader, uow: UowDep) -> JSONResponse:
    repo = ShipmentRepository(uow.session, caller.tenant_id)
    s = repo.get(shipment_id)
    parcels = repo.parcels(s.id)
    tracking = TrackingRepository(uow.session, caller.tenant_id)
    events = tracking.events([s.mawb, *(p.parcel_ref for p in parcels)])
    houses = []
    for hawb in s.house_waybills:
        pieces = [
            ExportPiece(p.parcel_ref, p.weight_kg, [e for e in events if e.subject_id == p.parcel_ref])
            for p in parcels
            if p.hawb == hawb
        ]
        houses.append(ExportShipment(hawb, s.origin, s.destination, pieces))
    doc = export_consolidation(
        ExportConsolidation(
            AwbNumber.parse(s.mawb),
            s.origin,
            s.destination,
            houses,
            [e for e in events if e.subject_id == s.mawb],
        ),
        str(request.base_url).rstrip("/"),
    )
    return JSONResponse(doc, media_type="application/ld+json")


_INDEX = re.compile(r"^events\[(\d+)\]")


def _validated(body: EventsIn, stored: TrackingRepository) -> list[TrackingEvent]:
    """Events checked one by one (codes, airports, times) and then in order after those already stored;
    violations name the event of the request (``events[i].at``, ``events[i].code``)."""
    events: list[TrackingEvent] = []
    problems: list[Violation] = []
    for i, e in enumerate(body.events):
        subject_id = e.id
        try:
            if e.subject == "awb":
                subject_id = str(AwbNumber.parse(e.id, field=f"events[{i}].id"))
            at = e.at.astimezone(UTC) if e.at.tzinfo is not None else e.at
            events.append(
                TrackingEvent.of(
                    e.subject,
                    subject_id,
                    e.code.strip().upper(),
                    at,
                    e.location.strip().upper(),
                    field=f"events[{i}]",
                    source=e.source,
                    flight=e.flight,
                    detail=e.detail,
                )
            )
        except ValidationError as exc:
            problems += exc.violations
    if problems:
        raise ValidationError.of(problems)
    by_subject: dict[str, list[int]] = {}
    for i, ev in enumerate(events):
        by_subject.setdefault(ev.subject_id, []).append(i)
    for subject_id, indexes in by_subject.items():
        before = stored.events([subject_id])
        seen = {(e.code, e.at, e.location) for e in before}
        fresh = []
        for i in indexes:
            key = (events[i].code, events[i].at, events[i].location)
            if key not in seen:
                seen.add(key)
                fresh.append(i)
        try:
            validate_order([*before, *(events[i] for i in fresh)])
        except ValidationError as exc:
            for v in exc.violations:
                m = _INDEX.match(v.field)
                k = int(m.group(1)) if m else 0
                if k >= len(before):
                    v = Violation(
                        _INDEX.sub(f"events[{fresh[k - len(before)]}]", v.field),
                        v.rule,
                        f"{v.message} (stored events of {subject_id} included)",
                    )
                    problems.append(v)
    if problems:
        raise ValidationError.of(problems)
    return events


@router.post(
    "/tracking-events",
    status_code=201,
    summary="Record FSU status events; events out of order are refused (honours Idempotency-Key)",
)
async def post_events(body: EventsIn, request: Request, caller: Writer, database: DatabaseDep):  # type: ignore[no-untyped-def]
    def handler(uow):  # type: ignore[no-untyped-def]
        repo = TrackingRepository(uow.session, caller.tenant_id)
        events = _validated(body, repo)
        added = repo.add(events, now())
        return 201, {"received": len(events), "recorded": added, "duplicates": len(events) - added}

    return await run_idempotent(request, caller, database, handler)


@router.get("/tracking/{ref}", summary="Merged timeline of an AWB or a parcel with ETA and late flag")
def get_tracking(ref: str, caller: Reader, uow: UowDep) -> dict[str, Any]:
    return timeline(uow.session, caller.tenant_id, ref, now())


class WebhookSubscriptionIn(BaseModel):
    url: str = Field(max_length=500, description="https URL (http only to 127.0.0.1/localhost)")
    kinds: list[str] = Field(default_factory=lambda: ["*"], description='FSU codes to send, or ["*"] for all')
    secret: str | None = Field(
        None, min_length=16, max_length=200, description="signing secret; one is made when absent"
    )


def _subscription_out(row: Any) -> dict[str, Any]:
    return {"id": row.id, "url": row.url, "kinds": row.kind_list, "created_at": row.created_at.isoformat()}


@router.post(
    "/webhook-subscriptions",
    status_code=201,
    summary="Subscribe a URL to tracking events; the signing secret is shown once (honours Idempotency-Key)",
)
async def create_webhook_subscription(
    body: WebhookSubscriptionIn, request: Request, caller: Writer, database: DatabaseDep
):  # type: ignore[no-untyped-def]
    from ponte.logistics.store.webhooks import WebhookRepository

    def handler(uow):  # type: ignore[no-untyped-def]
        row = WebhookRepository(uow.session, caller.tenant_id).subscribe(
            body.url, body.kinds, now(), body.secret
        )
        return 201, {**_subscription_out(row), "secret": row.secret}

    return await run_idempotent(request, caller, database, handler)


@router.get("/webhook-subscriptions", summary="Webhook subscriptions (without their secrets)")
def list_webhook_subscriptions(caller: Writer, uow: UowDep) -> dict[str, Any]:
    from ponte.logistics.store.webhooks import WebhookRepository

    repo = WebhookRepository(uow.session, caller.tenant_id)
    items = []
    for row in repo.subscriptions():
        counts: dict[str, int] = {}
        for d in repo.deliveries(row.id):
            counts[d.status] = counts.get(d.status, 0) + 1
        items.append({**_subscription_out(row), "deliveries": counts})
    return {"items": items}


@router.delete(
    "/webhook-subscriptions/{subscription_id}",
    summary="Stop a subscription; its pending deliveries are cancelled",
)
def delete_webhook_subscription(subscription_id: str, caller: Writer, uow: UowDep) -> dict[str, Any]:
    from ponte.logistics.store.webhooks import WebhookRepository

    cancelled = WebhookRepository(uow.session, caller.tenant_id).delete(subscription_id, now())
    uow.commit()
    return {"id": subscription_id, "deleted": True, "cancelled_deliveries": cancelled}

"""Live selling: streamers, sessions walking the booths, flash-sale offers and buying during a session."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError

from ponte.api.deps import DatabaseDep, UowDep, get_principal, require_scope
from ponte.api.idempotency import run_idempotent
from ponte.api.schemas import DecimalStr, OrderOut
from ponte.errors import PermissionDenied, ValidationError, Violation
from ponte.live.offers import OfferTerms, countdown
from ponte.live.sessions import Visit
from ponte.money import Money
from ponte.security import Principal
from ponte.store.db import Database
from ponte.store.live import LiveSession, Offer, Streamer
from ponte.store.live_pg import AsyncPurchaseBatcher, Outcome
from ponte.store.live_repository import LiveRepository, terms_of
from ponte.store.live_stock import (
    Held,
    OfferSnapshot,
    finish,
    load_offer,
    prepare,
    purchase,
    reconcile,
    release,
)
from ponte.store.repositories import now

router = APIRouter(prefix="/live", tags=["live"])
Read = Annotated[Principal, Depends(require_scope("live:read"))]
Write = Annotated[Principal, Depends(require_scope("live:write"))]


async def _buyer_principal(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> Principal:
    """`live:write` for the purchase hot path: a cached key is checked without leaving the event loop."""
    key = x_api_key
    if authorization and authorization.lower().startswith("bearer "):
        key = authorization[7:].strip()
    principal: Principal | None = request.app.state.key_cache.get(key) if key else None
    if principal is None:
        database = request.app.state.database
        principal = await asyncio.to_thread(get_principal, request, database, authorization, x_api_key)
    request.state.tenant_id = principal.tenant_id
    if not principal.has("live:write"):
        raise PermissionDenied("this API key lacks the scope 'live:write'", rule="live:write")
    return principal


Buyer = Annotated[Principal, Depends(_buyer_principal)]


class StreamerIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str = Field(min_length=1, max_length=200)
    languages: list[str] = Field(default_factory=list, max_length=4)


class StreamerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str
    languages: list[str]


class VisitIn(BaseModel):
    booth_id: str = Field(min_length=1, max_length=40)
    at: datetime


class SessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: str = Field(min_length=1, max_length=200)
    streamer_id: str = Field(min_length=1, max_length=40)
    starts_at: datetime
    ends_at: datetime
    route: list[VisitIn] = Field(default_factory=list, max_length=100)


class SessionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    title: str
    streamer_id: str
    starts_at: datetime
    ends_at: datetime
    status: str
    route: list[dict[str, Any]]
    pinned_offer_id: str | None


class StatusIn(BaseModel):
    status: str = Field(pattern=r"^(live|ended)$")


class PinIn(BaseModel):
    offer_id: str | None = Field(None, max_length=40)


class OfferIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    sku: str = Field(min_length=1, max_length=64)
    price: Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=4)]
    currency: str = Field(min_length=3, max_length=3)
    quantity_cap: int = Field(ge=1, le=1_000_000)
    per_buyer_limit: int = Field(ge=1, le=1_000)
    opens_at: datetime
    closes_at: datetime
    hold_seconds: int = Field(600, ge=30, le=86_400)
    buckets: int = Field(8, ge=1, le=64)


class OfferOut(BaseModel):
    id: str
    session_id: str
    sku: str
    price: DecimalStr
    currency: str
    quantity_cap: int
    per_buyer_limit: int
    opens_at: datetime
    closes_at: datetime
    hold_seconds: int
    available: int
    state: str
    seconds: int


class PurchaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    buyer_ref: str = Field(min_length=1, max_length=64, description="the viewer's id on the live platform")
    quantity: int = Field(ge=1, le=1_000)


class PayIn(BaseModel):
    """What the order needs beyond the reservation: the buyer's identity and address."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    external_ref: str = Field(min_length=1, max_length=64)
    destination: str = Field(min_length=2, max_length=2)
    destination_region: str | None = Field(None, max_length=10)
    trade_mode: str = Field("9610", pattern=r"^(9610|9710|9810|1210)$")
    buyer: dict[str, Any]


def _offer_out(offer: Offer, available: int, at: datetime) -> OfferOut:
    clock = countdown(terms_of(offer), at, offer.closed_early)
    return OfferOut(
        id=offer.id,
        session_id=offer.session_id,
        sku=offer.sku,
        price=offer.price,
        currency=offer.currency,
        quantity_cap=offer.quantity_cap,
        per_buyer_limit=offer.per_buyer_limit,
        opens_at=offer.opens_at,
        closes_at=offer.closes_at,
        hold_seconds=offer.hold_seconds,
        available=available,
        state=clock.state,
        seconds=clock.seconds,
    )


@router.post("/streamers", status_code=201, response_model=StreamerOut)
async def create_streamer(body: StreamerIn, request: Request, caller: Write, database: DatabaseDep):  # type: ignore[no-untyped-def]
    def handler(uow):  # type: ignore[no-untyped-def]
        row: Streamer = LiveRepository(uow.session, caller.tenant_id).add_streamer(
            body.name, body.languages, now()
        )
        return 201, StreamerOut.model_validate(row).model_dump()

    return await run_idempotent(request, caller, database, handler)


@router.get("/streamers", response_model=list[StreamerOut])
def list_streamers(caller: Read, uow: UowDep) -> list[StreamerOut]:
    return [StreamerOut.model_validate(s) for s in LiveRepository(uow.session, caller.tenant_id).streamers()]


@router.post("/sessions", status_code=201, response_model=SessionOut)
async def create_session(body: SessionIn, request: Request, caller: Write, database: DatabaseDep):  # type: ignore[no-untyped-def]
    def handler(uow):  # type: ignore[no-untyped-def]
        row: LiveSession = LiveRepository(uow.session, caller.tenant_id).add_session(
            body.title,
            body.streamer_id,
            body.starts_at,
            body.ends_at,
            [Visit(v.booth_id, v.at) for v in body.route],
            now(),
        )
        return 201, SessionOut.model_validate(row).model_dump()

    return await run_idempotent(request, caller, database, handler)


@router.get("/sessions/{session_id}", response_model=SessionOut)
def get_session(session_id: str, caller: Read, uow: UowDep) -> SessionOut:
    return SessionOut.model_validate(LiveRepository(uow.session, caller.tenant_id).get_session(session_id))


@router.post("/sessions/{session_id}/status", response_model=SessionOut)
def set_status(session_id: str, body: StatusIn, caller: Write, uow: UowDep) -> SessionOut:
    row = LiveRepository(uow.session, caller.tenant_id).set_status(session_id, body.status)
    out = SessionOut.model_validate(row)
    uow.commit()
    return out


@router.post("/sessions/{session_id}/pin", response_model=SessionOut, summary="Pin an offer (or none)")
def pin(session_id: str, body: PinIn, caller: Write, uow: UowDep) -> SessionOut:
    row = LiveRepository(uow.session, caller.tenant_id).pin(session_id, body.offer_id)
    out = SessionOut.model_validate(row)
    uow.commit()
    return out


@router.post("/sessions/{session_id}/offers", status_code=201, response_model=OfferOut)
async def create_offer(  # type: ignore[no-untyped-def]
    session_id: str, body: OfferIn, request: Request, caller: Write, database: DatabaseDep
):
    terms = OfferTerms(
        price=body.price,
        currency=body.currency,
        quantity_cap=body.quantity_cap,
        per_buyer_limit=body.per_buyer_limit,
        opens_at=body.opens_at,
        closes_at=body.closes_at,
        hold=timedelta(seconds=body.hold_seconds),
        buckets=body.buckets,
    )

    def handler(uow):  # type: ignore[no-untyped-def]
        at = now()
        offer = LiveRepository(uow.session, caller.tenant_id).add_offer(session_id, body.sku, terms, at)
        return 201, _offer_out(offer, body.quantity_cap, at).model_dump()

    return await run_idempotent(request, caller, database, handler)


@router.get("/sessions/{session_id}/offers", response_model=list[OfferOut])
def list_offers(session_id: str, caller: Read, uow: UowDep) -> list[OfferOut]:
    repo = LiveRepository(uow.session, caller.tenant_id)
    repo.get_session(session_id)
    offers = repo.offers(session_id)
    left = repo.available([o.id for o in offers])
    at = now()
    return [_offer_out(o, left.get(o.id, 0), at) for o in offers]


@router.get("/offers/{offer_id}", response_model=OfferOut)
def get_offer(offer_id: str, caller: Read, uow: UowDep) -> OfferOut:
    repo = LiveRepository(uow.session, caller.tenant_id)
    offer = repo.offer(offer_id)
    return _offer_out(offer, repo.available([offer_id]).get(offer_id, 0), now())


@router.post("/offers/{offer_id}/close", response_model=OfferOut, summary="Close an offer before its time")
def close_offer(offer_id: str, caller: Write, uow: UowDep) -> OfferOut:
    repo = LiveRepository(uow.session, caller.tenant_id)
    offer = repo.close_offer(offer_id)
    uow.commit()
    _OFFERS.pop((caller.tenant_id, offer_id), None)
    return _offer_out(offer, repo.available([offer_id]).get(offer_id, 0), now())


# Terms of an offer never change after it is made (closing early is checked in the
# purchase statement itself), so each process may keep them for a few seconds.
_OFFERS: dict[tuple[str, str], tuple[float, OfferSnapshot]] = {}
_OFFER_TTL = 5.0


def _snapshot(database: Database, tenant_id: str, offer_id: str) -> OfferSnapshot:
    key = (tenant_id, offer_id)
    hit = _OFFERS.get(key)
    if hit is not None and time.monotonic() - hit[0] < _OFFER_TTL:
        return hit[1]
    snap = load_offer(database, tenant_id, offer_id)
    _OFFERS[key] = (time.monotonic(), snap)
    return snap


_BATCHERS: dict[tuple[str, int], AsyncPurchaseBatcher] = {}


def _batcher(database: Database) -> AsyncPurchaseBatcher | None:
    """On PostgreSQL, this event loop's purchase batcher (group commit); None elsewhere."""
    if database.engine.dialect.name != "postgresql":
        return None
    key = (database.url, id(asyncio.get_running_loop()))
    found = _BATCHERS.get(key)
    if found is None:
        found = _BATCHERS[key] = AsyncPurchaseBatcher(database.url)
    return found


_PURCHASE_OPENAPI: dict[str, Any] = {
    "parameters": [
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "schema": {"type": "string", "minLength": 1, "maxLength": 200},
        },
    ],
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": PurchaseIn.model_json_schema()}},
    },
}


def _purchase_body(raw: bytes) -> PurchaseIn:
    try:
        return PurchaseIn.model_validate_json(raw)
    except PydanticError as exc:
        raise ValidationError.of(
            [
                Violation(".".join(str(p) for p in e["loc"]) or "body", e["type"], e["msg"])
                for e in exc.errors()
            ]
        ) from exc


@router.post(
    "/offers/{offer_id}/purchases",
    status_code=201,
    summary="Buy during the session: reserve units (honours Idempotency-Key)",
    responses={
        201: {"description": "units reserved until expires_at"},
        409: {"description": "sold out or offer not open"},
        422: {"description": "over the limit, or a bad quantity"},
    },
    openapi_extra=_PURCHASE_OPENAPI,
)
async def buy(offer_id: str, request: Request) -> Response:
    """The hot path: parsed and authorised by hand, so a purchase costs as little as it can."""
    headers = request.headers
    caller = await _buyer_principal(request, headers.get("authorization"), headers.get("x-api-key"))
    body = _purchase_body(await request.body())
    idempotency_key = headers.get("idempotency-key")
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= 200:
        raise ValidationError(
            "Idempotency-Key must have 1 to 200 characters", field="Idempotency-Key", rule="length"
        )
    database: Database = request.app.state.database
    hit = _OFFERS.get((caller.tenant_id, offer_id))
    if hit is not None and time.monotonic() - hit[0] < _OFFER_TTL:
        offer = hit[1]
    else:
        offer = await asyncio.to_thread(_snapshot, database, caller.tenant_id, offer_id)
    batcher = _batcher(database)
    if batcher is None:
        held = await asyncio.to_thread(
            purchase, database, offer, body.buyer_ref, body.quantity, now(), idempotency_key
        )
    else:
        params = prepare(offer, body.buyer_ref, body.quantity, now(), idempotency_key)
        first: Any
        try:
            first = await batcher.submit(params)
        except Exception as exc:
            first = exc
        if isinstance(first, Outcome) and first.taken:
            held = Held(params["id"], offer.id, body.buyer_ref, body.quantity, "held", params["exp"])
        else:
            held = await asyncio.to_thread(finish, database, params, first)
    payload = {
        "reservation_id": held.reservation_id,
        "offer_id": held.offer_id,
        "buyer_ref": held.buyer_ref,
        "quantity": held.quantity,
        "status": held.status,
        "expires_at": held.expires_at.isoformat(),
        "unit_price": str(offer.terms.price),
        "currency": offer.terms.currency,
    }
    replayed = {"Idempotent-Replayed": "true"} if held.replayed else None
    return Response(orjson.dumps(payload), status_code=201, media_type="application/json", headers=replayed)


@router.post("/reservations/{reservation_id}/pay", status_code=201, response_model=OrderOut)
async def pay(  # type: ignore[no-untyped-def]
    reservation_id: str, body: PayIn, request: Request, caller: Write, database: DatabaseDep
):
    from ponte.orders.live import pay_reservation

    def handler(uow):  # type: ignore[no-untyped-def]
        order = pay_reservation(uow, caller.tenant_id, reservation_id, body.model_dump(), now())
        return 201, OrderOut.model_validate(order).model_dump()

    return await run_idempotent(request, caller, database, handler)


@router.post("/reservations/{reservation_id}/cancel", summary="Give a held reservation's units back")
def cancel(reservation_id: str, caller: Write, database: DatabaseDep) -> dict[str, int]:
    with database.unit_of_work() as uow:
        LiveRepository(uow.session, caller.tenant_id).reservation(reservation_id)
    return {"released": release(database, now(), caller.tenant_id, reservation_id, "cancelled")}


@router.post("/reservations/expire", summary="Return the stock of this seller's overdue reservations")
def expire(caller: Write, database: DatabaseDep) -> dict[str, int]:
    return {"released": release(database, now(), caller.tenant_id)}


@router.get("/offers/{offer_id}/reconciliation", summary="Prove buckets + held + paid == cap")
def reconciliation(offer_id: str, caller: Read, database: DatabaseDep) -> dict[str, Any]:
    report = reconcile(database, caller.tenant_id, offer_id)
    return {**report.__dict__, "balanced": report.balanced}


def _figures(database: Database, tenant_id: str, session_id: str) -> dict[str, Any]:
    with database.unit_of_work() as uow:
        result, extra = LiveRepository(uow.session, tenant_id).figures(session_id, now())
    return {
        "orders_per_minute": [{"minute": m, "orders": n} for m, n in result.orders_per_minute],
        "gmv": str(Money(result.gmv, result.currency).round().amount),
        "currency": result.currency,
        "units_left": result.units_left,
        "top_products": [{"sku": s, "units": n} for s, n in result.top_products],
        "orders": result.orders,
        "units_sold": result.units_sold,
        **extra,
    }


@router.get("/sessions/{session_id}/figures", summary="The session's figures right now")
def figures(session_id: str, caller: Read, database: DatabaseDep) -> dict[str, Any]:
    return _figures(database, caller.tenant_id, session_id)


@router.get(
    "/sessions/{session_id}/figures/stream",
    summary="The session's figures as server-sent events, every `every` seconds",
    response_class=StreamingResponse,
)
async def figures_stream(
    session_id: str, caller: Read, database: DatabaseDep, request: Request, every: float = 2.0, count: int = 0
) -> StreamingResponse:
    _figures(database, caller.tenant_id, session_id)  # 404 before the stream starts
    every = min(max(every, 0.5), 60.0)

    async def events() -> AsyncIterator[bytes]:
        sent = 0
        while not await request.is_disconnected():
            data = await asyncio.to_thread(_figures, database, caller.tenant_id, session_id)
            yield b"event: figures\ndata: " + orjson.dumps(data) + b"\n\n"
            sent += 1
            if count and sent >= count:
                return
            await asyncio.sleep(every)

    return StreamingResponse(events(), media_type="text/event-stream")

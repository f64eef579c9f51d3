"""Live selling: streamers, sessions walking the booths, flash-sale offers and buying during a session."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from ponte.accounts.core import Principal
from ponte.api.deps import DatabaseDep, UowDep, key_active, require_scope
from ponte.api.idempotency import run_idempotent
from ponte.api.routing import ExactJsonRoute
from ponte.api.schemas import DecimalStr
from ponte.kernel.clock import now
from ponte.kernel.money import Money
from ponte.live import buying
from ponte.live import service as live
from ponte.live.offers import OfferTerms
from ponte.live.service import Offer
from ponte.live.sessions import Visit
from ponte.platform.db import Database

router = APIRouter(prefix="/live", tags=["live"], route_class=ExactJsonRoute)
log = logging.getLogger("ponte.live")
Read = Annotated[Principal, Depends(require_scope("live:read"))]
Write = Annotated[Principal, Depends(require_scope("live:write"))]


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


def _offer_out(offer: Offer, available: int, at: datetime) -> OfferOut:
    clock = live.offer_clock(offer, at)
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
        row = live.streamer(
            uow, caller.tenant_id, live.add_streamer(uow, caller.tenant_id, body.name, body.languages, now())
        )
        return 201, StreamerOut.model_validate(row).model_dump()

    return await run_idempotent(request, caller, database, handler)


@router.get("/streamers", response_model=list[StreamerOut])
def list_streamers(caller: Read, uow: UowDep) -> list[StreamerOut]:
    return [StreamerOut.model_validate(s) for s in live.streamers(uow, caller.tenant_id)]


@router.post("/sessions", status_code=201, response_model=SessionOut)
async def create_session(body: SessionIn, request: Request, caller: Write, database: DatabaseDep):  # type: ignore[no-untyped-def]
    def handler(uow):  # type: ignore[no-untyped-def]
        row = live.add_session(
            uow,
            caller.tenant_id,
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
    return SessionOut.model_validate(live.session(uow, caller.tenant_id, session_id))


@router.post("/sessions/{session_id}/status", response_model=SessionOut)
def set_status(session_id: str, body: StatusIn, caller: Write, uow: UowDep) -> SessionOut:
    row = live.set_status(uow, caller.tenant_id, session_id, body.status)
    out = SessionOut.model_validate(row)
    uow.commit()
    return out


@router.post("/sessions/{session_id}/pin", response_model=SessionOut, summary="Pin an offer (or none)")
def pin(session_id: str, body: PinIn, caller: Write, uow: UowDep) -> SessionOut:
    row = live.pin(uow, caller.tenant_id, session_id, body.offer_id)
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
        offer = live.add_offer(uow, caller.tenant_id, session_id, body.sku, terms, at)
        return 201, _offer_out(offer, body.quantity_cap, at).model_dump()

    return await run_idempotent(request, caller, database, handler)


@router.get("/sessions/{session_id}/offers", response_model=list[OfferOut])
def list_offers(session_id: str, caller: Read, uow: UowDep) -> list[OfferOut]:
    at = now()
    return [_offer_out(o, left, at) for o, left in live.offers_left(uow, caller.tenant_id, session_id)]


@router.get("/offers/{offer_id}", response_model=OfferOut)
def get_offer(offer_id: str, caller: Read, uow: UowDep) -> OfferOut:
    offer, left = live.offer_left(uow, caller.tenant_id, offer_id)
    return _offer_out(offer, left, now())


@router.post("/offers/{offer_id}/close", response_model=OfferOut, summary="Close an offer before its time")
def close_offer(offer_id: str, caller: Write, uow: UowDep) -> OfferOut:
    live.close_offer(uow, caller.tenant_id, offer_id)
    uow.commit()
    buying.forget_offer(caller.tenant_id, offer_id)
    offer, left = live.offer_left(uow, caller.tenant_id, offer_id)
    return _offer_out(offer, left, now())


def _figures(database: Database, tenant_id: str, session_id: str) -> dict[str, Any]:
    with database.unit_of_work() as uow:
        result, extra = live.figures(uow, tenant_id, session_id, now())
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
    session_id: str,
    caller: Read,
    database: DatabaseDep,
    request: Request,
    every: Annotated[
        float, Query(ge=0.5, le=60.0, allow_inf_nan=False, description="seconds between events")
    ] = 2.0,
    count: Annotated[
        int, Query(ge=0, le=1_000_000, description="stop after this many events (0: never)")
    ] = 0,
) -> StreamingResponse:
    _figures(database, caller.tenant_id, session_id)  # 404 before the stream starts

    async def events() -> AsyncIterator[bytes]:
        sent = 0
        while not await request.is_disconnected():
            if caller.key_id and not await asyncio.to_thread(key_active, database, caller.key_id):
                yield b"event: revoked\ndata: {}\n\n"  # the key was revoked since the stream opened
                return
            data = await asyncio.to_thread(_figures, database, caller.tenant_id, session_id)
            yield b"event: figures\ndata: " + orjson.dumps(data) + b"\n\n"
            sent += 1
            if count and sent >= count:
                return
            await asyncio.sleep(every)

    return StreamingResponse(events(), media_type="text/event-stream")

"""Warehouses' inbound and outbound: first legs announced and received against their notice, and an order's
stock reserved, picked (first expiry first out), packed, handed to the carrier, returned. Every POST that
moves stock honours ``Idempotency-Key``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import Field

from ponte.api.deps import DatabaseDep
from ponte.api.routers.warehouses import Code, Read, Service, Sku, Units, Write, _In, _post
from ponte.api.routing import ExactJsonRoute
from ponte.kernel.limits import Moment, SingleLine
from ponte.warehouses.inbound import InboundLine, InboundSpec, ReceivedLine
from ponte.warehouses.views import plain

router = APIRouter(tags=["warehouses"], route_class=ExactJsonRoute)


class InboundLineIn(_In):
    sku: Sku
    quantity: Units
    lot_code: Code
    expires_on: date | None = None


class InboundIn(_In):
    warehouse_code: Code
    asn_number: Code
    mode: str = Field(pattern=r"^(air|sea)$")
    origin_country: str = Field(min_length=2, max_length=2)
    trade_mode: str = Field(pattern=r"^(9810|1210)$")
    expected_at: Moment
    departed_at: Moment | None = None
    declaration_id: str | None = Field(
        None, max_length=64, description="the customs declaration under 9810/1210"
    )
    awb: str | None = Field(None, max_length=20, description="air waybill of an air leg")
    bill_of_lading: str | None = Field(None, max_length=64, description="bill of lading of a sea leg")
    lines: list[InboundLineIn] = Field(min_length=1, max_length=500)


class CountedLineIn(_In):
    sku: Sku
    lot_code: Code
    quantity: Units
    expires_on: date | None = None


class InboundReceiptIn(_In):
    location: Code
    lines: list[CountedLineIn] = Field(max_length=500)


class ReservationLineIn(_In):
    sku: Sku
    quantity: Units


class ReservationIn(_In):
    order_id: str = Field(min_length=1, max_length=40)
    lines: list[ReservationLineIn] = Field(min_length=1, max_length=200)


class HandoverIn(_In):
    carrier: Code
    tracking_number: Code


class ReturnIn(_In):
    sku: Sku
    quantity: Units
    disposition: str = Field(pattern=r"^(restock|write-off)$")
    reason: SingleLine = Field(max_length=200)


# inbound ---------------------------------------------------------------------------------------------------
@router.get("/inbound-shipments", summary="First legs announced and received")
def list_inbound(caller: Read, service: Service, warehouse: str | None = None) -> dict[str, Any]:
    return {"items": plain(service.inbounds(caller.tenant_id, warehouse))}


@router.post("/inbound-shipments", status_code=201, summary="Announce a first leg (advance shipping notice)")
async def announce(
    body: InboundIn, request: Request, caller: Write, database: DatabaseDep, service: Service
) -> Response:
    data = body.model_dump()
    spec = InboundSpec(**{**data, "lines": tuple(InboundLine(**line) for line in data["lines"])})
    return await _post(
        request, caller, database, 201, lambda uow: service.announce(caller.tenant_id, spec, uow)
    )  # type: ignore[no-any-return]


@router.post(
    "/inbound-shipments/{inbound_id}/receipt",
    status_code=201,
    summary="Receive a first leg against its notice",
)
async def receive_inbound(
    inbound_id: str,
    body: InboundReceiptIn,
    request: Request,
    caller: Write,
    database: DatabaseDep,
    service: Service,
) -> Response:
    lines = [ReceivedLine(**line.model_dump()) for line in body.lines]
    return await _post(
        request,
        caller,
        database,
        201,
        lambda uow: service.receive_inbound(  # type: ignore[no-any-return]
            caller.tenant_id, inbound_id, lines, body.location, uow
        ),
    )


# outbound --------------------------------------------------------------------------------------------------
@router.post("/warehouses/{code}/reservations", status_code=201, summary="Reserve stock for an order (FEFO)")
async def reserve(
    code: str, body: ReservationIn, request: Request, caller: Write, database: DatabaseDep, service: Service
) -> Response:
    lines = [(line.sku, line.quantity) for line in body.lines]
    return await _post(
        request,
        caller,
        database,
        201,
        lambda uow: service.reserve(caller.tenant_id, code, body.order_id, lines, uow),
    )  # type: ignore[no-any-return]


@router.get("/stock-reservations", summary="Reservations, newest first")
def list_reservations(
    caller: Read,
    service: Service,
    warehouse: str | None = None,
    status: Annotated[list[str] | None, Query()] = None,
) -> dict[str, Any]:
    return {"items": plain(service.reservations(caller.tenant_id, warehouse, status))}


@router.get(
    "/stock-reservations/{reservation_id}/pick-list", summary="The lots to pick, where, earliest expiry first"
)
def pick_list(reservation_id: str, caller: Read, service: Service) -> dict[str, Any]:
    return plain(service.pick_list(caller.tenant_id, reservation_id))  # type: ignore[no-any-return]


def _step(name: str) -> Callable[..., Any]:
    async def step(
        reservation_id: str, request: Request, caller: Write, database: DatabaseDep, service: Service
    ) -> Response:
        act = getattr(service, name)
        return await _post(
            request, caller, database, 200, lambda uow: act(caller.tenant_id, reservation_id, uow=uow)
        )  # type: ignore[no-any-return]

    step.__name__ = f"reservation_{name}"
    return step


router.post("/stock-reservations/{reservation_id}/pick", summary="Confirm the pick (never an expired lot)")(
    _step("pick")
)
router.post("/stock-reservations/{reservation_id}/pack", summary="Packed")(_step("pack"))
router.post("/stock-reservations/{reservation_id}/release", summary="Give the stock back (not yet picked)")(
    _step("release")
)


@router.post("/stock-reservations/{reservation_id}/handover", summary="Hand over to the last-mile carrier")
async def handover(
    reservation_id: str,
    body: HandoverIn,
    request: Request,
    caller: Write,
    database: DatabaseDep,
    service: Service,
) -> Response:
    return await _post(
        request,
        caller,
        database,
        200,
        lambda uow: service.handover(  # type: ignore[no-any-return]
            caller.tenant_id, reservation_id, body.carrier, body.tracking_number, uow
        ),
    )


@router.post(
    "/stock-reservations/{reservation_id}/returns", status_code=201, summary="A return: restock or write off"
)
async def return_stock(
    reservation_id: str,
    body: ReturnIn,
    request: Request,
    caller: Write,
    database: DatabaseDep,
    service: Service,
) -> Response:
    return await _post(
        request,
        caller,
        database,
        201,
        lambda uow: service.return_stock(  # type: ignore[no-any-return]
            caller.tenant_id, reservation_id, body.sku, body.quantity, body.disposition, body.reason, uow
        ),
    )

"""Warehouses: overseas (9810) and bonded (1210) warehouses, their locations, stock, the movement ledger,
inbound first legs with their advance notices, outbound reservations through pick lists to the carrier, and
replenishment suggestions. Every POST that moves stock honours ``Idempotency-Key``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ponte.accounts.core import Principal
from ponte.api.deps import DatabaseDep, require_scope
from ponte.api.idempotency import run_idempotent
from ponte.api.routing import ExactJsonRoute
from ponte.kernel.limits import Moment, SingleLine
from ponte.platform.db import UnitOfWork
from ponte.warehouses.core import WarehouseSpec
from ponte.warehouses.inbound import InboundLine, InboundSpec, ReceivedLine
from ponte.warehouses.service import WarehouseService
from ponte.warehouses.views import plain

router = APIRouter(tags=["warehouses"], route_class=ExactJsonRoute)
Read = Annotated[Principal, Depends(require_scope("warehouses:read"))]
Write = Annotated[Principal, Depends(require_scope("warehouses:write"))]
Sku = Annotated[str, Field(min_length=1, max_length=64)]
Code = Annotated[str, Field(min_length=1, max_length=64)]
Units = Annotated[int, Field(strict=True)]


def _service(request: Request) -> WarehouseService:
    return request.app.state.platform.warehouses  # type: ignore[no-any-return]


Service = Annotated[WarehouseService, Depends(_service)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class WarehouseIn(_In):
    code: Code
    name: SingleLine = Field(max_length=200)
    operator: SingleLine = Field(max_length=200)
    country: str = Field(min_length=2, max_length=2)
    address: dict[str, SingleLine] = Field(default_factory=dict, max_length=8)
    time_zone: str = Field(max_length=64)
    currency: str = Field(min_length=3, max_length=3)
    bonded: bool = False
    trade_mode: str = Field("9810", pattern=r"^(9810|1210)$")
    cut_off_local: time | None = None
    handling_days: int = Field(1, ge=0, le=30)
    temperature_zones: list[str] = Field(default_factory=lambda: ["ambient"], min_length=1, max_length=3)


class LocationIn(_In):
    code: Code
    zone: str = "ambient"


class ReceiptIn(_In):
    sku: Sku
    quantity: Units
    lot_code: Code
    location: Code
    expires_on: date | None = None


class AdjustmentIn(_In):
    sku: Sku
    lot_code: Code
    delta: Units
    reason: SingleLine = Field(max_length=200)


class CountIn(_In):
    sku: Sku
    lot_code: Code
    counted: Units
    reason: SingleLine = Field("cycle count", max_length=200)


class TransferIn(_In):
    to_warehouse: Code = Field(description="the destination warehouse's code or id (the same tenant's)")
    sku: Sku
    lot_code: Code
    quantity: Units
    to_location: Code


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


def _post(
    request: Request, caller: Principal, database: Any, status: int, act: Callable[[UnitOfWork], Any]
) -> Any:
    def handler(uow: UnitOfWork) -> tuple[int, Any]:
        return status, plain(act(uow))

    return run_idempotent(request, caller, database, handler)


# warehouses and locations ---------------------------------------------------------------------------------
@router.get("/warehouses", summary="The tenant's warehouses with their locations")
def list_warehouses(caller: Read, service: Service) -> dict[str, Any]:
    return {"items": plain(service.warehouses(caller.tenant_id))}


@router.post("/warehouses", status_code=201, summary="Add a warehouse (overseas 9810 or bonded 1210)")
async def create_warehouse(
    body: WarehouseIn, request: Request, caller: Write, database: DatabaseDep, service: Service
) -> Response:
    spec = WarehouseSpec(**{**body.model_dump(), "temperature_zones": tuple(body.temperature_zones)})
    return await _post(
        request, caller, database, 201, lambda uow: service.add_warehouse(caller.tenant_id, spec, uow)
    )  # type: ignore[no-any-return]


@router.get("/warehouses/{code}", summary="One warehouse")
def get_warehouse(code: str, caller: Read, service: Service) -> dict[str, Any]:
    return plain(service.warehouse(caller.tenant_id, code))  # type: ignore[no-any-return]


@router.post(
    "/warehouses/{code}/locations", status_code=201, summary="Add a location (bin, shelf, cold room)"
)
async def create_location(
    code: str, body: LocationIn, request: Request, caller: Write, database: DatabaseDep, service: Service
) -> Response:
    return await _post(
        request,
        caller,
        database,
        201,
        lambda uow: service.add_location(caller.tenant_id, code, body.code, body.zone, uow),
    )  # type: ignore[no-any-return]


# stock and the ledger -------------------------------------------------------------------------------------
@router.get(
    "/warehouses/{code}/stock", summary="Stock per SKU: available, reserved, on hand, inbound, cover in days"
)
def warehouse_stock(code: str, caller: Read, service: Service) -> dict[str, Any]:
    return {"items": plain(service.stock(caller.tenant_id, code))}


@router.get("/warehouses/{code}/lots", summary="Lots with their expiry and levels")
def warehouse_lots(code: str, caller: Read, service: Service, sku: str | None = None) -> dict[str, Any]:
    return {"items": plain(service.lots(caller.tenant_id, code, sku))}


@router.get("/warehouses/{code}/movements", summary="The ledger: every movement of stock, newest first")
def warehouse_movements(
    code: str, caller: Read, service: Service, limit: Annotated[int, Query(ge=1, le=1000)] = 200
) -> dict[str, Any]:
    return {"items": plain(service.movements(caller.tenant_id, code, limit))}


@router.get(
    "/stock-positions", summary="What each warehouse can ship now of these SKUs (unreserved, unexpired)"
)
def stock_positions(
    caller: Read, service: Service, sku: Annotated[list[str], Query(min_length=1, max_length=200)]
) -> dict[str, Any]:
    return {"items": plain(service.stock_positions(caller.tenant_id, sku))}


@router.get(
    "/stock-reconciliation", summary="Lots whose cached levels differ from the ledger (none when all is well)"
)
def reconcile(caller: Read, service: Service) -> dict[str, Any]:
    mismatches = service.reconcile(caller.tenant_id)
    return {"equal": not mismatches, "mismatches": plain(mismatches)}


@router.post(
    "/warehouses/{code}/receipts", status_code=201, summary="Receive stock without an advance notice"
)
async def receive(
    code: str, body: ReceiptIn, request: Request, caller: Write, database: DatabaseDep, service: Service
) -> Response:
    return await _post(
        request,
        caller,
        database,
        201,
        lambda uow: service.receive(  # type: ignore[no-any-return]
            caller.tenant_id,
            code,
            body.sku,
            body.quantity,
            body.lot_code,
            body.location,
            body.expires_on,
            uow,
        ),
    )


@router.post(
    "/warehouses/{code}/adjustments", status_code=201, summary="Adjust a lot's available stock, with a reason"
)
async def adjust(
    code: str, body: AdjustmentIn, request: Request, caller: Write, database: DatabaseDep, service: Service
) -> Response:
    return await _post(
        request,
        caller,
        database,
        201,
        lambda uow: service.adjust(  # type: ignore[no-any-return]
            caller.tenant_id, code, body.sku, body.lot_code, body.delta, body.reason, uow
        ),
    )


@router.post(
    "/warehouses/{code}/counts",
    status_code=201,
    summary="Record a physical count; a difference is an adjustment",
)
async def count(
    code: str, body: CountIn, request: Request, caller: Write, database: DatabaseDep, service: Service
) -> Response:
    return await _post(
        request,
        caller,
        database,
        201,
        lambda uow: service.count(  # type: ignore[no-any-return]
            caller.tenant_id, code, body.sku, body.lot_code, body.counted, body.reason, uow
        ),
    )


@router.post(
    "/warehouses/{code}/transfers", status_code=201, summary="Move stock to another warehouse of the tenant"
)
async def transfer(
    code: str, body: TransferIn, request: Request, caller: Write, database: DatabaseDep, service: Service
) -> Response:
    def act(uow: UnitOfWork) -> dict[str, Any]:
        source, target = service.transfer(
            caller.tenant_id,
            code,
            body.to_warehouse,
            body.sku,
            body.lot_code,
            body.quantity,
            body.to_location,
            uow,
        )
        return {"from": plain(source), "to": plain(target)}

    return await _post(request, caller, database, 201, act)  # type: ignore[no-any-return]


@router.post(
    "/warehouses/{code}/expired-write-offs", status_code=201, summary="Write off the stock of expired lots"
)
async def write_off(
    code: str, request: Request, caller: Write, database: DatabaseDep, service: Service
) -> Response:
    return await _post(
        request,
        caller,
        database,
        201,
        lambda uow: {"items": plain(service.write_off_expired(caller.tenant_id, code, uow))},
    )  # type: ignore[no-any-return]


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


# replenishment ---------------------------------------------------------------------------------------------
@router.get(
    "/replenishment-suggestions", summary="Shipments to send now per SKU and warehouse, with their cost"
)
def replenishment(
    caller: Read,
    service: Service,
    warehouse: str | None = None,
    service_level: Annotated[float, Query(ge=0.5, lt=1)] = 0.95,
    review_days: Annotated[int, Query(ge=1, le=90)] = 7,
    mode: Annotated[str | None, Query(pattern=r"^(air|sea)$")] = None,
) -> dict[str, Any]:
    return {
        "items": plain(service.replenishment(caller.tenant_id, warehouse, service_level, review_days, mode))
    }

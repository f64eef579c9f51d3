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
from ponte.kernel.limits import SingleLine
from ponte.platform.db import UnitOfWork
from ponte.warehouses.core import WarehouseSpec
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

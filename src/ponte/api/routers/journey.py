"""Moving orders along their journey: pay, quote again, fulfil, ship, declare, cancel, return, and the
customs receipts and tracking events that move them. Every action honours Idempotency-Key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ponte.accounts.core import Principal
from ponte.api.deps import DatabaseDep, UowDep, require_scope
from ponte.api.idempotency import run_idempotent
from ponte.api.routers.orders import OrderView, view
from ponte.api.routing import ExactJsonRoute
from ponte.journey import service as journey
from ponte.kernel.clock import now
from ponte.kernel.limits import SingleLine
from ponte.logistics.shipping import Waybill
from ponte.orders import service as orders
from ponte.orders.intake import PaymentIn
from ponte.platform.db import UnitOfWork

router = APIRouter(tags=["journey"], route_class=ExactJsonRoute)
Write = Annotated[Principal, Depends(require_scope("orders:write"))]
Read = Annotated[Principal, Depends(require_scope("orders:read"))]
Declare = Annotated[Principal, Depends(require_scope("customs:write"))]
Book = Annotated[Principal, Depends(require_scope("logistics:write"))]


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    reason: SingleLine = Field(min_length=1, max_length=500, description="why, kept in the order's history")


class ShipIn(BaseModel):
    """Air orders ship together onto the schedule's flights; a warehouse order ships alone with its
    last-mile carrier's waybill."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    order_ids: list[SingleLine] = Field(min_length=1, max_length=5_000)
    days: int = Field(7, ge=1, le=28, description="how many days of flights to plan on")
    carrier: SingleLine | None = Field(
        None, max_length=20, description="a warehouse order's last-mile carrier"
    )
    waybill: SingleLine | None = Field(None, max_length=40, description="that carrier's waybill number")


class WaybillOut(BaseModel):
    house: str
    carrier: str
    origin: str
    destination: str
    master: str | None
    flight: str | None


class ShippedOut(BaseModel):
    consolidation_id: str | None
    booked: dict[str, WaybillOut]
    waiting: dict[str, str]


def _waybill(w: Waybill) -> WaybillOut:
    return WaybillOut(
        house=w.house,
        carrier=w.carrier,
        origin=w.origin,
        destination=w.destination,
        master=w.master,
        flight=w.flight,
    )


async def _act(
    request: Request, caller: Principal, database: Any, step: Callable[[UnitOfWork, journey.Context], Any]
) -> Response:
    """Run one step in a unit of work (idempotent) and answer the order as it left it."""
    ctx = request.app.state.platform.journey

    def handler(uow: UnitOfWork) -> tuple[int, Any]:
        done = step(uow, ctx)
        order = done.order if isinstance(done, journey.Placed) else done
        placed = done if isinstance(done, journey.Placed) else None
        return 200, view(request, order, placed).model_dump(mode="json")

    return await run_idempotent(request, caller, database, handler)


@router.post("/orders/{order_id}/payment", response_model=OrderView, summary="Record the buyer's payment")
async def pay(
    order_id: str, body: PaymentIn, request: Request, caller: Write, database: DatabaseDep
) -> Response:
    return await _act(
        request, caller, database, lambda uow, ctx: journey.pay(uow, caller.tenant_id, order_id, body, now())
    )


@router.post(
    "/orders/{order_id}/quote",
    response_model=OrderView,
    summary="Quote the order again (a new revision is frozen; the verdict moves it to quoted or held)",
)
async def requote(order_id: str, request: Request, caller: Write, database: DatabaseDep) -> Response:
    return await _act(
        request,
        caller,
        database,
        lambda uow, ctx: journey.requote(uow, caller.tenant_id, order_id, ctx, now()),
    )


@router.post(
    "/orders/{order_id}/fulfil",
    response_model=OrderView,
    summary="Choose how the quoted order ships and pack its parcel (weight, box, handling class)",
)
async def fulfil(order_id: str, request: Request, caller: Write, database: DatabaseDep) -> Response:
    return await _act(
        request,
        caller,
        database,
        lambda uow, ctx: journey.fulfil(uow, caller.tenant_id, order_id, ctx, now()),
    )


@router.post(
    "/orders/ship",
    response_model=ShippedOut,
    summary="Book packed orders: air parcels onto flights with house and master waybills, or a warehouse "
    "order with its last-mile carrier",
)
async def ship(body: ShipIn, request: Request, caller: Book, database: DatabaseDep) -> Response:
    ctx = request.app.state.platform.journey

    def handler(uow: UnitOfWork) -> tuple[int, Any]:
        done = journey.ship(
            uow,
            caller.tenant_id,
            body.order_ids,
            ctx,
            now(),
            days=body.days,
            carrier=body.carrier,
            waybill_no=body.waybill,
        )
        out = ShippedOut(
            consolidation_id=done.consolidation_id,
            booked={k: _waybill(w) for k, w in done.booked.items()},
            waiting=done.waiting,
        )
        return 200, out.model_dump(mode="json")

    return await run_idempotent(request, caller, database, handler)


@router.post(
    "/orders/{order_id}/declare",
    response_model=OrderView,
    summary="Declare the booked order to China customs (messages built from the stored order, parcel and "
    "waybill, signed, in the outbox)",
)
async def declare(order_id: str, request: Request, caller: Declare, database: DatabaseDep) -> Response:
    def step(uow: UnitOfWork, ctx: journey.Context) -> Any:
        journey.declare(uow, caller.tenant_id, order_id, ctx, now())
        return orders.get(uow, caller.tenant_id, order_id)

    return await _act(request, caller, database, step)


@router.post(
    "/orders/{order_id}/cancel", response_model=OrderView, summary="Cancel an order before it leaves"
)
async def cancel(
    order_id: str, body: ReasonIn, request: Request, caller: Write, database: DatabaseDep
) -> Response:
    return await _act(
        request,
        caller,
        database,
        lambda uow, ctx: journey.cancel(uow, caller.tenant_id, order_id, body.reason, ctx, now()),
    )


@router.post("/orders/{order_id}/return", response_model=OrderView, summary="The buyer sent the order back")
async def return_order(
    order_id: str, body: ReasonIn, request: Request, caller: Write, database: DatabaseDep
) -> Response:
    return await _act(
        request,
        caller,
        database,
        lambda uow, ctx: journey.return_order(uow, caller.tenant_id, order_id, body.reason, ctx, now()),
    )


@router.get("/orders/{order_id}/journey", summary="Everything the order's journey stored, linked")
def order_journey(order_id: str, request: Request, caller: Read, uow: UowDep) -> dict[str, Any]:
    return journey.overview(uow, caller.tenant_id, order_id, request.scope.get("root_path", ""))

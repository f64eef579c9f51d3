"""Moving an order along its journey: pay, quote again, cancel … each an action with Idempotency-Key."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from ponte.accounts.core import Principal
from ponte.api.deps import DatabaseDep, require_scope
from ponte.api.idempotency import run_idempotent
from ponte.api.routers.orders import OrderView, view
from ponte.api.routing import ExactJsonRoute
from ponte.journey import service as journey
from ponte.kernel.clock import now
from ponte.kernel.limits import SingleLine
from ponte.orders.intake import PaymentIn

router = APIRouter(tags=["orders"], route_class=ExactJsonRoute)
Write = Annotated[Principal, Depends(require_scope("orders:write"))]


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    reason: SingleLine = Field(min_length=1, max_length=500, description="why, kept in the order's history")


@router.post("/orders/{order_id}/payment", response_model=OrderView, summary="Record the buyer's payment")
async def pay(order_id: str, body: PaymentIn, request: Request, caller: Write, database: DatabaseDep) -> Any:
    def handler(uow):  # type: ignore[no-untyped-def]
        order = journey.pay(uow, caller.tenant_id, order_id, body, now())
        return 200, view(request, order).model_dump(mode="json")

    return await run_idempotent(request, caller, database, handler)


@router.post(
    "/orders/{order_id}/quote",
    response_model=OrderView,
    summary="Quote the order again (a new revision is frozen; the verdict moves it to quoted or held)",
)
async def requote(order_id: str, request: Request, caller: Write, database: DatabaseDep) -> Any:
    ctx = request.app.state.platform.journey

    def handler(uow):  # type: ignore[no-untyped-def]
        placed = journey.requote(uow, caller.tenant_id, order_id, ctx, now())
        return 200, view(request, placed.order, placed).model_dump(mode="json")

    return await run_idempotent(request, caller, database, handler)


@router.post(
    "/orders/{order_id}/cancel", response_model=OrderView, summary="Cancel an order before it leaves"
)
async def cancel(
    order_id: str, body: ReasonIn, request: Request, caller: Write, database: DatabaseDep
) -> Any:
    def handler(uow):  # type: ignore[no-untyped-def]
        order = journey.cancel(uow, caller.tenant_id, order_id, body.reason, now())
        return 200, view(request, order).model_dump(mode="json")

    return await run_idempotent(request, caller, database, handler)

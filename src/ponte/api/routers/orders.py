"""Orders of the calling seller."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from ponte.accounts.core import Principal
from ponte.api.deps import DatabaseDep, UowDep, require_scope
from ponte.api.idempotency import run_idempotent
from ponte.api.routing import ExactJsonRoute
from ponte.api.schemas import BuyerOut, OrderOut, PageOut, masked_buyer
from ponte.kernel.clock import now
from ponte.orders.intake import OrderIn
from ponte.orders.service import place_order
from ponte.orders.store import BuyerRepository, OrderRepository

router = APIRouter(tags=["orders"], route_class=ExactJsonRoute)


@router.get("/orders", response_model=PageOut[OrderOut], summary="Orders, oldest first, page by page")
def list_orders(
    caller: Annotated[Principal, Depends(require_scope("orders:read"))],
    uow: UowDep,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    status: str | None = None,
    destination: str | None = None,
) -> PageOut[OrderOut]:
    page = OrderRepository(uow.session, caller.tenant_id).page(cursor, limit, status, destination)
    return PageOut(items=[OrderOut.model_validate(o) for o in page.items], next_cursor=page.next_cursor)


@router.get("/orders/{order_id}", response_model=OrderOut)
def get_order(
    order_id: str, caller: Annotated[Principal, Depends(require_scope("orders:read"))], uow: UowDep
) -> OrderOut:
    return OrderOut.model_validate(OrderRepository(uow.session, caller.tenant_id).get(order_id))


@router.get("/buyers/{buyer_id}", response_model=BuyerOut, summary="A buyer, with identity masked")
def get_buyer(
    buyer_id: str, caller: Annotated[Principal, Depends(require_scope("orders:read"))], uow: UowDep
) -> BuyerOut:
    return masked_buyer(BuyerRepository(uow.session, caller.tenant_id).get(buyer_id))


@router.post(
    "/orders", status_code=201, response_model=OrderOut, summary="Place an order (honours Idempotency-Key)"
)
async def create_order(
    body: OrderIn,
    request: Request,
    caller: Annotated[Principal, Depends(require_scope("orders:write"))],
    database: DatabaseDep,
):  # type: ignore[no-untyped-def]
    def handler(uow):  # type: ignore[no-untyped-def]
        order = place_order(uow, caller.tenant_id, body, now())
        return 201, OrderOut.model_validate(order).model_dump()

    return await run_idempotent(request, caller, database, handler)

"""Orders of the calling seller: place them one by one (from CSV: ``order_imports``), read them with their journey's
links and the actions they offer, their history and their frozen quote."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict

from ponte.accounts.core import Principal
from ponte.api.deps import DatabaseDep, UowDep, require_scope
from ponte.api.idempotency import run_idempotent
from ponte.api.routing import ExactJsonRoute
from ponte.api.schemas import BuyerOut, OrderOut, PageOut, masked_buyer
from ponte.journey import service as journey
from ponte.journey.core import actions_for
from ponte.kernel.clock import now
from ponte.orders import service as orders
from ponte.orders.intake import OrderIn

router = APIRouter(tags=["orders"], route_class=ExactJsonRoute)
Read = Annotated[Principal, Depends(require_scope("orders:read"))]
Write = Annotated[Principal, Depends(require_scope("orders:write"))]


class OrderView(OrderOut):
    """An order with what its journey has made of it: the links to every step and the next actions."""

    verdict: str | None = None
    reasons: list[dict[str, Any]] = []
    actions: list[str] = []
    links: dict[str, str] = {}


def view(request: Request, order: orders.Order, placed: journey.Placed | None = None) -> OrderView:
    base = request.scope.get("root_path", "")
    own = f"{base}/orders/{order.id}"
    out = OrderView.model_validate(order)
    out.actions = actions_for(order.status, order.payment_ref is not None)
    out.links = {
        "self": own,
        "events": f"{own}/events",
        "quote": f"{own}/quote",
        "journey": f"{own}/journey",
        "buyer": f"{base}/buyers/{order.buyer_id}",
    }
    if placed is not None and placed.verdict is not None:
        out.verdict, out.reasons = placed.verdict.kind, list(placed.verdict.reasons)
    return out


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    at: datetime
    kind: str
    detail: str


@router.get("/orders", response_model=PageOut[OrderView], summary="Orders, oldest first, page by page")
def list_orders(
    request: Request,
    caller: Read,
    uow: UowDep,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    status: str | None = None,
    destination: str | None = None,
) -> PageOut[OrderView]:
    page = orders.page(uow, caller.tenant_id, cursor, limit, status, destination)
    return PageOut(items=[view(request, o) for o in page.items], next_cursor=page.next_cursor)


@router.get("/orders/{order_id}", response_model=OrderView)
def get_order(order_id: str, request: Request, caller: Read, uow: UowDep) -> OrderView:
    return view(request, orders.get(uow, caller.tenant_id, order_id))


@router.get("/buyers/{buyer_id}", response_model=BuyerOut, summary="A buyer, with identity masked")
def get_buyer(buyer_id: str, caller: Read, uow: UowDep) -> BuyerOut:
    return masked_buyer(orders.buyer(uow, caller.tenant_id, buyer_id))


@router.post(
    "/orders",
    status_code=201,
    response_model=OrderView,
    summary="Place an order: stored, quoted and moved to quoted or held in one step (honours Idempotency-Key)",
)
async def create_order(body: OrderIn, request: Request, caller: Write, database: DatabaseDep) -> Any:
    ctx = request.app.state.platform.journey

    def handler(uow):  # type: ignore[no-untyped-def]
        placed = journey.place(uow, caller.tenant_id, body, ctx, now())
        return 201, view(request, placed.order, placed).model_dump(mode="json")

    return await run_idempotent(request, caller, database, handler)


@router.get("/orders/{order_id}/events", response_model=list[EventOut], summary="The order's history")
def order_events(order_id: str, caller: Read, uow: UowDep) -> list[EventOut]:
    return [EventOut.model_validate(e) for e in orders.history(uow, caller.tenant_id, order_id)]


@router.get(
    "/orders/{order_id}/quote",
    summary="The landed-cost quote frozen with the order: request, answer per line, verdict, rules used",
    responses={200: {"description": "a frozen quote, version 1 (see docs/duties.md)"}},
)
def order_quote(order_id: str, caller: Read, uow: UowDep, revision: int | None = None) -> dict[str, Any]:
    orders.get(uow, caller.tenant_id, order_id)
    stored = journey.frozen_quote(uow, caller.tenant_id, order_id, revision)
    return {"revision": stored.revision, **stored.frozen}

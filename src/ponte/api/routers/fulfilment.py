"""The fulfilment choice of the calling seller's orders: the options an order has now, the choice recorded
with it, and the seller's rules and import facts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request

from ponte.accounts.core import Principal
from ponte.api.deps import UowDep, require_scope
from ponte.api.routing import ExactJsonRoute
from ponte.fulfilment import service as fulfilment
from ponte.kernel.clock import now
from ponte.kernel.errors import NotFoundError
from ponte.orders import service as orders

router = APIRouter(tags=["fulfilment"], route_class=ExactJsonRoute)
Read = Annotated[Principal, Depends(require_scope("orders:read"))]
Write = Annotated[Principal, Depends(require_scope("orders:write"))]


@router.get(
    "/orders/{order_id}/fulfilment-options",
    summary="The ways the order can ship now: each with its landed cost, logistics cost, promised date and "
    "verdict, and the one the seller's rules choose",
)
def fulfilment_options(order_id: str, request: Request, caller: Read, uow: UowDep) -> dict[str, Any]:
    setup = request.app.state.platform.fulfilment
    return fulfilment.options(uow, caller.tenant_id, order_id, setup).as_dict()


@router.get("/orders/{order_id}/fulfilment", summary="The fulfilment choice recorded with the order")
def fulfilment_choice(order_id: str, caller: Read, uow: UowDep) -> dict[str, Any]:
    orders.get(uow, caller.tenant_id, order_id)
    stored = fulfilment.latest(uow, caller.tenant_id, order_id)
    if stored is None:
        raise NotFoundError("fulfilment choice", order_id)
    return {
        "revision": stored.revision,
        "chosen_at": stored.created_at.isoformat(),
        "reservation_id": stored.reservation_id,
        **stored.frozen,
    }


@router.get("/fulfilment/settings", summary="The seller's fulfilment rules and the import facts of its stock")
def get_settings(caller: Read, uow: UowDep) -> dict[str, Any]:
    return fulfilment.settings_view(uow, caller.tenant_id)


@router.put(
    "/fulfilment/settings",
    summary="Set the seller's rules (prefer cheapest or fastest, never split, maximum delivery days, units kept "
    "for live sessions) and the import facts of its stock (customs value, first-leg freight, rates)",
)
def put_settings(caller: Write, uow: UowDep, body: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    return fulfilment.put_settings(uow, caller.tenant_id, body, now())

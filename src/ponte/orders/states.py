"""Order states and the moves between them; every move leaves an event.

placed ─► paid ─► fulfilled ─► returned
  │        │
  └────────┴─► cancelled
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ponte.kernel.errors import ConflictError, ValidationError
from ponte.orders.store import Order, OrderEvent, OrderRepository
from ponte.platform.db import UnitOfWork

STATES = ("placed", "paid", "cancelled", "fulfilled", "returned")
MOVES: dict[str, tuple[str, ...]] = {
    "placed": ("paid", "cancelled"),
    "paid": ("fulfilled", "cancelled"),
    "fulfilled": ("returned",),
    "cancelled": (),
    "returned": (),
}


def allowed(state: str, to: str) -> bool:
    return to in MOVES.get(state, ())


def check_move(state: str, to: str) -> None:
    if to not in STATES:
        raise ValidationError(
            f"status must be one of {', '.join(STATES)}", field="status", rule="order-state"
        )
    if not allowed(state, to):
        raise ConflictError(
            f"a {state} order cannot become {to}; from {state}: {', '.join(MOVES[state]) or 'nothing'}",
            field="status",
            rule="order-transition",
        )


def move(uow: UnitOfWork, tenant_id: str, order_id: str, to: str, at: datetime, note: str = "") -> Order:
    """Move an order to `to` and record the event (the caller commits)."""
    order = OrderRepository(uow.session, tenant_id).get(order_id)
    check_move(order.status, to)
    order.status = to
    uow.session.add(OrderEvent(order_id=order.id, tenant_id=tenant_id, at=at, kind=to, detail=note[:500]))
    uow.session.flush()
    return order


def history(uow: UnitOfWork, tenant_id: str, order_id: str) -> list[OrderEvent]:
    OrderRepository(uow.session, tenant_id).get(order_id)
    return list(
        uow.session.scalars(
            select(OrderEvent)
            .where(OrderEvent.order_id == order_id, OrderEvent.tenant_id == tenant_id)
            .order_by(OrderEvent.id)
        )
    )

"""Live selling's use cases: turning a paid reservation into an order, in the same unit of work."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError as PydanticError
from sqlalchemy import update

from ponte.kernel.errors import ConflictError, ValidationError, Violation
from ponte.live.store.ledger import release
from ponte.live.store.repository import LiveRepository
from ponte.live.store.tables import Reservation
from ponte.orders.intake import OrderIn
from ponte.orders.service import place_order
from ponte.orders.store import Order
from ponte.platform.db import Database, UnitOfWork


def pay_reservation(
    uow: UnitOfWork, tenant_id: str, reservation_id: str, details: dict[str, Any], at: datetime
) -> Order:
    """Place the order for a held reservation at the offer's price; the hold must not have expired."""
    repo = LiveRepository(uow.session, tenant_id)
    held = repo.reservation(reservation_id)
    if held.status != "held":
        raise ConflictError(f"the reservation is {held.status}", field="reservation", rule="reservation-held")
    if held.expires_at <= at:
        raise ConflictError(
            "the reservation has expired", field="reservation", rule="reservation-not-expired"
        )
    offer = repo.offer(held.offer_id)
    try:
        order_in = OrderIn.model_validate(
            {
                **details,
                "channel": "live",  # the buyer's payment (details["payment"]) is recorded with the order
                "currency": offer.currency,
                "lines": [{"sku": offer.sku, "quantity": held.quantity, "unit_price": offer.price}],
            }
        )
    except PydanticError as exc:
        raise ValidationError.of(
            [Violation(".".join(str(p) for p in e["loc"]), e["type"], e["msg"]) for e in exc.errors()]
        ) from exc
    order = place_order(uow, tenant_id, order_in, at)
    order.live_session_id = held.session_id
    uow.session.flush()
    done = uow.session.execute(
        update(Reservation)
        .where(
            Reservation.id == reservation_id,
            Reservation.tenant_id == tenant_id,
            Reservation.status == "held",
            Reservation.expires_at > at,
        )
        .values(status="paid", order_id=order.id)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError("the reservation changed meanwhile", field="reservation", rule="reservation-held")
    return order


def release_overdue(database: Database, at: datetime, limit: int = 500) -> int:
    """Give back the stock of every held reservation whose hold ended before ``at`` (every tenant); how many.
    The background worker calls this every few seconds; each round is its own transaction."""
    return release(database, at, limit=limit)

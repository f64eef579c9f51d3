"""What the order's journey asks of logistics about its orders: an order's parcel, taking it off a
booking when the order is cancelled, and which orders a tracking event concerns."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from ponte.kernel.errors import ConflictError
from ponte.logistics.errors import LogisticsError
from ponte.logistics.shipping import OrderParcel
from ponte.logistics.store.repository import ParcelRepository, ShipmentRepository, parcel_of
from ponte.logistics.tracking import TrackingEvent
from ponte.platform.db import UnitOfWork

__all__ = ["orders_of_events", "parcel", "parcel_rows", "withdraw_parcel"]

#: Where a parcel goes when its order is cancelled: back out of the plan, or off its flight.
_WITHDRAWN = {"packed": "cancelled", "booked": "offloaded"}


def parcel(uow: UnitOfWork, tenant_id: str, order_id: str) -> OrderParcel | None:
    """The order's parcel, once it is packed."""
    row = ParcelRepository(uow.session, tenant_id).by_order(order_id)
    return parcel_of(row) if row is not None else None


def parcel_rows(uow: UnitOfWork, tenant_id: str, order_ids: Iterable[str]) -> dict[str, str]:
    """The stored parcel (its row id) of each of these orders that has one."""
    repo = ParcelRepository(uow.session, tenant_id)
    return {o: row.id for o in order_ids if (row := repo.by_order(o)) is not None}


def withdraw_parcel(uow: UnitOfWork, tenant_id: str, order_id: str, at: datetime) -> str | None:
    """Take a cancelled order's parcel out: a packed one is cancelled, a booked one offloaded from its
    flight. A parcel handed to a carrier is on its way and cannot be withdrawn here. Returns the parcel's
    new status (None when the order had no parcel)."""
    repo = ParcelRepository(uow.session, tenant_id)
    row = repo.by_order(order_id)
    if row is None:
        return None
    to = _WITHDRAWN.get(row.status)
    if to is None or not repo.move(row.id, row.status, to, at):
        raise ConflictError(
            f"the parcel is {row.status}: it cannot be withdrawn",
            field="status",
            rule=LogisticsError.PARCEL_STATE,
        )
    return to


def orders_of_events(
    uow: UnitOfWork, tenant_id: str, events: Iterable[TrackingEvent]
) -> dict[str, list[str]]:
    """The FSU codes each order received, through its parcel or the master waybill it flies on."""
    parcels, shipments = ParcelRepository(uow.session, tenant_id), ShipmentRepository(uow.session, tenant_id)
    out: dict[str, list[str]] = {}
    for e in sorted(events, key=lambda e: e.at):
        if e.subject == "parcel":
            row = parcels.by_ref(e.subject_id)
            orders = [row.order_id] if row is not None and row.order_id else []
        elif e.subject == "awb":
            orders = [
                p.order_id
                for s in shipments.by_mawb(e.subject_id)
                for _, p in shipments.parcels(s.id)
                if p.order_id
            ]
        else:
            orders = []
        for order_id in orders:
            out.setdefault(order_id, []).append(e.code)
    return out

"""Offloading a booked shipment: its capacity released on every leg it rides, its parcels packed again."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ponte.kernel.errors import ConflictError
from ponte.logistics.errors import LogisticsError
from ponte.logistics.ledger import PAYLOAD
from ponte.logistics.store.ledger import LedgerRepository
from ponte.logistics.store.repository import ParcelRepository, ShipmentRepository
from ponte.platform.db import UnitOfWork

__all__ = ["offload"]


def offload(uow: UnitOfWork, tenant_id: str, shipment_id: str, at: datetime) -> dict[str, Any]:
    """Take a booked shipment off its flights: the positions and payload it held are released on every leg it
    rides (a connection's too), its parcels are packed again (ready to be planned onto other flights: rebooking is
    ``consolidate_and_issue`` on them), and the shipment is ``offloaded`` (its master AWB stays used, as an
    issued number is never reissued). One unit of work; a second offload of the same shipment is a 409."""
    ships = ShipmentRepository(uow.session, tenant_id)
    shipment = ships.get(shipment_id)
    if not ships.move(shipment_id, "booked", "offloaded"):
        raise ConflictError(
            f"shipment {shipment_id!r} is {shipment.status}, not booked",
            field="shipment_id",
            rule=LogisticsError.SHIPMENT_STATE,
        )
    ledger = LedgerRepository(uow.session, tenant_id)
    snapshot = shipment.plan
    taken: dict[str, dict[str, int]] = {}
    for u in snapshot.get("ulds", []):
        for leg in u.get("legs") or [u["flight"]]:
            entry = taken.setdefault(leg, {PAYLOAD: 0})
            entry[u["type"]] = entry.get(u["type"], 0) + 1
            entry[PAYLOAD] += int(Decimal(str(u["gross_kg"])) * 1000)
    for leg, resources in sorted(taken.items()):
        for resource, n in sorted(resources.items()):
            if n and not ledger.release(leg, resource, n, at):
                raise ConflictError(
                    f"the ledger of {leg} ({resource}) holds less than this shipment booked",
                    field="shipment_id",
                    rule=LogisticsError.SHIPMENT_STATE,
                )
    parcels = ParcelRepository(uow.session, tenant_id)
    released = []
    for _link, p in ships.parcels(shipment_id):
        if not parcels.move(p.id, "booked", "packed", at, shipment_id=None, house=None):
            raise ConflictError(
                f"parcel {p.ref!r} moved meanwhile; offload again",
                field="shipment_id",
                rule=LogisticsError.PARCEL_STATE,
            )
        released.append(p.ref)
    return {"id": shipment_id, "status": "offloaded", "released": taken, "parcels": released}

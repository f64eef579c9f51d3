"""Read queries of a forwarder's views: flight legs from the booking ledger, the shipments riding a leg, the
houses and parcels of shipments. They load rows, never stage or commit, and hold no rule."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ponte.logistics.store.tables import HouseWaybill, LegLedger, ParcelRecord, Shipment, ShipmentParcel

__all__ = ["houses_of", "ledger_rows", "parcels_of", "shipments_departing", "shipments_on_leg"]


def ledger_rows(
    session: Session, tenants: Collection[str] | None, legs: Collection[str] | None = None
) -> list[LegLedger]:
    """The booking ledger's rows of these tenants (None: every tenant), of these legs (None: every leg that has
    something booked), in tenant and leg order."""
    query = select(LegLedger)
    if tenants is not None:
        query = query.where(LegLedger.tenant_id.in_(list(tenants)))
    if legs is not None:
        query = query.where(LegLedger.leg.in_(list(legs)))
    else:
        booked = select(LegLedger.leg).where(LegLedger.booked > 0)
        if tenants is not None:
            booked = booked.where(LegLedger.tenant_id.in_(list(tenants)))
        query = query.where(LegLedger.leg.in_(booked))
    return list(session.scalars(query.order_by(LegLedger.tenant_id, LegLedger.leg, LegLedger.resource)))


def shipments_departing(
    session: Session, tenants: Collection[str] | None, start: datetime, end: datetime
) -> list[Shipment]:
    """Booked shipments whose first leg departs in [start, end), in departure order."""
    query = select(Shipment).where(
        Shipment.status == "booked", Shipment.departs >= start, Shipment.departs < end
    )
    if tenants is not None:
        query = query.where(Shipment.tenant_id.in_(list(tenants)))
    return list(session.scalars(query.order_by(Shipment.departs, Shipment.mawb, Shipment.id)))


def shipments_on_leg(
    session: Session, tenants: Collection[str] | None, leg: str, start: datetime, end: datetime
) -> list[Shipment]:
    """Booked shipments whose route rides this leg: it is their first leg, or a connecting one their stored plan
    names (the plan's ``legs``); their first leg departs in [start, end)."""
    query = select(Shipment).where(
        Shipment.status == "booked",
        Shipment.departs >= start,
        Shipment.departs < end,
        or_(Shipment.flight == leg, Shipment.plan_json.contains(f'"{leg}"')),
    )
    if tenants is not None:
        query = query.where(Shipment.tenant_id.in_(list(tenants)))
    return list(session.scalars(query.order_by(Shipment.mawb, Shipment.id)))


def houses_of(session: Session, shipment_ids: Collection[str]) -> list[HouseWaybill]:
    if not shipment_ids:
        return []
    return list(
        session.scalars(
            select(HouseWaybill)
            .where(HouseWaybill.shipment_id.in_(list(shipment_ids)))
            .order_by(HouseWaybill.number)
        )
    )


def parcels_of(session: Session, shipment_ids: Collection[str]) -> list[tuple[ShipmentParcel, ParcelRecord]]:
    """The parcels of these shipments with their bag, ULD and house, in ULD, bag and parcel order."""
    if not shipment_ids:
        return []
    rows = session.execute(
        select(ShipmentParcel, ParcelRecord)
        .join(ParcelRecord, ParcelRecord.id == ShipmentParcel.parcel_id)
        .where(ShipmentParcel.shipment_id.in_(list(shipment_ids)))
        .order_by(ShipmentParcel.shipment_id, ShipmentParcel.uld, ShipmentParcel.bag, ParcelRecord.ref)
    )
    return [(sp, p) for sp, p in rows]

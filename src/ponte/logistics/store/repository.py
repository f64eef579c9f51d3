"""Repositories of the logistics tables: they load and stage rows, never commit, and hold no rule."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ponte.kernel.errors import NotFoundError
from ponte.kernel.ids import new_id
from ponte.kernel.measures import Box, Weight
from ponte.logistics.shipping import OrderParcel
from ponte.logistics.store.awb_stock import AwbStockRepository
from ponte.logistics.store.tables import (
    HouseWaybill,
    ParcelRecord,
    Shipment,
    ShipmentParcel,
    TrackingRecord,
)
from ponte.logistics.tracking import TrackingEvent
from ponte.platform.pagination import Page, paginate

__all__ = [
    "AwbStockRepository",
    "ParcelRepository",
    "ShipmentRepository",
    "TrackingRepository",
    "parcel_of",
]


def parcel_of(row: ParcelRecord) -> OrderParcel:
    """The stored parcel as the shared record."""
    box = (
        Box(row.length_cm, row.width_cm, row.height_cm)
        if row.length_cm and row.width_cm and row.height_cm
        else Box(Decimal(1), Decimal(1), Decimal(1))
    )
    return OrderParcel(
        id=row.ref,
        order_id=row.order_id or "",
        tenant_id=row.tenant_id,
        gross=Weight(row.gross_kg),
        net=Weight(row.net_kg),
        box=box,
        dangerous_goods=row.dangerous_goods,
        perishable=row.perishable,
        origin=row.origin,
        destination=row.destination,
        ready_at=row.ready_at,
        handling_class=row.handling_class,
        shc=tuple(row.shc_list),
        cargo_aircraft_only=row.cargo_aircraft_only,
        dry_ice=Weight(row.dry_ice_kg),
        shipper=row.shipper,
        goods=row.goods,
        hs_codes=tuple(json.loads(row.hs_codes or "[]")),
    )


class ParcelRepository:
    def __init__(self, session: Session, tenant_id: str) -> None:
        self.s, self.tenant = session, tenant_id

    def add(self, p: OrderParcel, at: datetime) -> ParcelRecord:
        row = ParcelRecord(
            id=new_id("pcl"),
            tenant_id=self.tenant,
            order_id=p.order_id or None,
            ref=p.id,
            status="packed",
            gross_kg=p.gross.kg,
            net_kg=p.net.kg,
            length_cm=p.box.length_cm,
            width_cm=p.box.width_cm,
            height_cm=p.box.height_cm,
            handling_class=p.handling_class,
            shc=json.dumps(list(p.shc)),
            dangerous_goods=p.dangerous_goods,
            cargo_aircraft_only=p.cargo_aircraft_only,
            perishable=p.perishable,
            dry_ice_kg=p.dry_ice.kg,
            origin=p.origin,
            destination=p.destination,
            ready_at=p.ready_at,
            shipper=p.shipper[:200],
            goods=p.goods,
            hs_codes=json.dumps(list(p.hs_codes)),
            created_at=at,
            updated_at=at,
        )
        self.s.add(row)
        self.s.flush()
        return row

    def by_order(self, order_id: str) -> ParcelRecord | None:
        return self.s.scalar(
            select(ParcelRecord).where(
                ParcelRecord.tenant_id == self.tenant, ParcelRecord.order_id == order_id
            )
        )

    def by_ref(self, ref: str) -> ParcelRecord | None:
        return self.s.scalar(
            select(ParcelRecord).where(ParcelRecord.tenant_id == self.tenant, ParcelRecord.ref == ref)
        )

    def by_refs(self, refs: Collection[str]) -> dict[str, ParcelRecord]:
        rows = self.s.scalars(
            select(ParcelRecord).where(
                ParcelRecord.tenant_id == self.tenant, ParcelRecord.ref.in_(list(refs))
            )
        )
        return {r.ref: r for r in rows}

    def get(self, parcel_id: str) -> ParcelRecord:
        row = self.s.scalar(
            select(ParcelRecord).where(ParcelRecord.tenant_id == self.tenant, ParcelRecord.id == parcel_id)
        )
        if row is None:
            raise NotFoundError("parcel", parcel_id)
        return row

    def many(self, ids: Sequence[str] | None, status: str | None = None) -> list[ParcelRecord]:
        query = select(ParcelRecord).where(ParcelRecord.tenant_id == self.tenant)
        if ids is not None:
            query = query.where(ParcelRecord.id.in_(list(ids)))
        if status is not None:
            query = query.where(ParcelRecord.status == status)
        return list(self.s.scalars(query.order_by(ParcelRecord.id)))

    def move(self, parcel_id: str, from_status: str, to_status: str, at: datetime, **values: object) -> bool:
        """Compare-and-set on the parcel's status: of two concurrent moves, one wins."""
        result = self.s.execute(
            update(ParcelRecord)
            .where(
                ParcelRecord.tenant_id == self.tenant,
                ParcelRecord.id == parcel_id,
                ParcelRecord.status == from_status,
            )
            .values(status=to_status, updated_at=at, **values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


class ShipmentRepository:
    def __init__(self, session: Session, tenant_id: str) -> None:
        self.s, self.tenant = session, tenant_id

    def add(self, shipment: Shipment) -> Shipment:
        shipment.tenant_id = self.tenant
        self.s.add(shipment)
        self.s.flush()
        return shipment

    def add_house(
        self, shipment_id: str, number: str, shipper: str, pieces: int, gross_kg: object
    ) -> HouseWaybill:
        row = HouseWaybill(
            id=new_id("hwb"),
            tenant_id=self.tenant,
            shipment_id=shipment_id,
            number=number,
            shipper=shipper[:200],
            pieces=pieces,
            gross_kg=gross_kg,
        )
        self.s.add(row)
        return row

    def add_parcels(self, rows: Sequence[ShipmentParcel]) -> None:
        for r in rows:
            r.tenant_id = self.tenant
        self.s.add_all(rows)
        self.s.flush()

    def get(self, shipment_id: str) -> Shipment:
        row = self.s.scalar(
            select(Shipment).where(Shipment.tenant_id == self.tenant, Shipment.id == shipment_id)
        )
        if row is None:
            raise NotFoundError("shipment", shipment_id)
        return row

    def move(self, shipment_id: str, from_status: str, to_status: str) -> bool:
        """Compare-and-set on the shipment's status: of two concurrent offloads, one wins."""
        result = self.s.execute(
            update(Shipment)
            .where(
                Shipment.tenant_id == self.tenant,
                Shipment.id == shipment_id,
                Shipment.status == from_status,
            )
            .values(status=to_status)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def page(self, cursor: str | None, limit: int) -> Page[Shipment]:
        query = select(Shipment).where(Shipment.tenant_id == self.tenant)
        return paginate(self.s, query, Shipment.id, cursor, limit)

    def parcels(self, shipment_id: str) -> list[tuple[ShipmentParcel, ParcelRecord]]:
        rows = self.s.execute(
            select(ShipmentParcel, ParcelRecord)
            .join(ParcelRecord, ParcelRecord.id == ShipmentParcel.parcel_id)
            .where(ShipmentParcel.tenant_id == self.tenant, ShipmentParcel.shipment_id == shipment_id)
            .order_by(ParcelRecord.ref)
        )
        return [(sp, p) for sp, p in rows]

    def houses(self, shipment_id: str) -> list[HouseWaybill]:
        return list(
            self.s.scalars(
                select(HouseWaybill)
                .where(HouseWaybill.tenant_id == self.tenant, HouseWaybill.shipment_id == shipment_id)
                .order_by(HouseWaybill.number)
            )
        )

    def by_mawb(self, awb: str) -> list[Shipment]:
        return list(
            self.s.scalars(
                select(Shipment)
                .where(Shipment.tenant_id == self.tenant, Shipment.mawb == awb)
                .order_by(Shipment.id)
            )
        )

    def by_parcel_ref(self, ref: str) -> list[Shipment]:
        return list(
            self.s.scalars(
                select(Shipment)
                .join(ShipmentParcel, ShipmentParcel.shipment_id == Shipment.id)
                .join(ParcelRecord, ParcelRecord.id == ShipmentParcel.parcel_id)
                .where(
                    Shipment.tenant_id == self.tenant,
                    ShipmentParcel.tenant_id == self.tenant,
                    ParcelRecord.ref == ref,
                )
                .order_by(Shipment.id)
            )
        )


class TrackingRepository:
    def __init__(self, session: Session, tenant_id: str) -> None:
        self.s, self.tenant = session, tenant_id

    def events(self, subject_ids: Collection[str]) -> list[TrackingEvent]:
        """Stored events of these subjects, in the order they happened."""
        rows = self.s.scalars(
            select(TrackingRecord)
            .where(TrackingRecord.tenant_id == self.tenant, TrackingRecord.subject_id.in_(list(subject_ids)))
            .order_by(TrackingRecord.at, TrackingRecord.id)
        )
        return [r.event() for r in rows]

    def codes_of(self, subject_ids: Collection[str]) -> dict[str, list[str]]:
        """FSU codes per subject, in time order (one query for a page of shipments)."""
        out: dict[str, list[str]] = {s: [] for s in subject_ids}
        rows = self.s.execute(
            select(TrackingRecord.subject_id, TrackingRecord.code)
            .where(TrackingRecord.tenant_id == self.tenant, TrackingRecord.subject_id.in_(list(subject_ids)))
            .order_by(TrackingRecord.at)
        )
        for subject, code in rows:
            out.setdefault(subject, []).append(code)
        return out

    def add(self, events: Sequence[TrackingEvent], at: datetime) -> list[tuple[str, TrackingEvent]]:
        """Stage events (already validated); one stored before (same subject, code, time, place) is skipped.
        Returns the new ones with their ids."""
        existing = {
            (e.subject_id, e.code, e.at, e.location) for e in self.events({e.subject_id for e in events})
        }
        added: list[tuple[str, TrackingEvent]] = []
        for e in events:
            key = (e.subject_id, e.code, e.at, e.location)
            if key in existing:
                continue
            existing.add(key)
            event_id = new_id("trk")
            self.s.add(
                TrackingRecord(
                    id=event_id,
                    tenant_id=self.tenant,
                    subject=e.subject,
                    subject_id=e.subject_id,
                    code=e.code,
                    at=e.at,
                    location=e.location,
                    source=e.source,
                    flight=e.flight,
                    detail=e.detail,
                    received_at=at,
                )
            )
            added.append((event_id, e))
        self.s.flush()
        return added


def shipments_of(
    session: Session, tenants: Collection[str] | None, cursor: str | None, limit: int
) -> Page[Shipment]:
    """The console's read model: shipments of these tenants (None: every tenant, for the park operator)."""
    query = select(Shipment)
    if tenants is not None:
        query = query.where(Shipment.tenant_id.in_(list(tenants)))
    return paginate(session, query, Shipment.id, cursor, limit)


def shipment_of(session: Session, shipment_id: str, tenants: Collection[str] | None) -> Shipment:
    query = select(Shipment).where(Shipment.id == shipment_id)
    if tenants is not None:
        query = query.where(Shipment.tenant_id.in_(list(tenants)))
    row = session.scalar(query)
    if row is None:
        raise NotFoundError("shipment", shipment_id)
    return row


def codes_by_mawb(session: Session, pairs: Collection[tuple[str, str]]) -> dict[tuple[str, str], list[str]]:
    """FSU codes per (tenant, master AWB), in time order (one query for a page of shipments)."""
    out: dict[tuple[str, str], list[str]] = {p: [] for p in pairs}
    if not pairs:
        return out
    rows = session.execute(
        select(TrackingRecord.tenant_id, TrackingRecord.subject_id, TrackingRecord.code)
        .where(
            TrackingRecord.tenant_id.in_({t for t, _m in pairs}),
            TrackingRecord.subject_id.in_({m for _t, m in pairs}),
        )
        .order_by(TrackingRecord.at)
    )
    for tenant, mawb, code in rows:
        if (tenant, mawb) in out:
            out[(tenant, mawb)].append(code)
    return out

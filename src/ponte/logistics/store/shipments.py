"""Air logistics records: AWB stock ranges and the numbers issued from them, shipments (one per master
AWB: its house waybills, its parcels and a snapshot of the plan) and tracking events.

Every row carries ``tenant_id`` and every query filters on it.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ponte.kernel.errors import NotFoundError
from ponte.kernel.ids import new_id
from ponte.logistics.awb import AwbNumber, AwbStock, StockRange, is_valid_awb
from ponte.logistics.routes import Itinerary
from ponte.logistics.tracking import (
    TrackingEvent,
    estimate_arrival,
    merge_timeline,
    timeline_view,
    webhook_body,
)
from ponte.logistics.uld import Flight
from ponte.platform.db import Base
from ponte.platform.pagination import Page, paginate
from ponte.platform.types import Amount, Encrypted, UtcDateTime


class AwbRange(Base):
    __tablename__ = "logistics_awb_ranges"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(3))
    first_serial: Mapped[int] = mapped_column(Integer)
    last_serial: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class IssuedAwb(Base):
    """A master AWB number handed out from the stock; the unique key makes reuse impossible."""

    __tablename__ = "logistics_awb_issued"
    __table_args__ = (UniqueConstraint("tenant_id", "prefix", "serial"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(3))
    serial: Mapped[int] = mapped_column(Integer)
    awb: Mapped[str] = mapped_column(String(12))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Shipment(Base):
    """The parcels of one consolidation that fly on one flight under one master AWB."""

    __tablename__ = "logistics_shipments"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    consolidation_id: Mapped[str] = mapped_column(String(40), index=True)
    mawb: Mapped[str] = mapped_column(String(12), index=True)
    hawbs: Mapped[str] = mapped_column(Text)  # JSON list
    flight: Mapped[str] = mapped_column(String(60))
    carrier: Mapped[str] = mapped_column(String(3))
    origin: Mapped[str] = mapped_column(String(3))
    destination: Mapped[str] = mapped_column(String(3))
    departs: Mapped[datetime] = mapped_column(UtcDateTime())
    arrives: Mapped[datetime] = mapped_column(UtcDateTime())
    parcels: Mapped[int] = mapped_column(Integer)
    gross_kg: Mapped[Decimal] = mapped_column(Amount())
    plan_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    @property
    def house_waybills(self) -> list[str]:
        return list(json.loads(self.hawbs))

    @property
    def plan(self) -> dict[str, Any]:
        return dict(json.loads(self.plan_json))


class ShipmentParcel(Base):
    __tablename__ = "logistics_shipment_parcels"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    shipment_id: Mapped[str] = mapped_column(ForeignKey("logistics_shipments.id"), index=True)
    parcel_ref: Mapped[str] = mapped_column(String(80), index=True)
    hawb: Mapped[str] = mapped_column(String(16))
    weight_kg: Mapped[Decimal] = mapped_column(Amount())


class TrackingRecord(Base):
    __tablename__ = "logistics_tracking_events"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    subject: Mapped[str] = mapped_column(String(8))
    subject_id: Mapped[str] = mapped_column(String(80), index=True)
    code: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    location: Mapped[str] = mapped_column(String(3))
    source: Mapped[str] = mapped_column(String(16))
    flight: Mapped[str] = mapped_column(String(60))
    detail: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())

    def event(self) -> TrackingEvent:
        return TrackingEvent(
            self.subject,
            self.subject_id,
            self.code,
            self.at,
            self.location,
            self.source,
            self.flight,
            self.detail,
        )


class WebhookSubscription(Base):
    """A seller's endpoint for tracking events: its URL, the shared secret that signs each body, and the
    FSU codes it wants (``["*"]`` for all). Deleting one keeps the row (``deleted_at``) for the outbox."""

    __tablename__ = "logistics_webhook_subscriptions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(Encrypted())
    kinds: Mapped[str] = mapped_column(Text)  # JSON list of FSU codes, or ["*"]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    @property
    def kind_list(self) -> list[str]:
        return list(json.loads(self.kinds))

    def wants(self, code: str) -> bool:
        kinds = self.kind_list
        return "*" in kinds or code in kinds


class WebhookDelivery(Base):
    """The outbox: one row per (subscription, tracking event), written in the transaction that stores the
    event; ``pending`` until delivered, ``failed`` after the last attempt, ``cancelled`` when the
    subscription is deleted first."""

    __tablename__ = "logistics_webhook_deliveries"
    __table_args__ = (Index("ix_logistics_webhook_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    subscription_id: Mapped[str] = mapped_column(
        ForeignKey("logistics_webhook_subscriptions.id", name="fk_logistics_webhook_deliveries_subscription"),
        index=True,
    )
    event_id: Mapped[str] = mapped_column(String(40))
    event_at: Mapped[datetime] = mapped_column(UtcDateTime())
    kind: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class AwbStockRepository:
    def __init__(self, session: Session, tenant_id: str) -> None:
        self.s, self.tenant = session, tenant_id

    def ranges(self) -> list[AwbRange]:
        return list(
            self.s.scalars(
                select(AwbRange)
                .where(AwbRange.tenant_id == self.tenant)
                .order_by(AwbRange.prefix, AwbRange.first_serial)
            )
        )

    def add_range(self, rng: StockRange, at: datetime) -> AwbRange:
        """Register a range; overlapping one already held is a conflict (numbers are never reused)."""
        self.stock().add_range(rng)
        row = AwbRange(
            id=new_id("awr"),
            tenant_id=self.tenant,
            prefix=rng.prefix,
            first_serial=rng.first,
            last_serial=rng.last,
            created_at=at,
        )
        self.s.add(row)
        self.s.flush()
        return row

    def stock(self) -> AwbStock:
        """The tenant's stock as the pure ``AwbStock``: its ranges and every number already issued."""
        stock = AwbStock()
        for r in self.ranges():
            stock.add_range(StockRange(r.prefix, r.first_serial, r.last_serial))
        stock.used = {
            (p, n)
            for p, n in self.s.execute(
                select(IssuedAwb.prefix, IssuedAwb.serial).where(IssuedAwb.tenant_id == self.tenant)
            )
        }
        return stock

    def record_issued(self, stock: AwbStock, before: set[tuple[str, int]], at: datetime) -> list[str]:
        """Store the numbers ``stock`` handed out since ``before``."""
        issued = []
        for prefix, serial in sorted(stock.used - before):
            awb = str(AwbNumber.issue(prefix, serial))
            self.s.add(
                IssuedAwb(
                    id=new_id("awb"),
                    tenant_id=self.tenant,
                    prefix=prefix,
                    serial=serial,
                    awb=awb,
                    issued_at=at,
                )
            )
            issued.append(awb)
        self.s.flush()
        return issued

    def remaining(self) -> dict[str, int]:
        stock = self.stock()
        return {p: stock.remaining(p) for p in sorted({r.prefix for r in stock.ranges})}


class ShipmentRepository:
    def __init__(self, session: Session, tenant_id: str) -> None:
        self.s, self.tenant = session, tenant_id

    def add(self, shipment: Shipment, parcels: Sequence[tuple[str, str, Decimal]]) -> Shipment:
        """Store a shipment with its parcels given as (parcel ref, house waybill, weight kg)."""
        shipment.tenant_id = self.tenant
        self.s.add(shipment)
        self.s.flush()
        for ref, hawb, kg in parcels:
            self.s.add(
                ShipmentParcel(
                    id=new_id("spc"),
                    tenant_id=self.tenant,
                    shipment_id=shipment.id,
                    parcel_ref=ref,
                    hawb=hawb,
                    weight_kg=kg,
                )
            )
        self.s.flush()
        return shipment

    def get(self, shipment_id: str) -> Shipment:
        row = self.s.scalar(
            select(Shipment).where(Shipment.tenant_id == self.tenant, Shipment.id == shipment_id)
        )
        if row is None:
            raise NotFoundError("shipment", shipment_id)
        return row

    def page(self, cursor: str | None, limit: int) -> Page[Shipment]:
        query = select(Shipment).where(Shipment.tenant_id == self.tenant)
        return paginate(self.s, query, Shipment.id, cursor, limit)

    def parcels(self, shipment_id: str) -> list[ShipmentParcel]:
        return list(
            self.s.scalars(
                select(ShipmentParcel)
                .where(ShipmentParcel.tenant_id == self.tenant, ShipmentParcel.shipment_id == shipment_id)
                .order_by(ShipmentParcel.parcel_ref)
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

    def by_parcel(self, parcel_ref: str) -> list[Shipment]:
        return list(
            self.s.scalars(
                select(Shipment)
                .join(ShipmentParcel, ShipmentParcel.shipment_id == Shipment.id)
                .where(
                    Shipment.tenant_id == self.tenant,
                    ShipmentParcel.tenant_id == self.tenant,
                    ShipmentParcel.parcel_ref == parcel_ref,
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

    def add(self, events: Sequence[TrackingEvent], at: datetime) -> int:
        """Store events (already validated); an event stored before (same subject, code, time, place) is
        skipped. Returns how many were new."""
        existing = {
            (e.subject_id, e.code, e.at, e.location) for e in self.events({e.subject_id for e in events})
        }
        added = 0
        subscriptions = self._subscriptions()
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
            body = webhook_body(e).decode()
            for sub in subscriptions:
                if sub.wants(e.code):
                    self.s.add(
                        WebhookDelivery(
                            id=new_id("whd"),
                            tenant_id=self.tenant,
                            subscription_id=sub.id,
                            event_id=event_id,
                            event_at=e.at,
                            kind=e.code,
                            body=body,
                            status="pending",
                            attempts=0,
                            next_attempt_at=at,
                            last_error="",
                            created_at=at,
                        )
                    )
            added += 1
        self.s.flush()
        return added

    def _subscriptions(self) -> list[WebhookSubscription]:
        """Live webhook subscriptions: each new event goes into their outbox in this same transaction."""
        return list(
            self.s.scalars(
                select(WebhookSubscription)
                .where(WebhookSubscription.tenant_id == self.tenant, WebhookSubscription.deleted_at.is_(None))
                .order_by(WebhookSubscription.id)
            )
        )


def _itinerary(shipment: Shipment) -> Itinerary:
    leg = Flight(
        shipment.flight.split("/")[0],
        shipment.carrier,
        shipment.origin,
        shipment.destination,
        shipment.departs,
        shipment.arrives,
        shipment.departs,
        False,
        Decimal(1),
    )
    return Itinerary((leg,))


def timeline(session: Session, tenant_id: str, ref: str, now: datetime) -> dict[str, Any]:
    """The merged timeline of an AWB or a parcel (or a bag or ULD id): its own events, those of the master
    AWBs it flies under, carrier and customs sources together; with the ETA and the late flag of the last
    shipment it belongs to. Nothing known under ``ref`` is a not-found error."""
    ships, events = ShipmentRepository(session, tenant_id), TrackingRepository(session, tenant_id)
    kind = "parcel"
    if is_valid_awb(ref):
        kind, ref = "awb", str(AwbNumber.parse(ref))
        shipments = ships.by_mawb(ref)
        subjects = [ref]
    else:
        shipments = ships.by_parcel(ref)
        subjects = [ref, *sorted({s.mawb for s in shipments})]
    merged = merge_timeline(events.events(subjects))
    if not shipments and not merged:
        raise NotFoundError("tracking", ref)
    if not shipments:
        kind = merged[0].subject
    out = timeline_view(ref, kind, merged)
    out["shipments"] = [{"id": s.id, "mawb": s.mawb, "flight": s.flight} for s in shipments]
    if shipments:
        last = max(shipments, key=lambda s: s.departs)
        eta = estimate_arrival(_itinerary(last), merged, now)
        out.update(
            eta=eta.eta.isoformat(),
            delay_minutes=int(eta.delay.total_seconds() // 60),
            late=eta.late,
            delivered=eta.delivered,
            reasons=list(eta.reasons),
        )
    return out

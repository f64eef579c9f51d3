"""Air logistics tables: AWB stock and issued numbers, parcels (one per order, or a forwarder's own), master
waybills (one shipment per flight lot) with their house waybills and parcels, tracking events.

Every row carries ``tenant_id`` and every query filters on it.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ponte.logistics.tracking import TrackingEvent
from ponte.platform.db import Base
from ponte.platform.types import Amount, UtcDateTime


class AwbRange(Base):
    __tablename__ = "logistics_awb_ranges"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(3))
    first_serial: Mapped[int] = mapped_column(Integer)
    last_serial: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AwbPrefix(Base):
    """One row per airline prefix with registered stock: registering a range locks it, so two forwarders
    registering overlapping ranges at once are serialised and the second is refused."""

    __tablename__ = "logistics_awb_prefixes"

    prefix: Mapped[str] = mapped_column(String(3), primary_key=True)


class IssuedAwb(Base):
    """A master AWB number handed out from the stock; the unique key makes reuse impossible."""

    __tablename__ = "logistics_awb_issued"
    __table_args__ = (
        UniqueConstraint("tenant_id", "prefix", "serial"),
        # an AWB number is the airline's: never issued by two forwarders
        Index("ix_logistics_awb_issued_number", "prefix", "serial", unique=True),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(3))
    serial: Mapped[int] = mapped_column(Integer)
    awb: Mapped[str] = mapped_column(String(12))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ParcelRecord(Base):
    """A packed parcel: one per order (``order_id``), or a forwarder's own parcel (no order). ``ref`` is the
    reference tracking events and people use; ``status`` is packed → booked (on a shipment) or handed-over (to
    a last-mile carrier). Box sides are empty only for parcels recorded before parcels were stored."""

    __tablename__ = "logistics_parcels"
    __table_args__ = (UniqueConstraint("tenant_id", "ref"), UniqueConstraint("order_id"))

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    order_id: Mapped[str | None] = mapped_column(ForeignKey("orders.id"), nullable=True)
    ref: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16))
    gross_kg: Mapped[Decimal] = mapped_column(Amount())
    net_kg: Mapped[Decimal] = mapped_column(Amount())
    length_cm: Mapped[Decimal | None] = mapped_column(Amount(), nullable=True)
    width_cm: Mapped[Decimal | None] = mapped_column(Amount(), nullable=True)
    height_cm: Mapped[Decimal | None] = mapped_column(Amount(), nullable=True)
    handling_class: Mapped[str] = mapped_column(String(8))
    shc: Mapped[str] = mapped_column(Text)  # JSON list of special-handling codes
    dangerous_goods: Mapped[str] = mapped_column(Text)
    cargo_aircraft_only: Mapped[bool] = mapped_column(Boolean)
    perishable: Mapped[bool] = mapped_column(Boolean)
    dry_ice_kg: Mapped[Decimal] = mapped_column(Amount())
    origin: Mapped[str] = mapped_column(String(3))
    destination: Mapped[str] = mapped_column(String(3))
    ready_at: Mapped[datetime] = mapped_column(UtcDateTime())
    shipper: Mapped[str] = mapped_column(String(200))
    goods: Mapped[str] = mapped_column(Text)
    hs_codes: Mapped[str] = mapped_column(Text)  # JSON list
    shipment_id: Mapped[str | None] = mapped_column(
        ForeignKey("logistics_shipments.id"), nullable=True, index=True
    )
    house: Mapped[str | None] = mapped_column(String(40), nullable=True)
    carrier: Mapped[str | None] = mapped_column(String(20), nullable=True)  # last-mile carrier on hand-over
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    @property
    def shc_list(self) -> list[str]:
        return list(json.loads(self.shc or "[]"))


class Shipment(Base):
    """The parcels of one flight lot under one master AWB."""

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
    # booked → offloaded (its capacity released on every leg, its parcels packed again); a compare-and-set
    status: Mapped[str] = mapped_column(String(16), default="booked", server_default="booked")

    @property
    def house_waybills(self) -> list[str]:
        return list(json.loads(self.hawbs))

    @property
    def plan(self) -> dict[str, Any]:
        return dict(json.loads(self.plan_json))


class HouseWaybill(Base):
    """A house waybill: one shipper's parcels inside a master waybill's lot."""

    __tablename__ = "logistics_house_waybills"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    shipment_id: Mapped[str] = mapped_column(ForeignKey("logistics_shipments.id"), index=True)
    number: Mapped[str] = mapped_column(String(16))
    shipper: Mapped[str] = mapped_column(String(200))
    pieces: Mapped[int] = mapped_column(Integer)
    gross_kg: Mapped[Decimal] = mapped_column(Amount())


class ShipmentParcel(Base):
    """A parcel on a shipment: its house waybill, bag and ULD (``parcel_id`` is the parcel's row)."""

    __tablename__ = "logistics_shipment_parcels"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    shipment_id: Mapped[str] = mapped_column(ForeignKey("logistics_shipments.id"), index=True)
    parcel_id: Mapped[str] = mapped_column(ForeignKey("logistics_parcels.id"), index=True)
    hawb: Mapped[str] = mapped_column(String(16))
    bag: Mapped[str | None] = mapped_column(String(16), nullable=True)
    uld: Mapped[str | None] = mapped_column(String(16), nullable=True)
    uld_type: Mapped[str | None] = mapped_column(String(8), nullable=True)
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


class LegLedger(Base):
    """The booking ledger: a forwarder's capacity on one flight leg, one row per resource (a ULD type's
    positions, or ``*payload`` in grams), what it was offered and what is booked."""

    __tablename__ = "logistics_leg_ledger"
    __table_args__ = (UniqueConstraint("tenant_id", "leg", "resource"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    leg: Mapped[str] = mapped_column(String(60))
    resource: Mapped[str] = mapped_column(String(12))
    offered: Mapped[int] = mapped_column(BigInteger)
    booked: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

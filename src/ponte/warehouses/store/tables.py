"""The warehouses' tables: warehouses, locations, lots, the movement ledger, the level cache, reservations and
inbound legs. Every row carries its tenant; every query filters on it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ponte.platform.db import Base
from ponte.platform.types import UtcDateTime


class Warehouse(Base):
    """A warehouse of a tenant or of the service provider operating it."""

    __tablename__ = "wh_warehouses"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    operator: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    address: Mapped[dict[str, str]] = mapped_column(JSON)  # a business address, not personal data
    time_zone: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    bonded: Mapped[bool] = mapped_column(Boolean)
    trade_mode: Mapped[str] = mapped_column(String(4))
    cut_off_local: Mapped[str | None] = mapped_column(String(5), nullable=True)  # HH:MM, local time
    handling_days: Mapped[int] = mapped_column(Integer)
    temperature_zones: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Location(Base):
    """A bin, shelf or cold room of a warehouse."""

    __tablename__ = "wh_locations"
    __table_args__ = (UniqueConstraint("warehouse_id", "code"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    warehouse_id: Mapped[str] = mapped_column(ForeignKey("wh_warehouses.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    zone: Mapped[str] = mapped_column(String(12))


class Lot(Base):
    """A lot of one SKU in one location, with its expiry date when perishable."""

    __tablename__ = "wh_lots"
    __table_args__ = (
        UniqueConstraint("warehouse_id", "sku", "lot_code"),
        Index("ix_wh_lots_warehouse_sku", "warehouse_id", "sku"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    warehouse_id: Mapped[str] = mapped_column(ForeignKey("wh_warehouses.id"))
    location_id: Mapped[str] = mapped_column(ForeignKey("wh_locations.id"))
    sku: Mapped[str] = mapped_column(String(64))
    lot_code: Mapped[str] = mapped_column(String(64))
    expires_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Level(Base):
    """A cache of a lot's levels, written in the same transaction as each movement (``reconcile`` proves it
    equals the ledger). The checks make a negative level impossible whatever the caller does."""

    __tablename__ = "wh_levels"
    __table_args__ = (
        CheckConstraint("available >= 0", name="available_not_negative"),
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("picked >= 0", name="picked_not_negative"),
        CheckConstraint("packed >= 0", name="packed_not_negative"),
    )

    lot_id: Mapped[str] = mapped_column(ForeignKey("wh_lots.id"), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    available: Mapped[int] = mapped_column(Integer)
    reserved: Mapped[int] = mapped_column(Integer)
    picked: Mapped[int] = mapped_column(Integer)
    packed: Mapped[int] = mapped_column(Integer)


class Movement(Base):
    """One row of the ledger: ``quantity`` of a lot moved from one bucket to another, and why."""

    __tablename__ = "wh_movements"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_wh_movements_lot", "lot_id"),
        Index("ix_wh_movements_warehouse_at", "warehouse_id", "at"),
        Index("ix_wh_movements_reservation", "reservation_id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    warehouse_id: Mapped[str] = mapped_column(ForeignKey("wh_warehouses.id"))
    lot_id: Mapped[str] = mapped_column(ForeignKey("wh_lots.id"))
    sku: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(12))
    target: Mapped[str] = mapped_column(String(12))
    quantity: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    order_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    reservation_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    inbound_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    transfer_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class Reservation(Base):
    """Stock held for one order in one warehouse: reserved → picked → packed → shipped (or released)."""

    __tablename__ = "wh_reservations"
    __table_args__ = (UniqueConstraint("tenant_id", "warehouse_id", "order_id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    warehouse_id: Mapped[str] = mapped_column(ForeignKey("wh_warehouses.id"), index=True)
    order_id: Mapped[str] = mapped_column(String(40))
    lines: Mapped[list[dict[str, object]]] = mapped_column(JSON)  # [{sku, quantity}] as asked
    status: Mapped[str] = mapped_column(String(12))
    version: Mapped[int] = mapped_column(Integer)
    carrier: Mapped[str | None] = mapped_column(String(64), nullable=True)
    tracking_number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Inbound(Base):
    """A first leg into a warehouse (air or sea) announced by an advance shipping notice, with the references
    of its customs declaration and transport documents."""

    __tablename__ = "wh_inbound"
    __table_args__ = (UniqueConstraint("tenant_id", "asn_number"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    warehouse_id: Mapped[str] = mapped_column(ForeignKey("wh_warehouses.id"), index=True)
    asn_number: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(4))  # air | sea
    origin_country: Mapped[str] = mapped_column(String(2))
    trade_mode: Mapped[str] = mapped_column(String(4))
    declaration_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    awb: Mapped[str | None] = mapped_column(String(20), nullable=True)
    bill_of_lading: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lines: Mapped[list[dict[str, object]]] = mapped_column(JSON)  # [{sku, quantity, lot_code, expires_on}]
    status: Mapped[str] = mapped_column(String(12))  # announced | received
    version: Mapped[int] = mapped_column(Integer)
    departed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    expected_at: Mapped[datetime] = mapped_column(UtcDateTime())
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    discrepancies: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

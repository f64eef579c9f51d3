"""Live selling: streamers, sessions, flash-sale offers, stock buckets, buyer counters, reservations.

Stock of an offer is split over `buckets` rows so that concurrent buyers of one
hot SKU lock different rows. The reservations table is the ledger: for every
offer, the units in its buckets plus the units held or paid in reservations
always equal its quantity cap, and each buyer's counter equals the units that
buyer holds or has paid (see `ponte.live.store.stock_sql.reconcile`).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ponte.platform.db import Base
from ponte.platform.types import Amount, UtcDateTime


class Streamer(Base):
    __tablename__ = "live_streamers"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    languages: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LiveSession(Base):
    __tablename__ = "live_sessions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    streamer_id: Mapped[str] = mapped_column(ForeignKey("live_streamers.id"))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(12))  # scheduled | live | ended
    # [{"booth_id": ..., "at": iso}, ...] in visiting order
    route: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    pinned_offer_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Offer(Base):
    __tablename__ = "live_offers"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("live_sessions.id"), index=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    sku: Mapped[str] = mapped_column(String(64))
    price: Mapped[Decimal] = mapped_column(Amount())
    currency: Mapped[str] = mapped_column(String(3))
    quantity_cap: Mapped[int] = mapped_column(Integer)
    per_buyer_limit: Mapped[int] = mapped_column(Integer)
    opens_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closes_at: Mapped[datetime] = mapped_column(UtcDateTime())
    hold_seconds: Mapped[int] = mapped_column(Integer)
    buckets: Mapped[int] = mapped_column(Integer)
    closed_early: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class StockBucket(Base):
    __tablename__ = "live_stock_buckets"
    __table_args__ = (CheckConstraint("available >= 0", name="available_not_negative"),)

    offer_id: Mapped[str] = mapped_column(ForeignKey("live_offers.id"), primary_key=True)
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    available: Mapped[int] = mapped_column(Integer)


class BuyerCount(Base):
    __tablename__ = "live_buyer_counts"
    __table_args__ = (CheckConstraint("bought >= 0", name="bought_not_negative"),)

    offer_id: Mapped[str] = mapped_column(ForeignKey("live_offers.id"), primary_key=True)
    buyer_ref: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    bought: Mapped[int] = mapped_column(Integer)


class Reservation(Base):
    """Units of an offer held for a buyer until `expires_at` (held), then paid, expired or cancelled."""

    __tablename__ = "live_reservations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "idempotency_key"),
        Index("ix_live_reservations_due", "status", "expires_at"),
        Index("ix_live_reservations_offer", "offer_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    offer_id: Mapped[str] = mapped_column(ForeignKey("live_offers.id"))
    session_id: Mapped[str] = mapped_column(String(40))
    buyer_ref: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)
    bucket: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))  # held | paid | expired | cancelled
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    order_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())

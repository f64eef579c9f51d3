"""Booths, products, buyers and orders: the records every capability reads."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ponte.store.crypto import cipher
from ponte.store.db import Base
from ponte.store.types import Amount, Encrypted, UtcDateTime


class Booth(Base):
    """A seller's stand in the park."""

    __tablename__ = "booths"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    hall: Mapped[str] = mapped_column(String(20))
    categories: Mapped[list[str]] = mapped_column(JSON)


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("tenant_id", "sku"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    # {"zh-CN": ..., "en": ..., "pt-BR": ..., "es": ...}
    titles: Mapped[dict[str, str]] = mapped_column(JSON)
    category: Mapped[str] = mapped_column(String(40))
    direction: Mapped[str] = mapped_column(String(10))  # export | import
    hs_code: Mapped[str] = mapped_column(String(12))
    origin_country: Mapped[str] = mapped_column(String(2))
    weight_kg: Mapped[Decimal] = mapped_column(Amount())
    length_cm: Mapped[Decimal] = mapped_column(Amount())
    width_cm: Mapped[Decimal] = mapped_column(Amount())
    height_cm: Mapped[Decimal] = mapped_column(Amount())
    price: Mapped[Decimal] = mapped_column(Amount())
    currency: Mapped[str] = mapped_column(String(3))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Buyer(Base):
    """A buyer; everything that identifies a person is encrypted at rest."""

    __tablename__ = "buyers"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    country: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(12), default="individual")  # individual | business
    name: Mapped[str] = mapped_column(Encrypted())
    tax_id_kind: Mapped[str] = mapped_column(String(20))
    tax_id: Mapped[str] = mapped_column(Encrypted())
    # keyed hash of the tax ID: find a returning buyer without decrypting every row
    tax_id_index: Mapped[str] = mapped_column(String(64), index=True)
    phone: Mapped[str | None] = mapped_column(Encrypted(), nullable=True)
    email: Mapped[str | None] = mapped_column(Encrypted(), nullable=True)
    address: Mapped[str] = mapped_column(Encrypted())  # JSON document, encrypted whole
    region: Mapped[str | None] = mapped_column(String(10), nullable=True)  # ISO 3166-2, not personal
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    @staticmethod
    def index_for(country: str, tax_id: str) -> str:
        """The blind index of a (country, compact tax ID): how a returning buyer is found."""
        return cipher().blind_index(f"{country.upper()}:{tax_id}")


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("tenant_id", "external_ref"),
        Index("ix_orders_tenant_placed", "tenant_id", "placed_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    external_ref: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(10))  # web | csv | api | live
    direction: Mapped[str] = mapped_column(String(10))  # export | import
    trade_mode: Mapped[str] = mapped_column(String(4))  # 9610 | 9710 | 9810 | 1210
    buyer_id: Mapped[str] = mapped_column(ForeignKey("buyers.id"), index=True)
    destination: Mapped[str] = mapped_column(String(2))
    destination_region: Mapped[str | None] = mapped_column(String(10), nullable=True)
    currency: Mapped[str] = mapped_column(String(3))
    goods_value: Mapped[Decimal] = mapped_column(Amount())
    freight: Mapped[Decimal] = mapped_column(Amount())
    insurance: Mapped[Decimal] = mapped_column(Amount())
    discount: Mapped[Decimal] = mapped_column(Amount())
    status: Mapped[str] = mapped_column(String(12))
    live_session_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    placed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.line_no", cascade="all, delete-orphan"
    )


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (UniqueConstraint("order_id", "line_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    line_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[str | None] = mapped_column(ForeignKey("products.id"), nullable=True)
    sku: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(300))
    hs_code: Mapped[str] = mapped_column(String(12))
    origin_country: Mapped[str] = mapped_column(String(2))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Amount())
    weight_kg: Mapped[Decimal] = mapped_column(Amount())

    order: Mapped[Order] = relationship(back_populates="lines")


class OrderEvent(Base):
    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")

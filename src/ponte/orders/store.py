"""Buyers, orders, their lines and events: tables and repositories (every query filters on the tenant)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, Select, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from ponte.kernel.errors import NotFoundError
from ponte.platform.crypto import cipher
from ponte.platform.db import Base, TenantScoped
from ponte.platform.pagination import Page, paginate
from ponte.platform.types import Amount, Encrypted, UtcDateTime


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


class BuyerRepository(TenantScoped):
    def get(self, buyer_id: str) -> Buyer:
        row = self.session.scalar(
            select(Buyer).where(Buyer.id == buyer_id, Buyer.tenant_id == self.tenant_id)
        )
        if row is None:
            raise NotFoundError("buyer", buyer_id)
        return row

    def by_tax_id_index(self, index: str) -> Buyer | None:
        return self.session.scalar(
            select(Buyer).where(Buyer.tenant_id == self.tenant_id, Buyer.tax_id_index == index)
        )

    def add(self, buyer: Buyer) -> Buyer:
        buyer.tenant_id = self.tenant_id
        self.session.add(buyer)
        self.session.flush()
        return buyer


class OrderRepository(TenantScoped):
    def _query(self) -> Select[Order]:
        return select(Order).where(Order.tenant_id == self.tenant_id).options(selectinload(Order.lines))

    def get(self, order_id: str) -> Order:
        row = self.session.scalar(self._query().where(Order.id == order_id))
        if row is None:
            raise NotFoundError("order", order_id)
        return row

    def by_external_ref(self, ref: str) -> Order | None:
        return self.session.scalar(self._query().where(Order.external_ref == ref))

    def add(self, order: Order) -> Order:
        order.tenant_id = self.tenant_id
        for line in order.lines:
            line.tenant_id = self.tenant_id
        self.session.add(order)
        self.session.flush()
        return order

    def page(
        self, cursor: str | None, limit: int, status: str | None = None, destination: str | None = None
    ) -> Page[Order]:
        query = self._query()
        if status:
            query = query.where(Order.status == status)
        if destination:
            query = query.where(Order.destination == destination)
        return paginate(self.session, query, Order.id, cursor, limit)

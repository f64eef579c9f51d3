"""Buyers, orders, their lines and events: tables and repositories (every query filters on the tenant)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    Text,
    UniqueConstraint,
    and_,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, selectinload

from ponte.catalog.core import Product
from ponte.kernel.errors import NotFoundError, ValidationError
from ponte.orders import core
from ponte.platform.crypto import cipher
from ponte.platform.db import Base, TenantScoped
from ponte.platform.pagination import Page, decode_cursor, encode_cursor, paginate
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

    def record(self) -> core.Buyer:
        return self.as_given(self.address, self.phone, self.email)

    def as_given(self, address_json: str, phone: str | None, email: str | None) -> core.Buyer:
        """The buyer with the delivery address and contact given with one order."""
        address = json.loads(address_json)
        return core.Buyer(
            id=self.id,
            kind=self.kind,
            name=self.name,
            tax_id_kind=self.tax_id_kind,
            tax_id=self.tax_id,
            address=core.Address(
                line1=address.get("line1", ""),
                line2=address.get("line2"),
                city=address.get("city", ""),
                region=address.get("region"),
                postal_code=address.get("postal_code", ""),
                country=address.get("country", self.country),
            ),
            phone=phone,
            email=email,
        )

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
    # the buyer's payment, as the payment company reports it
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    payment_ref: Mapped[str | None] = mapped_column(String(60), nullable=True)
    paid_amount: Mapped[Decimal | None] = mapped_column(Amount(), nullable=True)
    payment_company: Mapped[str | None] = mapped_column(String(18), nullable=True)
    # where this order goes and whom the carrier calls: a returning buyer may give another address
    ship_address: Mapped[str] = mapped_column(Encrypted())  # JSON document, encrypted whole
    ship_phone: Mapped[str | None] = mapped_column(Encrypted(), nullable=True)
    ship_email: Mapped[str | None] = mapped_column(Encrypted(), nullable=True)

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.line_no", cascade="all, delete-orphan"
    )

    def buyer_as_given(self, buyer: Buyer) -> core.Buyer:
        """The order's buyer: identity from the buyer, delivery address and contact from this order."""
        return buyer.as_given(self.ship_address, self.ship_phone, self.ship_email)

    def record(self, buyer: Buyer, seller: core.Seller, products: dict[str, Product]) -> core.Order:
        """The order as every capability reads it; ``products`` by id, as the catalogue has them."""
        payment = None
        if self.paid_at is not None and self.payment_ref:
            payment = core.Payment(
                transaction_id=self.payment_ref,
                paid_at=self.paid_at,
                amount=self.paid_amount if self.paid_amount is not None else Decimal(0),
                currency=self.currency,
                company_code=self.payment_company or "",
            )
        lines = []
        for ln in self.lines:
            if ln.product_id is None or ln.product_id not in products:
                raise NotFoundError("product", ln.product_id or ln.sku)
            lines.append(
                core.Line(
                    line_no=ln.line_no,
                    sku=ln.sku,
                    description=ln.description,
                    quantity=ln.quantity,
                    unit_price=ln.unit_price,
                    hs_code=ln.hs_code,
                    origin_country=ln.origin_country,
                    product=products[ln.product_id],
                )
            )
        return core.Order(
            id=self.id,
            tenant_id=self.tenant_id,
            external_ref=self.external_ref,
            channel=self.channel,
            direction=self.direction,
            trade_mode=self.trade_mode,
            destination=self.destination,
            destination_region=self.destination_region,
            currency=self.currency,
            freight=self.freight,
            insurance=self.insurance,
            discount=self.discount,
            placed_at=self.placed_at,
            status=self.status,
            buyer=self.buyer_as_given(buyer),
            seller=seller,
            lines=tuple(lines),
            payment=payment,
            live_session_id=self.live_session_id,
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

    def many(self, buyer_ids: Sequence[str]) -> dict[str, Buyer]:
        rows = self.session.scalars(
            select(Buyer).where(Buyer.tenant_id == self.tenant_id, Buyer.id.in_(list(buyer_ids)))
        )
        return {r.id: r for r in rows}

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

    def many(self, order_ids: Sequence[str]) -> list[Order]:
        """The orders of these ids that belong to the tenant, in the order asked."""
        rows = {r.id: r for r in self.session.scalars(self._query().where(Order.id.in_(list(order_ids))))}
        return [rows[i] for i in order_ids if i in rows]

    def compare_and_set(self, order_id: str, expected: str, to: str) -> bool:
        """Move the order from ``expected`` to ``to`` only if nobody moved it meanwhile (one winner)."""
        done = self.session.execute(
            update(Order)
            .where(Order.id == order_id, Order.tenant_id == self.tenant_id, Order.status == expected)
            .values(status=to)
            .execution_options(synchronize_session=False)
        )
        return done.rowcount == 1  # type: ignore[attr-defined]

    def add_event(self, order_id: str, kind: str, at: datetime, detail: str = "") -> OrderEvent:
        event = OrderEvent(
            order_id=order_id, tenant_id=self.tenant_id, at=at, kind=kind, detail=detail[:2000]
        )
        self.session.add(event)
        return event

    def events(self, order_id: str) -> list[OrderEvent]:
        return list(
            self.session.scalars(
                select(OrderEvent)
                .where(OrderEvent.order_id == order_id, OrderEvent.tenant_id == self.tenant_id)
                .order_by(OrderEvent.id)
            )
        )

    def ids(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        status: str | None = None,
        after: str | None = None,
        limit: int = 1000,
    ) -> list[str]:
        """Order ids in id (time) order, after ``after``: the pages of an export."""
        query = select(Order.id).where(Order.tenant_id == self.tenant_id)
        if since is not None:
            query = query.where(Order.placed_at >= since)
        if until is not None:
            query = query.where(Order.placed_at < until)
        if status:
            query = query.where(Order.status == status)
        if after:
            query = query.where(Order.id > after)
        return list(self.session.scalars(query.order_by(Order.id).limit(limit)))

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


class OrderSearch:
    """Orders newest first (placed time, then id), one tenant's or, for the park operator, every
    tenant's (``tenant_id`` None); keyset pages on (placed_at, id)."""

    def __init__(self, session: Session, tenant_id: str | None) -> None:
        self.session = session
        self.tenant_id = tenant_id

    def _where(self, query: Any, text: str | None, status: str | None, destination: str | None) -> Any:
        if self.tenant_id is not None:
            query = query.where(Order.tenant_id == self.tenant_id)
        if destination:
            query = query.where(Order.destination == destination)
        if text:
            like = f"%{text.strip().lower()}%"
            query = query.where(
                or_(
                    func.lower(Order.external_ref).like(like),
                    Order.id == text.strip(),
                    Order.payment_ref == text.strip(),
                )
            )
        if status:
            query = query.where(Order.status == status)
        return query

    def page(
        self, cursor: str | None, limit: int, text: str | None, status: str | None, destination: str | None
    ) -> Page[Order]:
        if not 1 <= limit <= 500:
            raise ValidationError("limit must be between 1 and 500", field="limit", rule="range 1..500")
        query = self._where(select(Order), text, status, destination)
        after = decode_cursor(cursor)
        if after is not None:
            at_text, _, last_id = after.partition("|")
            try:
                at = datetime.fromisoformat(at_text)
            except ValueError as exc:
                raise ValidationError(
                    "cursor is not one Ponte gave out", field="cursor", rule="cursor"
                ) from exc
            query = query.where(or_(Order.placed_at < at, and_(Order.placed_at == at, Order.id < last_id)))
        rows = list(
            self.session.scalars(query.order_by(Order.placed_at.desc(), Order.id.desc()).limit(limit + 1))
        )
        more = len(rows) > limit
        rows = rows[:limit]
        last = rows[-1] if rows else None
        return Page(rows, encode_cursor(f"{last.placed_at.isoformat()}|{last.id}") if more and last else None)

    def counts(self, text: str | None, destination: str | None) -> dict[str, int]:
        """Orders per status (the tabs), under the same search."""
        query = self._where(select(Order.status, func.count()), text, None, destination).group_by(
            Order.status
        )
        return {str(s): int(n) for s, n in self.session.execute(query)}

    def get(self, order_id: str) -> Order:
        query = select(Order).where(Order.id == order_id)
        if self.tenant_id is not None:
            query = query.where(Order.tenant_id == self.tenant_id)
        row = self.session.scalar(query)
        if row is None:
            raise NotFoundError("order", order_id)
        return row

"""Booths and products: tables and repositories (every query filters on the tenant)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column

from ponte.kernel.errors import ConflictError, NotFoundError
from ponte.platform.db import Base, TenantScoped
from ponte.platform.pagination import Page, paginate
from ponte.platform.types import Amount, UtcDateTime


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


class ProductRepository(TenantScoped):
    def get(self, product_id: str) -> Product:
        row = self.session.scalar(
            select(Product).where(Product.id == product_id, Product.tenant_id == self.tenant_id)
        )
        if row is None:
            raise NotFoundError("product", product_id)
        return row

    def by_sku(self, sku: str) -> Product | None:
        return self.session.scalar(
            select(Product).where(Product.sku == sku, Product.tenant_id == self.tenant_id)
        )

    def by_skus(self, skus: Sequence[str]) -> dict[str, Product]:
        rows = self.session.scalars(
            select(Product).where(Product.tenant_id == self.tenant_id, Product.sku.in_(list(skus)))
        )
        return {row.sku: row for row in rows}

    def add(self, product: Product) -> Product:
        product.tenant_id = self.tenant_id
        if self.by_sku(product.sku) is not None:
            raise ConflictError(f"SKU {product.sku!r} exists", field="sku", rule="unique-per-seller")
        self.session.add(product)
        self.session.flush()
        return product

    def page(self, cursor: str | None, limit: int, category: str | None = None) -> Page[Product]:
        query = select(Product).where(Product.tenant_id == self.tenant_id)
        if category:
            query = query.where(Product.category == category)
        return paginate(self.session, query, Product.id, cursor, limit)

    def count(self) -> int:
        return int(
            self.session.scalar(
                select(func.count()).select_from(Product).where(Product.tenant_id == self.tenant_id)
            )
            or 0
        )


class BoothRepository(TenantScoped):
    def list(self) -> list[Booth]:
        return list(
            self.session.scalars(select(Booth).where(Booth.tenant_id == self.tenant_id).order_by(Booth.code))
        )

"""Booths and products: tables and repositories (every query filters on the tenant)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Select, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column

from ponte.catalog import core
from ponte.kernel.errors import ConflictError, NotFoundError
from ponte.kernel.measures import Box, Weight
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
    # China customs: the 10-digit commodity code, goods name, declaration elements and legal units
    cn_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    cn_name: Mapped[str | None] = mapped_column(String(250), nullable=True)
    cn_elements: Mapped[str | None] = mapped_column(String(510), nullable=True)
    cn_unit: Mapped[str | None] = mapped_column(String(3), nullable=True)
    cn_unit1: Mapped[str | None] = mapped_column(String(3), nullable=True)
    cn_qty1: Mapped[Decimal | None] = mapped_column(Amount(), nullable=True)
    cn_unit2: Mapped[str | None] = mapped_column(String(3), nullable=True)
    cn_qty2: Mapped[Decimal | None] = mapped_column(Amount(), nullable=True)
    cn_record_no: Mapped[str | None] = mapped_column(String(40), nullable=True)
    barcode: Mapped[str | None] = mapped_column(String(50), nullable=True)
    # what the goods need in the air
    battery: Mapped[str | None] = mapped_column(String(16), nullable=True)
    battery_packing: Mapped[str | None] = mapped_column(String(16), nullable=True)
    battery_wh: Mapped[Decimal | None] = mapped_column(Amount(), nullable=True)
    lithium_g: Mapped[Decimal | None] = mapped_column(Amount(), nullable=True)
    dry_ice_kg: Mapped[Decimal | None] = mapped_column(Amount(), nullable=True)
    perishable: Mapped[bool] = mapped_column(Boolean, default=False)
    temperature: Mapped[str] = mapped_column(String(10), default="ambient")
    # destination tariff lines the seller knows: {"BR": "85183000", "MX": "85183001"}
    tariff_codes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    def record(self) -> core.Product:
        """The product as the other capabilities read it."""
        china = None
        if self.cn_code:
            china = core.ChinaCustoms(
                code=self.cn_code,
                name=self.cn_name or "",
                elements=self.cn_elements or "",
                unit=self.cn_unit or "",
                first=core.LegalQuantity(self.cn_unit1 or "", self.cn_qty1 or Decimal(0)),
                second=core.LegalQuantity(self.cn_unit2, self.cn_qty2 or Decimal(0))
                if self.cn_unit2
                else None,
                record_no=self.cn_record_no,
                barcode=self.barcode,
            )
        return core.Product(
            id=self.id,
            tenant_id=self.tenant_id,
            sku=self.sku,
            titles=dict(self.titles),
            category=self.category,
            direction=self.direction,
            hs_code=self.hs_code,
            origin_country=self.origin_country,
            weight=Weight(self.weight_kg),
            box=Box(self.length_cm, self.width_cm, self.height_cm),
            price=self.price,
            currency=self.currency,
            china=china,
            handling=core.Handling(
                battery=self.battery,  # type: ignore[arg-type]
                battery_packing=self.battery_packing,  # type: ignore[arg-type]
                battery_wh=self.battery_wh,
                lithium_g=self.lithium_g,
                dry_ice_kg=self.dry_ice_kg,
                perishable=bool(self.perishable),
                temperature=self.temperature or "ambient",  # type: ignore[arg-type]
            ),
            tariff_codes=dict(self.tariff_codes or {}),
        )

    def apply(self, product: core.Product) -> None:
        """Write a record's customs and handling data onto the row."""
        c, h = product.china, product.handling
        self.cn_code = c.code if c else None
        self.cn_name = c.name if c else None
        self.cn_elements = c.elements if c else None
        self.cn_unit = c.unit if c else None
        self.cn_unit1 = c.first.unit if c else None
        self.cn_qty1 = c.first.per_unit if c else None
        self.cn_unit2 = c.second.unit if c and c.second else None
        self.cn_qty2 = c.second.per_unit if c and c.second else None
        self.cn_record_no = c.record_no if c else None
        self.barcode = c.barcode if c else None
        self.battery, self.battery_packing = h.battery, h.battery_packing
        self.battery_wh, self.lithium_g, self.dry_ice_kg = h.battery_wh, h.lithium_g, h.dry_ice_kg
        self.perishable, self.temperature = h.perishable, h.temperature
        self.tariff_codes = dict(product.tariff_codes)


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

    def by_ids(self, product_ids: Sequence[str]) -> list[Product]:
        return list(
            self.session.scalars(
                select(Product).where(Product.tenant_id == self.tenant_id, Product.id.in_(list(product_ids)))
            )
        )

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


def product_query(tenant_id: str | None, category: str | None = None) -> Select[Product]:
    """Products of one tenant, or of every tenant (``None``: the park operator's view)."""
    query = select(Product)
    if tenant_id is not None:
        query = query.where(Product.tenant_id == tenant_id)
    if category:
        query = query.where(Product.category == category)
    return query


def category_query(tenant_id: str | None) -> Select[str]:
    query = select(Product.category).distinct().order_by(Product.category)
    return query if tenant_id is None else query.where(Product.tenant_id == tenant_id)

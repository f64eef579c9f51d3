"""The catalogue's use cases that other capabilities call: products by SKU or id, as rows to order from
or as records to read."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from ponte.catalog import core, csv_io
from ponte.catalog.editing import ProductDraft, problems
from ponte.catalog.store import (
    Booth,
    BoothRepository,
    Product,
    ProductRepository,
    category_query,
    product_query,
)
from ponte.kernel.errors import ValidationError, Violation
from ponte.kernel.ids import new_id
from ponte.platform.db import UnitOfWork
from ponte.platform.pagination import Page, paginate

__all__ = [
    "ProductDraft",
    "add_product",
    "booths",
    "booths_by_tenant",
    "categories",
    "get",
    "page",
    "product_counts",
    "products",
    "records_by_id",
    "rows_by_sku",
    "save_product",
    "set_hs_code",
]


def page(
    uow: UnitOfWork, tenant_id: str | None, cursor: str | None, limit: int, category: str | None = None
) -> Page[Product]:
    """One page of products (``tenant_id`` None: every tenant's, for the park operator)."""
    return paginate(uow.session, product_query(tenant_id, category), Product.id, cursor, limit)


def categories(uow: UnitOfWork, tenant_id: str | None) -> list[str]:
    return list(uow.session.scalars(category_query(tenant_id)))


def get(uow: UnitOfWork, tenant_id: str, product_id: str) -> Product:
    return ProductRepository(uow.session, tenant_id).get(product_id)


def booths(uow: UnitOfWork, tenant_id: str) -> list[str]:
    """The tenant's booth ids, by code."""
    return [b.id for b in sorted(BoothRepository(uow.session, tenant_id).list(), key=lambda b: b.code)]


def booths_by_tenant(uow: UnitOfWork, tenant_id: str | None) -> dict[str, list[Booth]]:
    """Booths by tenant, by code (``tenant_id`` None: the whole park, for the park operator)."""
    query = select(Booth).order_by(Booth.code)
    if tenant_id is not None:
        query = query.where(Booth.tenant_id == tenant_id)
    found: dict[str, list[Booth]] = {}
    for booth in uow.session.scalars(query):
        found.setdefault(booth.tenant_id, []).append(booth)
    return found


def product_counts(uow: UnitOfWork, tenant_id: str | None) -> dict[str, int]:
    """How many products each tenant sells (``tenant_id`` None: every tenant)."""
    query = select(Product.tenant_id, func.count()).group_by(Product.tenant_id)
    if tenant_id is not None:
        query = query.where(Product.tenant_id == tenant_id)
    return {t: int(n) for t, n in uow.session.execute(query)}


def products(uow: UnitOfWork, tenant_id: str, limit: int = 200) -> list[Product]:
    """The tenant's first products (for pickers)."""
    return list(ProductRepository(uow.session, tenant_id).page(None, limit).items)


def rows_by_sku(uow: UnitOfWork, tenant_id: str, skus: Iterable[str]) -> dict[str, Product]:
    return ProductRepository(uow.session, tenant_id).by_skus(list(skus))


def records_by_id(uow: UnitOfWork, tenant_id: str, product_ids: Iterable[str]) -> dict[str, core.Product]:
    rows = ProductRepository(uow.session, tenant_id).by_ids(list(product_ids))
    return {row.id: row.record() for row in rows}


def set_hs_code(
    uow: UnitOfWork, tenant_id: str, product_id: str, hs_code: str, cn_code: str | None = None
) -> core.Product:
    """Store a classification on the product: its HS 2022 subheading and, when given, China's 10-digit code
    (which must refine the subheading). Commits nothing: the caller's unit of work does."""
    row = ProductRepository(uow.session, tenant_id).get(product_id)
    row.hs_code = hs_code
    if cn_code is not None:
        row.cn_code = cn_code
    uow.session.flush()
    return row.record()


def product_problems(
    uow: UnitOfWork, tenant_id: str, draft: ProductDraft, product_id: str | None = None
) -> list[Violation]:
    """Every rule a product would break if saved (nothing is stored)."""
    found = problems(draft)
    other = ProductRepository(uow.session, tenant_id).by_sku(draft.sku) if draft.sku else None
    if other is not None and other.id != product_id:
        found.append(Violation("sku", "unique-sku", "another product has this SKU"))
    return found


def save_product(
    uow: UnitOfWork, tenant_id: str, draft: ProductDraft, at: datetime, product_id: str | None = None
) -> Product:
    """Add a product, or change one (``product_id``): every rule it breaks raised together; a SKU the
    seller already uses for another product is refused."""
    found = product_problems(uow, tenant_id, draft, product_id)
    if found:
        raise ValidationError.of(found)
    repo = ProductRepository(uow.session, tenant_id)
    origin = draft.origin_country.strip().upper()
    values = {
        "sku": draft.sku,
        "titles": {k: v.strip() for k, v in draft.titles.items() if v.strip()},
        "category": draft.category.strip(),
        "hs_code": draft.hs_code.strip(),
        "origin_country": origin,
        "direction": "export" if origin == "CN" else "import",
        "currency": draft.currency.strip().upper(),
        "tariff_codes": {k: v for k, v in draft.tariff_codes.items() if v},
        **{k: v for k, v in draft.measures.items() if v is not None and k != "cn_qty1"},
    }
    china = draft.china_customs()
    if china is not None:
        values.update(
            cn_code=china.code, cn_name=china.name, cn_elements=china.elements, cn_unit=china.unit,
            cn_unit1=china.first.unit, cn_qty1=china.first.per_unit,
        )  # fmt: skip
    if product_id is None:
        row = Product(id=new_id("prd"), attributes={}, created_at=at, **values)
        return repo.add(row)
    row = repo.get(product_id)
    for key, value in values.items():
        setattr(row, key, value)
    uow.session.flush()
    return row


def add_product(uow: UnitOfWork, tenant_id: str, values: dict[str, Any], at: datetime) -> Product:
    """Add a product from the API's checked fields (its direction follows its origin); the caller commits."""
    direction = "import" if values["origin_country"] != "CN" else "export"
    return ProductRepository(uow.session, tenant_id).add(
        Product(id=new_id("prd"), direction=direction, attributes={}, created_at=at, **values)
    )


def export_csv(uow: UnitOfWork, tenant_id: str) -> str:
    """The tenant's whole catalogue as CSV (the columns the import reads)."""
    repo = ProductRepository(uow.session, tenant_id)
    rows: list[Product] = []
    cursor = None
    while True:
        page = repo.page(cursor, 500)
        rows.extend(page.items)
        if not page.next_cursor:
            return csv_io.write_products(rows)
        cursor = page.next_cursor


def import_csv(
    uow: UnitOfWork, tenant_id: str, text: str, at: datetime, partial: bool = False
) -> tuple[list[str], list[csv_io.RowError]]:
    """Add the products of a CSV file: the SKUs added and every bad row by line and column. Nothing is
    stored when a row is bad, unless ``partial``; the caller commits."""
    good, errors = csv_io.read_products(text)
    repo = ProductRepository(uow.session, tenant_id)
    existing = repo.by_skus([row["sku"] for _, row in good])
    created: list[str] = []
    rows: list[Product] = []
    for line, row in good:
        if row["sku"] in existing:
            errors.append(csv_io.RowError(line, "sku", "unique-per-seller", f"SKU {row['sku']!r} exists"))
            continue
        prices, images = row.pop("market_prices"), row.pop("image_urls")
        rows.append(
            Product(
                id=new_id("prd"),
                tenant_id=tenant_id,
                direction="import" if row["origin_country"] != "CN" else "export",
                attributes={"market_prices": prices, "image_urls": images},
                created_at=at,
                **row,
            )
        )
        created.append(row["sku"])
    errors.sort(key=lambda e: (e.row, e.field))
    if errors and not partial:
        return [], errors
    for product in rows:
        uow.session.add(product)
    uow.session.flush()
    return created, errors

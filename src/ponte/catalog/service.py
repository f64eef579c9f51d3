"""The catalogue's use cases that other capabilities call: products by SKU or id, as rows to order from
or as records to read."""

from __future__ import annotations

from collections.abc import Iterable

from ponte.catalog import core
from ponte.catalog.store import BoothRepository, Product, ProductRepository, category_query, product_query
from ponte.platform.db import UnitOfWork
from ponte.platform.pagination import Page, paginate

__all__ = ["booths", "categories", "get", "page", "products", "records_by_id", "rows_by_sku", "set_hs_code"]


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

"""The catalogue's use cases that other capabilities call: products by SKU or id, as rows to order from
or as records to read."""

from __future__ import annotations

from collections.abc import Iterable

from ponte.catalog import core
from ponte.catalog.store import Product, ProductRepository
from ponte.platform.db import UnitOfWork

__all__ = ["records_by_id", "rows_by_sku"]


def rows_by_sku(uow: UnitOfWork, tenant_id: str, skus: Iterable[str]) -> dict[str, Product]:
    return ProductRepository(uow.session, tenant_id).by_skus(list(skus))


def records_by_id(uow: UnitOfWork, tenant_id: str, product_ids: Iterable[str]) -> dict[str, core.Product]:
    rows = ProductRepository(uow.session, tenant_id).by_ids(list(product_ids))
    return {row.id: row.record() for row in rows}

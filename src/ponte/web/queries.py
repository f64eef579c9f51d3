"""Read models of the console that span capabilities, each limited to the signed-in tenant; only the park
operator reads across tenants (or picks one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ponte.accounts import service as accounts
from ponte.catalog import service as catalog
from ponte.orders import service as orders
from ponte.platform.db import UnitOfWork
from ponte.web.auth import Viewer


def _scope(viewer: Viewer) -> str | None:
    """The tenant a read is limited to: the viewer's own, or None for the park operator (every tenant)."""
    return None if viewer.is_operator else viewer.tenant_id


def tenant_names(uow: UnitOfWork, viewer: Viewer) -> dict[str, str]:
    """Tenants the viewer may see, id -> name."""
    own = _scope(viewer)
    return {tid: name for tid, name in accounts.tenant_names(uow) if own is None or tid == own}


def sellers_choice(uow: UnitOfWork, viewer: Viewer) -> list[tuple[str, str]]:
    """For the operator's seller filter: tenants that sell (empty for a seller)."""
    return accounts.tenant_names(uow, "seller") if viewer.is_operator else []


@dataclass
class SellerRow:
    tenant: Any  # the tenant as accounts.service reads it
    booths: list[Any] = field(default_factory=list)
    products: int = 0
    orders: int = 0


def sellers(uow: UnitOfWork, viewer: Viewer) -> list[SellerRow]:
    """The park's tenants with their booths, products and orders (the viewer's own tenant for a seller)."""
    own = _scope(viewer)
    tenants = accounts.all_tenants(uow) if own is None else [accounts.tenant(uow, own)]
    booths = catalog.booths_by_tenant(uow, own)
    products = catalog.product_counts(uow, own)
    placed = orders.order_counts(uow, own)
    rows = [
        SellerRow(t, booths.get(t.id, []), products.get(t.id, 0), placed.get(t.id, 0))
        for t in sorted(tenants, key=lambda t: (t.kind, t.name))
    ]
    return rows

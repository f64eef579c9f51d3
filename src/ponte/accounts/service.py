"""The accounts' use cases other capabilities call: who a tenant is, as the seller of its orders."""

from __future__ import annotations

from ponte.accounts.core import Seller
from ponte.accounts.store import TenantRepository
from ponte.kernel.errors import NotFoundError
from ponte.platform.db import UnitOfWork

__all__ = ["seller", "tenant_id_of"]


def seller(uow: UnitOfWork, tenant_id: str) -> Seller:
    """The tenant as the seller of its orders: its legal name and enterprise code."""
    tenant = TenantRepository(uow.session).get(tenant_id)
    return Seller(
        tenant_id=tenant.id,
        name=tenant.legal_name or tenant.name,
        uscc=tenant.enterprise_code or "",
        country=tenant.country,
    )


def tenant_id_of(uow: UnitOfWork, slug: str) -> str:
    """The id of the tenant with this slug (the CLI names tenants by slug)."""
    tenant = TenantRepository(uow.session).by_slug(slug)
    if tenant is None:
        raise NotFoundError("tenant", slug)
    return tenant.id

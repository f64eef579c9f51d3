"""The accounts' use cases other capabilities call: who a tenant is, as the seller of its orders."""

from __future__ import annotations

from sqlalchemy import select

from ponte.accounts.core import Seller
from ponte.accounts.store import Tenant, TenantRepository
from ponte.kernel.errors import NotFoundError
from ponte.platform.db import UnitOfWork

__all__ = ["seller", "tenant_id_of", "tenant_names"]


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
    """The id of the tenant with this slug (the name people type), or an error naming it."""
    tenant = TenantRepository(uow.session).by_slug(slug)
    if tenant is None:
        raise NotFoundError("tenant", slug)
    return tenant.id


def tenant_names(uow: UnitOfWork, kind: str | None = None) -> list[tuple[str, str]]:
    """(id, name) of the park's tenants (of one kind), by name: for the park operator's pickers."""
    query = select(Tenant.id, Tenant.name).order_by(Tenant.name)
    if kind is not None:
        query = query.where(Tenant.kind == kind)
    return [(row.id, row.name) for row in uow.session.execute(query)]

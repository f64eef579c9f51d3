"""The accounts' use cases other capabilities call: who a tenant is, as the seller of its orders."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ponte.accounts.core import Principal, Seller
from ponte.accounts.store import ApiKeyRepository, Tenant, TenantRepository
from ponte.kernel.errors import NotFoundError
from ponte.platform.db import UnitOfWork

__all__ = ["TenantView", "authenticate_key", "seller", "tenant_id_of", "tenant_view", "tenants_with_prefix"]


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


@dataclass(frozen=True)
class TenantView:
    """A tenant as the adapters show it."""

    id: str
    slug: str
    name: str
    kind: str


def _view(t: Tenant) -> TenantView:
    return TenantView(t.id, t.slug, t.name, t.kind)


def tenant_view(uow: UnitOfWork, tenant_id: str) -> TenantView:
    return _view(TenantRepository(uow.session).get(tenant_id))


def authenticate_key(uow: UnitOfWork, key: str) -> tuple[Principal, TenantView] | None:
    """The principal and tenant behind an API key, or None when it is unknown or revoked."""
    principal = ApiKeyRepository(uow.session).authenticate(key)
    if principal is None:
        return None
    tenant = uow.session.get(Tenant, principal.tenant_id)
    return None if tenant is None else (principal, _view(tenant))


def tenants_with_prefix(uow: UnitOfWork, prefix: str) -> list[TenantView]:
    """Tenants whose slug starts with ``prefix`` (the demo's), operators first, then by name."""
    rows = uow.session.scalars(
        select(Tenant).where(Tenant.slug.startswith(prefix)).order_by(Tenant.kind.desc(), Tenant.name)
    )
    return [_view(t) for t in rows]

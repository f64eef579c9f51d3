"""The accounts' use cases other capabilities, the API, the console and the command line call: who a tenant
is, as the seller of its orders; the tenant's API keys (issue, list, revoke, authenticate).

Key rules (``accounts.core``): issuing and revoking need ``keys:manage``; a key never grants, nor revokes a key
with, a scope its caller lacks; revoking a key revokes every key it minted; a key whose parent was revoked
does not authenticate. Each revocation bumps one shared version every worker reads (``revocation_version``),
so a key cached by another process stops working within a second.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ponte.accounts import core
from ponte.accounts.core import KeyView, Principal, Seller
from ponte.accounts.store import ApiKeyRepository, Tenant, TenantRepository
from ponte.kernel.errors import NotFoundError
from ponte.platform.db import UnitOfWork

__all__ = [
    "TenantView",
    "add_tenant",
    "all_tenants",
    "authenticate",
    "authenticate_key",
    "issue_key",
    "key_active",
    "keys",
    "revocation_version",
    "revoke_key",
    "seller",
    "tenant",
    "tenant_id_of",
    "tenant_names",
    "tenant_view",
    "tenants_with_prefix",
]


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


def tenant(uow: UnitOfWork, tenant_id: str) -> Tenant:
    """The stored tenant (its read model: the API shows its fields)."""
    return TenantRepository(uow.session).get(tenant_id)


def all_tenants(uow: UnitOfWork) -> list[Tenant]:
    """Every tenant of the park, by name (the park operator's view)."""
    return TenantRepository(uow.session).list()


def add_tenant(uow: UnitOfWork, name: str, slug: str, kind: str, country: str) -> Tenant:
    """A new tenant (its slug unique, its kind seller, provider or operator); the caller commits."""
    return TenantRepository(uow.session).add(name, slug, kind, country.upper())


def tenant_view(uow: UnitOfWork, tenant_id: str) -> TenantView:
    return _view(TenantRepository(uow.session).get(tenant_id))


def authenticate_key(uow: UnitOfWork, key: str) -> tuple[Principal, TenantView] | None:
    """The principal and tenant behind an API key, or None when it is unknown or revoked."""
    principal = authenticate(uow, key)
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


def issue_key(
    uow: UnitOfWork, tenant_id: str, name: str, scopes: list[str] | None, by: Principal | None = None
) -> tuple[KeyView, str]:
    """A new key of the tenant and its secret (shown once; the caller commits). ``by`` is the caller when it is
    a key or a console user: it must hold ``keys:manage`` and every scope granted, and a key it mints is
    revoked with it. ``by=None`` is the operator at the command line (every tenant scope by default)."""
    wanted = list(scopes) if scopes else list(core.ALL_TENANT_SCOPES)
    if by is not None:
        wanted = core.check_grant(by.scopes, wanted)
    TenantRepository(uow.session).get(tenant_id)
    row, secret = ApiKeyRepository(uow.session).issue(
        tenant_id, name, wanted, parent_id=(by.key_id or None) if by is not None else None
    )
    return row.view(), secret


def keys(uow: UnitOfWork, tenant_id: str) -> list[KeyView]:
    """The tenant's keys, revoked ones included, oldest first (never their secrets)."""
    return [row.view() for row in ApiKeyRepository(uow.session).of_tenant(tenant_id)]


def revoke_key(uow: UnitOfWork, tenant_id: str, key_id: str, by: Principal | None = None) -> list[str]:
    """Revoke a key of the tenant and every key minted from it (the caller commits); the ids revoked now.
    ``by`` (a key or a console user) must hold ``keys:manage`` and every scope of the key it revokes."""
    repo = ApiKeyRepository(uow.session)
    target = repo.get(tenant_id, key_id)
    if by is not None:
        core.check_revoke(by.scopes, list(target.scopes))
    return repo.revoke(tenant_id, key_id)


def authenticate(uow: UnitOfWork, key: str) -> Principal | None:
    """The caller behind a key, or None (unknown, wrong secret, revoked, or minted by a revoked key)."""
    return ApiKeyRepository(uow.session).authenticate(key)


def key_active(uow: UnitOfWork, key_id: str) -> bool:
    """The key and every key above it are unrevoked (an open stream asks this while it runs)."""
    return ApiKeyRepository(uow.session).active(key_id)


def revocation_version(uow: UnitOfWork) -> int:
    """The shared revocation version: it changes whenever any key of any tenant is revoked."""
    return ApiKeyRepository(uow.session).revocation_version()


def tenant_names(uow: UnitOfWork, kind: str | None = None) -> list[tuple[str, str]]:
    """(id, name) of the park's tenants (of one kind), by name: for the park operator's pickers."""
    query = select(Tenant.id, Tenant.name).order_by(Tenant.name)
    if kind is not None:
        query = query.where(Tenant.kind == kind)
    return [(row.id, row.name) for row in uow.session.execute(query)]

"""The accounts' use cases other capabilities call: who a tenant is, as the seller of its orders."""

from __future__ import annotations

from ponte.accounts.core import Seller
from ponte.accounts.store import TenantRepository
from ponte.platform.db import UnitOfWork

__all__ = ["seller"]


def seller(uow: UnitOfWork, tenant_id: str) -> Seller:
    """The tenant as the seller of its orders: its legal name and enterprise code."""
    tenant = TenantRepository(uow.session).get(tenant_id)
    return Seller(
        tenant_id=tenant.id,
        name=tenant.legal_name or tenant.name,
        uscc=tenant.enterprise_code or "",
        country=tenant.country,
    )

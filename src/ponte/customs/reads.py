"""Read-only queries over the customs tables across the tenants a viewer may see (the park operator
sees every tenant); the service's read models use them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ponte.customs.store import Declaration
from ponte.kernel.errors import NotFoundError
from ponte.platform.pagination import Page, paginate

__all__ = ["DeclarationQueries"]


class DeclarationQueries:
    """Read models across the tenants a viewer may see (``tenant`` None = every tenant: the park
    operator); the console and the API list and open declarations through the service with these."""

    def __init__(self, session: Session, tenant: str | None) -> None:
        self.s, self.tenant = session, tenant

    def page(self, state: str | None, cursor: str | None, limit: int) -> Page[Declaration]:
        query = select(Declaration)
        if self.tenant is not None:
            query = query.where(Declaration.tenant_id == self.tenant)
        if state:
            query = query.where(Declaration.state == state)
        return paginate(self.s, query, Declaration.id, cursor, limit)

    def find(self, declaration_id: str) -> Declaration:
        query = select(Declaration).where(Declaration.id == declaration_id)
        if self.tenant is not None:
            query = query.where(Declaration.tenant_id == self.tenant)
        decl = self.s.scalar(query)
        if decl is None:
            raise NotFoundError("declaration", declaration_id)
        return decl

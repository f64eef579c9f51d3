"""Read-only queries over the customs tables across the tenants a viewer may see (the park operator
sees every tenant); the service's read models use them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ponte.customs.store import Declaration, DeclaredMessage
from ponte.kernel.errors import NotFoundError
from ponte.platform.pagination import Page, paginate

__all__ = ["DeclarationFilter", "DeclarationQueries"]

#: Kinds whose business key is the parcel's waybill number (logisticsNo).
WAYBILL_KINDS = ("505", "511")


@dataclass(frozen=True)
class DeclarationFilter:
    """What a list of declarations is narrowed to; every part is optional and they combine."""

    state: str | None = None
    order: str | None = None  # the stored order's id, or the order number declared (its external ref)
    waybill: str | None = None  # the parcel's waybill (logisticsNo) or the master air waybill (billNo)
    since: datetime | None = None  # created at or after
    until: datetime | None = None  # created before


class DeclarationQueries:
    """Read models across the tenants a viewer may see (``tenant`` None = every tenant: the park
    operator); the console and the API list and open declarations through the service with these."""

    def __init__(self, session: Session, tenant: str | None) -> None:
        self.s, self.tenant = session, tenant

    def page(self, state: str | None, cursor: str | None, limit: int) -> Page[Declaration]:
        return self.search(DeclarationFilter(state=state), cursor, limit)

    def search(self, where: DeclarationFilter, cursor: str | None, limit: int) -> Page[Declaration]:
        query = select(Declaration)
        if self.tenant is not None:
            query = query.where(Declaration.tenant_id == self.tenant)
        if where.state:
            query = query.where(Declaration.state == where.state)
        if where.order:
            query = query.where(or_(Declaration.order_id == where.order, Declaration.order_no == where.order))
        if where.waybill:
            by_key = select(DeclaredMessage.declaration_id).where(
                DeclaredMessage.kind.in_(WAYBILL_KINDS), DeclaredMessage.key == where.waybill
            )
            if self.tenant is not None:
                by_key = by_key.where(DeclaredMessage.tenant_id == self.tenant)
            master = where.waybill.replace("-", "").replace(" ", "")
            query = query.where(or_(Declaration.id.in_(by_key), Declaration.bill_no == master))
        if where.since is not None:
            query = query.where(Declaration.created_at >= where.since)
        if where.until is not None:
            query = query.where(Declaration.created_at < where.until)
        return paginate(self.s, query, Declaration.id, cursor, limit)

    def find(self, declaration_id: str) -> Declaration:
        query = select(Declaration).where(Declaration.id == declaration_id)
        if self.tenant is not None:
            query = query.where(Declaration.tenant_id == self.tenant)
        decl = self.s.scalar(query)
        if decl is None:
            raise NotFoundError("declaration", declaration_id)
        return decl

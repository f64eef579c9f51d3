"""Repositories for the foundation's aggregates. They never commit; the unit of work does.

Every repository of tenant data is built for one tenant and filters on it in
every query: there is no method that reads across tenants by accident.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from ponte import security
from ponte.errors import ConflictError, NotFoundError, ValidationError
from ponte.ids import new_id
from ponte.store.commerce import Booth, Buyer, Order, Product
from ponte.store.tenancy import ApiKey, AuditEvent, Tenant

T = TypeVar("T")


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    next_cursor: str | None


def encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": last_id}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        after = json.loads(base64.urlsafe_b64decode(padded.encode()))["after"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError("cursor is not one Ponte gave out", field="cursor", rule="cursor") from exc
    if not isinstance(after, str):
        raise ValidationError("cursor is not one Ponte gave out", field="cursor", rule="cursor")
    return after


def paginate(
    session: Session, query: Select[Any], id_column: Any, cursor: str | None, limit: int
) -> Page[Any]:
    """Keyset pagination on a time-ordered id: stable under inserts, no OFFSET scans."""
    if not 1 <= limit <= 500:
        raise ValidationError("limit must be between 1 and 500", field="limit", rule="range 1..500")
    after = decode_cursor(cursor)
    if after is not None:
        query = query.where(id_column > after)
    rows = list(session.scalars(query.order_by(id_column).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(rows[-1].id) if more and rows else None)


class TenantRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, name: str, slug: str, kind: str, country: str) -> Tenant:
        if kind not in ("seller", "provider", "operator"):
            raise ValidationError("kind must be seller, provider or operator", field="kind", rule="enum")
        if self.session.scalar(select(Tenant).where(Tenant.slug == slug)) is not None:
            raise ConflictError(f"tenant {slug!r} exists", field="slug", rule="unique")
        tenant = Tenant(id=new_id("tnt"), slug=slug, name=name, kind=kind, country=country, created_at=now())
        self.session.add(tenant)
        self.session.flush()
        return tenant

    def get(self, tenant_id: str) -> Tenant:
        tenant = self.session.get(Tenant, tenant_id)
        if tenant is None:
            raise NotFoundError("tenant", tenant_id)
        return tenant

    def by_slug(self, slug: str) -> Tenant | None:
        return self.session.scalar(select(Tenant).where(Tenant.slug == slug))

    def list(self) -> list[Tenant]:
        return list(self.session.scalars(select(Tenant).order_by(Tenant.name)))


class ApiKeyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def issue(self, tenant_id: str, name: str, scopes: list[str]) -> tuple[ApiKey, str]:
        """Store a new key; returns the row and the secret, which is never stored."""
        issued = security.issue_key()
        row = ApiKey(
            id=new_id("key"),
            tenant_id=tenant_id,
            name=name,
            prefix=issued.prefix,
            secret_hash=issued.secret_hash,
            scopes=security.check_scopes(scopes),
            created_at=now(),
        )
        self.session.add(row)
        self.session.flush()
        return row, issued.secret

    def authenticate(self, key: str) -> security.Principal | None:
        prefix = security.parse_prefix(key)
        if prefix is None:
            return None
        row = self.session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
        if row is None or row.revoked_at is not None or not security.key_matches(key, row.secret_hash):
            return None
        return security.Principal(row.tenant_id, frozenset(row.scopes), row.id)

    def revoke(self, tenant_id: str, key_id: str) -> None:
        row = self.session.scalar(select(ApiKey).where(ApiKey.id == key_id, ApiKey.tenant_id == tenant_id))
        if row is None:
            raise NotFoundError("api_key", key_id)
        row.revoked_at = now()


class TenantScoped:
    """Base of repositories that belong to one tenant."""

    def __init__(self, session: Session, tenant_id: str) -> None:
        self.session = session
        self.tenant_id = tenant_id

    def audit(self, actor: str, action: str, subject: str, detail: str = "") -> None:
        self.session.add(
            AuditEvent(
                tenant_id=self.tenant_id, at=now(), actor=actor, action=action, subject=subject, detail=detail
            )
        )


class ProductRepository(TenantScoped):
    def get(self, product_id: str) -> Product:
        row = self.session.scalar(
            select(Product).where(Product.id == product_id, Product.tenant_id == self.tenant_id)
        )
        if row is None:
            raise NotFoundError("product", product_id)
        return row

    def by_sku(self, sku: str) -> Product | None:
        return self.session.scalar(
            select(Product).where(Product.sku == sku, Product.tenant_id == self.tenant_id)
        )

    def by_skus(self, skus: Sequence[str]) -> dict[str, Product]:
        rows = self.session.scalars(
            select(Product).where(Product.tenant_id == self.tenant_id, Product.sku.in_(list(skus)))
        )
        return {row.sku: row for row in rows}

    def add(self, product: Product) -> Product:
        product.tenant_id = self.tenant_id
        if self.by_sku(product.sku) is not None:
            raise ConflictError(f"SKU {product.sku!r} exists", field="sku", rule="unique-per-seller")
        self.session.add(product)
        self.session.flush()
        return product

    def page(self, cursor: str | None, limit: int, category: str | None = None) -> Page[Product]:
        query = select(Product).where(Product.tenant_id == self.tenant_id)
        if category:
            query = query.where(Product.category == category)
        return paginate(self.session, query, Product.id, cursor, limit)

    def count(self) -> int:
        return int(
            self.session.scalar(
                select(func.count()).select_from(Product).where(Product.tenant_id == self.tenant_id)
            )
            or 0
        )


class BoothRepository(TenantScoped):
    def list(self) -> list[Booth]:
        return list(
            self.session.scalars(select(Booth).where(Booth.tenant_id == self.tenant_id).order_by(Booth.code))
        )


class BuyerRepository(TenantScoped):
    def get(self, buyer_id: str) -> Buyer:
        row = self.session.scalar(
            select(Buyer).where(Buyer.id == buyer_id, Buyer.tenant_id == self.tenant_id)
        )
        if row is None:
            raise NotFoundError("buyer", buyer_id)
        return row

    def by_tax_id_index(self, index: str) -> Buyer | None:
        return self.session.scalar(
            select(Buyer).where(Buyer.tenant_id == self.tenant_id, Buyer.tax_id_index == index)
        )

    def add(self, buyer: Buyer) -> Buyer:
        buyer.tenant_id = self.tenant_id
        self.session.add(buyer)
        self.session.flush()
        return buyer


class OrderRepository(TenantScoped):
    def _query(self) -> Select[Order]:
        return select(Order).where(Order.tenant_id == self.tenant_id).options(selectinload(Order.lines))

    def get(self, order_id: str) -> Order:
        row = self.session.scalar(self._query().where(Order.id == order_id))
        if row is None:
            raise NotFoundError("order", order_id)
        return row

    def by_external_ref(self, ref: str) -> Order | None:
        return self.session.scalar(self._query().where(Order.external_ref == ref))

    def add(self, order: Order) -> Order:
        order.tenant_id = self.tenant_id
        for line in order.lines:
            line.tenant_id = self.tenant_id
        self.session.add(order)
        self.session.flush()
        return order

    def page(
        self, cursor: str | None, limit: int, status: str | None = None, destination: str | None = None
    ) -> Page[Order]:
        query = self._query()
        if status:
            query = query.where(Order.status == status)
        if destination:
            query = query.where(Order.destination == destination)
        return paginate(self.session, query, Order.id, cursor, limit)

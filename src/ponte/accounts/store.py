"""Tenants, API keys and the audit log: tables and repositories (they never commit)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from ponte.accounts import core as security
from ponte.kernel.clock import now
from ponte.kernel.errors import ConflictError, NotFoundError, ValidationError
from ponte.kernel.ids import new_id
from ponte.platform.db import Base
from ponte.platform.types import UtcDateTime


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # seller | provider (broker, forwarder, warehouse) | operator (the park)
    kind: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # the enterprise as customs and tax offices know it: its registered name and its code (the
    # 18-character unified social credit code of a Chinese enterprise, a tax ID elsewhere)
    legal_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    enterprise_code: Mapped[str | None] = mapped_column(String(40), nullable=True)


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # The public prefix finds the row; only a SHA-256 of the whole secret is stored.
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # the key that minted this one (None: issued by the command line or the console); revoking a key revokes
    # every key it minted, and a key whose parent is revoked does not authenticate
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("api_keys.id"), nullable=True, index=True)

    def view(self) -> security.KeyView:
        return security.KeyView(
            self.id,
            self.name,
            self.prefix,
            list(self.scopes),
            self.created_at,
            self.revoked_at,
            self.parent_id,
        )


class KeyRevocations(Base):
    """One row shared by every worker: its version grows with each revocation, so a process that cached keys
    reads one integer to learn whether any cached key may have been revoked since."""

    __tablename__ = "api_key_revocations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer)


class AuditEvent(Base):
    """Who did what (never with personal data in clear)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(100))
    detail: Mapped[str] = mapped_column(Text, default="")


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

    def issue(
        self, tenant_id: str, name: str, scopes: list[str], parent_id: str | None = None
    ) -> tuple[ApiKey, str]:
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
            parent_id=parent_id or None,
        )
        self.session.add(row)
        self.session.flush()
        return row, issued.secret

    def authenticate(self, key: str) -> security.Principal | None:
        prefix = security.parse_prefix(key)
        if prefix is None:
            return None
        row = self.session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
        if row is None or not security.key_matches(key, row.secret_hash) or not self.active(row.id):
            return None
        return security.Principal(row.tenant_id, frozenset(row.scopes), row.id)

    def active(self, key_id: str) -> bool:
        """The key and every key above it (the one that minted it, and so on) are unrevoked."""
        seen: set[str] = set()
        current: str | None = key_id
        while current is not None and current not in seen:
            seen.add(current)
            row = self.session.execute(
                select(ApiKey.revoked_at, ApiKey.parent_id).where(ApiKey.id == current)
            ).first()
            if row is None or row.revoked_at is not None:
                return False
            current = row.parent_id
        return True

    def get(self, tenant_id: str, key_id: str) -> ApiKey:
        row = self.session.scalar(select(ApiKey).where(ApiKey.id == key_id, ApiKey.tenant_id == tenant_id))
        if row is None:
            raise NotFoundError("api_key", key_id)
        return row

    def of_tenant(self, tenant_id: str) -> list[ApiKey]:
        return list(
            self.session.scalars(
                select(ApiKey).where(ApiKey.tenant_id == tenant_id).order_by(ApiKey.created_at, ApiKey.id)
            )
        )

    def revoke(self, tenant_id: str, key_id: str) -> list[str]:
        """Revoke the key and every key minted from it; returns the ids newly revoked."""
        self.get(tenant_id, key_id)
        rows = {r.id: r for r in self.of_tenant(tenant_id)}
        at = now()
        revoked = []
        for kid in security.descendants({k: r.parent_id for k, r in rows.items()}, key_id):
            if rows[kid].revoked_at is None:
                rows[kid].revoked_at = at
                revoked.append(kid)
        self.bump_revocations()
        self.session.flush()
        return revoked

    def bump_revocations(self) -> None:
        """Tell every worker that keys were revoked (the version is read with each cached authentication)."""
        bumped = self.session.execute(
            update(KeyRevocations).where(KeyRevocations.id == 1).values(version=KeyRevocations.version + 1)
        )
        if not bumped.rowcount:  # type: ignore[attr-defined]
            self.session.add(KeyRevocations(id=1, version=1))
            self.session.flush()

    def revocation_version(self) -> int:
        return int(self.session.scalar(select(KeyRevocations.version).where(KeyRevocations.id == 1)) or 0)

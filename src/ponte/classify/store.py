"""A tenant's confirmed classifications and broker overrides (the product's classification history), and
whether the tenant shares its confirmed titles with other tenants. Every query filters on the tenant,
except ``shared_rows``, which reads only what tenants chose to share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import JSON, Boolean, ForeignKey, LargeBinary, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ponte.platform.db import Base, TenantScoped
from ponte.platform.types import UtcDateTime

__all__ = ["ClassificationEvent", "ClassificationRepository", "Sharing", "Version", "shared_rows"]


class ClassificationEvent(Base):
    """One step of a product's classification: the seller confirmed a code, or a broker overrode it."""

    __tablename__ = "hs_classifications"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    product_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(10))  # confirm | override
    hs_code: Mapped[str] = mapped_column(String(6))
    cn_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    previous_code: Mapped[str | None] = mapped_column(String(6), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    actor: Mapped[str] = mapped_column(String(64))
    titles: Mapped[dict[str, str]] = mapped_column(JSON)  # language -> title, the rows of `vectors`
    vectors: Mapped[bytes] = mapped_column(LargeBinary)  # float32, one 512-wide row per title
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    def matrix(self) -> np.ndarray:
        return np.frombuffer(self.vectors, dtype=np.float32).reshape(len(self.titles), -1)


class Sharing(Base):
    """A tenant's choice to let other tenants learn from its confirmed classifications (off by default)."""

    __tablename__ = "hs_sharing"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    share: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


@dataclass(frozen=True)
class Version:
    """Changes whenever the tenant's usable examples change (a cache key)."""

    events: int
    last: str | None
    shared: int
    shared_last: str | None


class ClassificationRepository(TenantScoped):
    def add(self, event: ClassificationEvent) -> ClassificationEvent:
        event.tenant_id = self.tenant_id
        self.session.add(event)
        self.session.flush()
        return event

    def history(self, product_id: str) -> list[ClassificationEvent]:
        return list(
            self.session.scalars(
                select(ClassificationEvent)
                .where(
                    ClassificationEvent.tenant_id == self.tenant_id,
                    ClassificationEvent.product_id == product_id,
                )
                .order_by(ClassificationEvent.created_at, ClassificationEvent.id)
            )
        )

    def current(self) -> list[ClassificationEvent]:
        """The tenant's latest event per product (and every product-less confirmation)."""
        rows = self.session.scalars(
            select(ClassificationEvent)
            .where(ClassificationEvent.tenant_id == self.tenant_id)
            .order_by(ClassificationEvent.created_at, ClassificationEvent.id)
        )
        latest: dict[str, ClassificationEvent] = {}
        for row in rows:
            latest[row.product_id or row.id] = row
        return list(latest.values())

    def sharing(self) -> bool:
        row = self.session.get(Sharing, self.tenant_id)
        return bool(row and row.share)

    def set_sharing(self, share: bool, at: datetime) -> None:
        row = self.session.get(Sharing, self.tenant_id)
        if row is None:
            self.session.add(Sharing(tenant_id=self.tenant_id, share=share, updated_at=at))
        else:
            row.share, row.updated_at = share, at
        self.session.flush()

    def version(self) -> Version:
        own = self.session.execute(
            select(func.count(), func.max(ClassificationEvent.id)).where(
                ClassificationEvent.tenant_id == self.tenant_id
            )
        ).one()
        sharers = select(Sharing.tenant_id).where(
            Sharing.share.is_(True), Sharing.tenant_id != self.tenant_id
        )
        shared = self.session.execute(
            select(func.count(), func.max(ClassificationEvent.id)).where(
                ClassificationEvent.tenant_id.in_(sharers)
            )
        ).one()
        sharer_count = self.session.scalar(select(func.count()).select_from(sharers.subquery())) or 0
        return Version(int(own[0]), own[1], int(shared[0]) * 1000 + int(sharer_count), shared[1])


def shared_rows(session: Session, except_tenant: str) -> list[ClassificationEvent]:
    """The latest event per product of every other tenant that shares its classifications."""
    sharers = select(Sharing.tenant_id).where(Sharing.share.is_(True), Sharing.tenant_id != except_tenant)
    rows = session.scalars(
        select(ClassificationEvent)
        .where(ClassificationEvent.tenant_id.in_(sharers))
        .order_by(ClassificationEvent.created_at, ClassificationEvent.id)
    )
    latest: dict[tuple[str, str], ClassificationEvent] = {}
    for row in rows:
        latest[(row.tenant_id, row.product_id or row.id)] = row
    return list(latest.values())

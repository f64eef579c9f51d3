"""Webhook subscriptions and the outbox of their deliveries.

A delivery row is written in the same transaction as what it tells (a tracking event, an order's move), so a
notification is never sent for something rolled back, nor something stored without its notification.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ponte.kernel.errors import NotFoundError
from ponte.kernel.ids import new_id
from ponte.platform.db import Base
from ponte.platform.types import Encrypted, UtcDateTime


class WebhookSubscription(Base):
    """A seller's endpoint: its URL, the secret that signs each delivery (encrypted at rest), the kinds it
    wants (``["*"]`` for all). Deleting one keeps the row (``deleted_at``) for the outbox."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(Encrypted())
    kinds: Mapped[str] = mapped_column(Text)  # JSON list of kinds, or ["*"]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    @property
    def kind_list(self) -> list[str]:
        return list(json.loads(self.kinds))


class WebhookDelivery(Base):
    """One delivery of one notification to one subscription: ``pending`` until delivered, ``failed`` after the
    last attempt, ``cancelled`` when the subscription is deleted first."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    subscription_id: Mapped[str] = mapped_column(ForeignKey("webhook_subscriptions.id"), index=True)
    event_id: Mapped[str] = mapped_column(String(40))
    event_at: Mapped[datetime] = mapped_column(UtcDateTime())
    kind: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class WebhookRepository:
    def __init__(self, session: Session, tenant_id: str) -> None:
        self.s, self.tenant = session, tenant_id

    def add(self, url: str, kinds: Sequence[str], secret: str, at: datetime) -> WebhookSubscription:
        row = WebhookSubscription(
            id=new_id("whs"),
            tenant_id=self.tenant,
            url=url,
            secret=secret,
            kinds=json.dumps(list(kinds)),
            created_at=at,
        )
        self.s.add(row)
        self.s.flush()
        return row

    def subscriptions(self) -> list[WebhookSubscription]:
        return list(
            self.s.scalars(
                select(WebhookSubscription)
                .where(WebhookSubscription.tenant_id == self.tenant, WebhookSubscription.deleted_at.is_(None))
                .order_by(WebhookSubscription.id)
            )
        )

    def live(self, subscription_id: str) -> WebhookSubscription:
        row = self.s.scalar(
            select(WebhookSubscription).where(
                WebhookSubscription.tenant_id == self.tenant,
                WebhookSubscription.id == subscription_id,
                WebhookSubscription.deleted_at.is_(None),
            )
        )
        if row is None:
            raise NotFoundError("webhook subscription", subscription_id)
        return row

    def queue(
        self, subscription_id: str, event_id: str, event_at: datetime, kind: str, body: str, at: datetime
    ) -> None:
        self.s.add(
            WebhookDelivery(
                id=new_id("whd"),
                tenant_id=self.tenant,
                subscription_id=subscription_id,
                event_id=event_id,
                event_at=event_at,
                kind=kind,
                body=body,
                status="pending",
                attempts=0,
                next_attempt_at=at,
                last_error="",
                created_at=at,
            )
        )

    def deliveries(
        self, subscription_id: str | None = None, status: str | None = None
    ) -> list[WebhookDelivery]:
        query = select(WebhookDelivery).where(WebhookDelivery.tenant_id == self.tenant)
        if subscription_id is not None:
            query = query.where(WebhookDelivery.subscription_id == subscription_id)
        if status is not None:
            query = query.where(WebhookDelivery.status == status)
        return list(self.s.scalars(query.order_by(WebhookDelivery.event_at, WebhookDelivery.id)))

    def counts(self) -> dict[str, dict[str, int]]:
        """Per subscription: deliveries by status (one query)."""
        out: dict[str, dict[str, int]] = {}
        rows = self.s.execute(
            select(WebhookDelivery.subscription_id, WebhookDelivery.status, func.count())
            .where(WebhookDelivery.tenant_id == self.tenant)
            .group_by(WebhookDelivery.subscription_id, WebhookDelivery.status)
        )
        for sub, status, n in rows:
            out.setdefault(sub, {})[status] = int(n)
        return out


def claim_due(
    session: Session, now: datetime, lease_until: datetime, limit: int
) -> list[tuple[WebhookDelivery, WebhookSubscription | None]]:
    """Due deliveries of every tenant, oldest first, claimed until ``lease_until`` (other workers skip them:
    rows locked by another claim are skipped on PostgreSQL, and the lease moves them out of the due window)."""
    due = list(
        session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.event_at, WebhookDelivery.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    subs = {
        s.id: s
        for s in session.scalars(
            select(WebhookSubscription).where(
                WebhookSubscription.id.in_(sorted({d.subscription_id for d in due}))
            )
        )
    }
    for d in due:
        d.next_attempt_at = lease_until
    session.flush()
    return [(d, subs.get(d.subscription_id)) for d in due]


def delivery(session: Session, delivery_id: str) -> WebhookDelivery | None:
    return session.get(WebhookDelivery, delivery_id)

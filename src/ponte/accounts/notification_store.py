"""Notifications' tables and repository: what happened that a tenant's people should see (a declaration
customs refused, a waybill running late, an offer sold out), and who has read each one.

A notification belongs to one tenant and names the scope a reader needs to see it (``customs:read`` for a
refused declaration), so it reaches everyone of the tenant whose roles hold that scope, whether they sign
in with a password or with one of the tenant's keys; each reader marks it read for themselves.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ponte.kernel.ids import new_id
from ponte.platform.db import Base
from ponte.platform.types import UtcDateTime

__all__ = ["Notification", "NotificationRead", "NotificationRepository"]


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("tenant_id", "kind", "subject_id", "event", name="uq_notifications_tenant_id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    scope: Mapped[str] = mapped_column(String(40))  # a reader needs it to see the notification
    subject_id: Mapped[str] = mapped_column(String(60))  # what it is about (a declaration id, ...)
    event: Mapped[str] = mapped_column(String(80))  # the occurrence: the same one is not notified twice
    params: Mapped[dict[str, Any]] = mapped_column(JSON)  # what the text shows (order number, state ...)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class NotificationRead(Base):
    __tablename__ = "notification_reads"
    __table_args__ = (
        UniqueConstraint("notification_id", "reader", name="uq_notification_reads_notification_id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    notification_id: Mapped[str] = mapped_column(ForeignKey("notifications.id"), index=True)
    reader: Mapped[str] = mapped_column(String(60))  # user:<id> or key:<id>
    read_at: Mapped[datetime] = mapped_column(UtcDateTime())


class NotificationRepository:
    def __init__(self, session: Session, tenant_id: str) -> None:
        self.s, self.tenant = session, tenant_id

    def add(
        self, kind: str, scope: str, subject_id: str, event: str, params: dict[str, Any], at: datetime
    ) -> Notification | None:
        """A new notification; None when this occurrence was notified already."""
        found = self.s.scalar(
            select(Notification.id).where(
                Notification.tenant_id == self.tenant,
                Notification.kind == kind,
                Notification.subject_id == subject_id,
                Notification.event == event,
            )
        )
        if found is not None:
            return None
        row = Notification(
            id=new_id("ntf"),
            tenant_id=self.tenant,
            kind=kind,
            scope=scope,
            subject_id=subject_id,
            event=event,
            params=params,
            created_at=at,
        )
        self.s.add(row)
        self.s.flush()
        return row

    def _visible(self, scopes: frozenset[str]) -> Any:
        return select(Notification).where(
            Notification.tenant_id == self.tenant, Notification.scope.in_(sorted(scopes))
        )

    def _read_ids(self, reader: str) -> Any:
        return select(NotificationRead.notification_id).where(NotificationRead.reader == reader)

    def latest(self, scopes: frozenset[str], reader: str, limit: int) -> list[tuple[Notification, bool]]:
        """The newest notifications the reader may see, each with whether they read it."""
        rows = list(
            self.s.scalars(
                self._visible(scopes)
                .order_by(Notification.created_at.desc(), Notification.id.desc())
                .limit(limit)
            )
        )
        read = set(
            self.s.scalars(
                self._read_ids(reader).where(NotificationRead.notification_id.in_([r.id for r in rows]))
            )
        )
        return [(r, r.id in read) for r in rows]

    def unread(self, scopes: frozenset[str], reader: str) -> int:
        query = self._visible(scopes).where(Notification.id.not_in(self._read_ids(reader)))
        return int(self.s.scalar(select(func.count()).select_from(query.subquery())) or 0)

    def mark_read(self, scopes: frozenset[str], reader: str, ids: list[str] | None, at: datetime) -> int:
        """Mark the reader's visible unread notifications read (``ids`` None: all of them)."""
        query = self._visible(scopes).where(Notification.id.not_in(self._read_ids(reader)))
        if ids is not None:
            query = query.where(Notification.id.in_(ids))
        rows = list(self.s.scalars(query))
        for row in rows:
            self.s.add(NotificationRead(id=new_id("nrd"), notification_id=row.id, reader=reader, read_at=at))
        self.s.flush()
        return len(rows)

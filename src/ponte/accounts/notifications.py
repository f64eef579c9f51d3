"""Notifications: a capability tells a tenant's people that something needs them (``notify``), the console
shows each reader the ones their scopes allow, with a count of those unread, and marks them read.

Each kind names the scope that sees it. A capability adding a kind adds one entry to ``KINDS`` (a late
waybill would be ``waybill.late`` for ``logistics:read``, a sold-out offer ``offer.sold_out`` for
``live:read``) and calls ``notify`` from its service where the thing happens, in the same unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ponte.accounts.notification_store import NotificationRepository
from ponte.kernel.errors import ValidationError
from ponte.platform.db import UnitOfWork

__all__ = ["KINDS", "NotificationView", "Reader", "latest", "mark_read", "notify", "unread"]

#: kind -> the scope a reader needs to see it.
KINDS: dict[str, str] = {
    "declaration.rejected": "customs:read",  # customs (or the e-port) refused a declaration
    "offer.sold_out": "live:read",  # a live offer has no unit left while it is open
}


@dataclass(frozen=True)
class Reader:
    """Who reads: the tenant they speak for, their scopes, and who they are (``user:<id>``, ``key:<id>``)."""

    tenant_id: str
    scopes: frozenset[str]
    actor: str


@dataclass(frozen=True)
class NotificationView:
    id: str
    kind: str
    subject_id: str
    params: dict[str, Any]
    created_at: datetime
    read: bool


def notify(
    uow: UnitOfWork,
    tenant_id: str,
    kind: str,
    subject_id: str,
    event: str,
    params: dict[str, Any],
    at: datetime,
) -> bool:
    """Tell the tenant's people holding the kind's scope; an occurrence (``event``) already told is not
    told again. True when a notification was stored."""
    scope = KINDS.get(kind)
    if scope is None:
        raise ValidationError(f"unknown notification kind {kind!r}", field="kind", rule="known-kind")
    return (
        NotificationRepository(uow.session, tenant_id).add(kind, scope, subject_id, event, params, at)
        is not None
    )


def latest(uow: UnitOfWork, reader: Reader, limit: int = 50) -> list[NotificationView]:
    """The reader's newest notifications, newest first."""
    rows = NotificationRepository(uow.session, reader.tenant_id).latest(reader.scopes, reader.actor, limit)
    return [
        NotificationView(r.id, r.kind, r.subject_id, dict(r.params), r.created_at, read) for r, read in rows
    ]


def unread(uow: UnitOfWork, reader: Reader) -> int:
    return NotificationRepository(uow.session, reader.tenant_id).unread(reader.scopes, reader.actor)


def mark_read(uow: UnitOfWork, reader: Reader, at: datetime, ids: list[str] | None = None) -> int:
    """Mark the reader's notifications read (``ids`` None: every one); other readers' marks are theirs."""
    return NotificationRepository(uow.session, reader.tenant_id).mark_read(
        reader.scopes, reader.actor, ids, at
    )

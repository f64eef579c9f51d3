"""The audit log: who did what, when, in a tenant (repository over ``audit_events``; it never commits).

An entry names the actor (``user:<id>``, ``key:<id>``, ``demo``, ``cli``), the
action (a dotted code such as ``user.invited``), its subject (an id) and a
short detail without personal data in clear (addresses are masked).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ponte.accounts.store import AuditEvent
from ponte.platform.crypto import mask

#: The actions the accounts record (the console translates their labels).
ACTIONS = (
    "session.signed_in",
    "session.sign_in_failed",
    "session.signed_out",
    "user.created",
    "user.invited",
    "user.joined",
    "user.roles_changed",
    "user.removed",
    "user.password_changed",
    "user.password_reset_requested",
    "user.password_reset",
    "user.totp_enabled",
    "user.totp_disabled",
    "invitation.revoked",
    "key.revoked",
)


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    at: datetime
    actor: str
    action: str
    subject: str
    detail: str


def masked_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{mask(local, 1)}@{domain}" if domain else mask(email)


class AuditLog:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(
        self, tenant_id: str, actor: str, action: str, subject: str, at: datetime, detail: str = ""
    ) -> None:
        self.session.add(
            AuditEvent(
                tenant_id=tenant_id,
                at=at,
                actor=actor[:100],
                action=action[:100],
                subject=subject[:100],
                detail=detail[:2000],
            )
        )

    def page(
        self, tenant_id: str, before: int | None = None, limit: int = 50, action: str | None = None
    ) -> list[Entry]:
        """The tenant's entries, newest first, ``limit`` at a time (``before``: the id to continue below)."""
        query = select(AuditEvent).where(AuditEvent.tenant_id == tenant_id)
        if before is not None:
            query = query.where(AuditEvent.id < before)
        if action:
            query = query.where(AuditEvent.action == action)
        rows = self.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit))
        return [Entry(r.id, r.at, r.actor, r.action, r.subject, r.detail) for r in rows]

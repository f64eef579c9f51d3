"""Console sessions, kept on the server (table and repository; it never commits).

The browser holds only a random token; the row holds its SHA-256, who signed
in (a user, or an API key, or a demo tenant in development), the tenant and
roles chosen, when it expires and when it ended. Signing out ends the row, so
the cookie is dead from then on, whoever kept a copy of it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from ponte.kernel.ids import new_id
from ponte.platform.db import Base
from ponte.platform.types import UtcDateTime

#: How a session was opened.
BY_PASSWORD = "password"
BY_KEY = "api-key"
BY_DEMO = "demo"


class ConsoleSession(Base):
    __tablename__ = "console_sessions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    method: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    key_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    roles: Mapped[list[str]] = mapped_column(JSON)
    data: Mapped[dict[str, object]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class SessionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        token_hash: str,
        method: str,
        tenant_id: str,
        roles: list[str],
        at: datetime,
        expires_at: datetime,
        user_id: str | None = None,
        key_id: str | None = None,
    ) -> ConsoleSession:
        row = ConsoleSession(
            id=new_id("ses"),
            token_hash=token_hash,
            method=method,
            user_id=user_id,
            key_id=key_id,
            tenant_id=tenant_id,
            roles=list(roles),
            data={},
            created_at=at,
            last_seen_at=at,
            expires_at=expires_at,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def live(self, token_hash: str, at: datetime) -> ConsoleSession | None:
        """The session of this token, if it has neither ended nor expired."""
        return self.session.scalar(
            select(ConsoleSession).where(
                ConsoleSession.token_hash == token_hash,
                ConsoleSession.ended_at.is_(None),
                ConsoleSession.expires_at > at,
            )
        )

    def end(self, token_hash: str, at: datetime) -> None:
        self.session.execute(
            update(ConsoleSession)
            .where(ConsoleSession.token_hash == token_hash, ConsoleSession.ended_at.is_(None))
            .values(ended_at=at)
        )

    def end_all_of_user(self, user_id: str, at: datetime, keep: str | None = None) -> None:
        query = update(ConsoleSession).where(
            ConsoleSession.user_id == user_id, ConsoleSession.ended_at.is_(None)
        )
        if keep is not None:
            query = query.where(ConsoleSession.token_hash != keep)
        self.session.execute(query.values(ended_at=at))

    def end_all_of_member(self, user_id: str, tenant_id: str, at: datetime) -> None:
        self.session.execute(
            update(ConsoleSession)
            .where(
                ConsoleSession.user_id == user_id,
                ConsoleSession.tenant_id == tenant_id,
                ConsoleSession.ended_at.is_(None),
            )
            .values(ended_at=at)
        )

"""People: users, their memberships in tenants, invitations (tables and repositories; they never commit).

An address is personal data: it is stored encrypted, and found through a keyed
blind index of its lower-cased form (hex-encoded first, so that the index's
normalisation to letters and digits cannot make two addresses collide). Names
and TOTP secrets are encrypted too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ponte.kernel.errors import ConflictError, NotFoundError
from ponte.kernel.ids import new_id
from ponte.platform.crypto import cipher
from ponte.platform.db import Base
from ponte.platform.types import Encrypted, UtcDateTime


def email_index(email: str) -> str:
    return cipher().blind_index(email.strip().lower().encode("utf-8").hex())


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    email_index: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(Encrypted())
    name: Mapped[str] = mapped_column(Encrypted())
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    password_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    totp_secret: Mapped[str | None] = mapped_column(Encrypted(), nullable=True)
    totp_pending: Mapped[str | None] = mapped_column(Encrypted(), nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "tenant_id", name="uq_memberships_user_id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    roles: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Invitation(Base):
    __tablename__ = "invitations"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    email_index: Mapped[str] = mapped_column(String(64), index=True)
    email: Mapped[str] = mapped_column(Encrypted())
    roles: Mapped[list[str]] = mapped_column(JSON)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, email: str, name: str, password_hash: str | None, at: datetime) -> User:
        index = email_index(email)
        if self.session.scalar(select(User.id).where(User.email_index == index)) is not None:
            raise ConflictError("a user with this e-mail address exists", field="email", rule="unique")
        user = User(
            id=new_id("usr"),
            email_index=index,
            email=email,
            name=name,
            password_hash=password_hash,
            password_changed_at=at if password_hash else None,
            failed_sign_ins=0,
            created_at=at,
        )
        self.session.add(user)
        self.session.flush()
        return user

    def get(self, user_id: str) -> User:
        user = self.session.get(User, user_id)
        if user is None:
            raise NotFoundError("user", user_id)
        return user

    def for_update(self, user_id: str) -> User:
        user = self.session.scalar(select(User).where(User.id == user_id).with_for_update())
        if user is None:
            raise NotFoundError("user", user_id)
        return user

    def by_email(self, email: str) -> User | None:
        return self.session.scalar(select(User).where(User.email_index == email_index(email)))


class MembershipRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, user_id: str, tenant_id: str, roles: tuple[str, ...], at: datetime) -> Membership:
        if self.find(user_id, tenant_id) is not None:
            raise ConflictError("this person is already a member of the tenant", field="email", rule="unique")
        row = Membership(
            id=new_id("mbr"), user_id=user_id, tenant_id=tenant_id, roles=list(roles), created_at=at
        )
        self.session.add(row)
        self.session.flush()
        return row

    def find(self, user_id: str, tenant_id: str) -> Membership | None:
        return self.session.scalar(
            select(Membership).where(Membership.user_id == user_id, Membership.tenant_id == tenant_id)
        )

    def of_user(self, user_id: str) -> list[Membership]:
        return list(
            self.session.scalars(
                select(Membership).where(Membership.user_id == user_id).order_by(Membership.created_at)
            )
        )

    def of_tenant(self, tenant_id: str) -> list[tuple[Membership, User]]:
        rows = self.session.execute(
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.tenant_id == tenant_id)
            .order_by(Membership.created_at, Membership.id)
        )
        return [(m, u) for m, u in rows]

    def remove(self, row: Membership) -> None:
        self.session.delete(row)
        self.session.flush()


class InvitationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        tenant_id: str,
        email: str,
        roles: tuple[str, ...],
        token_hash: str,
        invited_by: str | None,
        at: datetime,
        expires_at: datetime,
    ) -> Invitation:
        row = Invitation(
            id=new_id("inv"),
            tenant_id=tenant_id,
            email_index=email_index(email),
            email=email,
            roles=list(roles),
            token_hash=token_hash,
            invited_by=invited_by,
            created_at=at,
            expires_at=expires_at,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def by_token_hash(self, token_hash: str, lock: bool = False) -> Invitation | None:
        query = select(Invitation).where(Invitation.token_hash == token_hash)
        return self.session.scalar(query.with_for_update() if lock else query)

    def open_of_tenant(self, tenant_id: str, at: datetime) -> list[Invitation]:
        return list(
            self.session.scalars(
                select(Invitation)
                .where(
                    Invitation.tenant_id == tenant_id,
                    Invitation.accepted_at.is_(None),
                    Invitation.revoked_at.is_(None),
                    Invitation.expires_at > at,
                )
                .order_by(Invitation.created_at)
            )
        )

    def get(self, tenant_id: str, invitation_id: str) -> Invitation:
        row = self.session.scalar(
            select(Invitation).where(Invitation.id == invitation_id, Invitation.tenant_id == tenant_id)
        )
        if row is None:
            raise NotFoundError("invitation", invitation_id)
        return row

"""The accounts' use cases for a tenant's people and credentials: members and roles, invitations, passwords
(change and reset by a signed link), TOTP, the audit log, and the tenant's API keys as seen from the console.
The caller commits; mail goes out after the commit (``Outgoing``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ponte.accounts import credentials, roles
from ponte.accounts import service as key_service
from ponte.accounts.audit import AuditLog, Entry, masked_email
from ponte.accounts.core import KeyView
from ponte.accounts.service_users import AccountsContext, SessionView
from ponte.accounts.sessions import SessionRepository
from ponte.accounts.store import TenantRepository
from ponte.accounts.users import InvitationRepository, MembershipRepository, User, UserRepository
from ponte.kernel.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from ponte.platform.db import UnitOfWork


@dataclass(frozen=True)
class Member:
    user_id: str
    name: str
    email: str
    roles: tuple[str, ...]
    totp_enabled: bool
    joined_at: datetime


@dataclass(frozen=True)
class OpenInvitation:
    id: str
    email: str
    roles: tuple[str, ...]
    expires_at: datetime


@dataclass(frozen=True)
class Outgoing:
    """Mail to send once the unit of work has committed: what kind, to whom, with which link token."""

    kind: str  # "invitation" | "password-reset"
    to: str
    token: str
    tenant_name: str = ""


@dataclass(frozen=True)
class InvitationView:
    tenant_name: str
    email: str
    roles: tuple[str, ...]
    existing_user: bool


def _need(viewer: SessionView, permission: str) -> None:
    if permission not in viewer.scopes:
        raise PermissionDenied(f"this needs the permission {permission!r}", rule=permission)


# -- people of a tenant ----------------------------------------------------------------------------


def create_user(
    uow: UnitOfWork, tenant_id: str, email: str, name: str, password: str, codes: list[str], at: datetime
) -> str:
    """A person with a password and a membership (the command line's way to make a tenant's first admin)."""
    tenant = TenantRepository(uow.session).get(tenant_id)
    email = roles.check_email(email)
    name = roles.check_display_name(name)
    credentials.check_password(password, email=email)
    checked = roles.check_roles(codes, tenant.kind)
    users = UserRepository(uow.session)
    user = users.by_email(email) or users.add(email, name, credentials.hash_password(password), at)
    MembershipRepository(uow.session).add(user.id, tenant.id, checked, at)
    AuditLog(uow.session).record(tenant.id, "cli", "user.created", user.id, at, " ".join(checked))
    return user.id


def members(uow: UnitOfWork, viewer: SessionView) -> list[Member]:
    _need(viewer, roles.USERS_MANAGE)
    return [
        Member(u.id, u.name, u.email, tuple(sorted(m.roles)), bool(u.totp_secret), m.created_at)
        for m, u in MembershipRepository(uow.session).of_tenant(viewer.tenant_id)
    ]


def _managers_left(uow: UnitOfWork, tenant_id: str, without: str) -> int:
    return sum(
        1
        for m, _u in MembershipRepository(uow.session).of_tenant(tenant_id)
        if m.user_id != without and roles.USERS_MANAGE in roles.scopes_of(tuple(m.roles))
    )


def change_roles(uow: UnitOfWork, viewer: SessionView, user_id: str, codes: list[str], at: datetime) -> None:
    _need(viewer, roles.USERS_MANAGE)
    membership = MembershipRepository(uow.session).find(user_id, viewer.tenant_id)
    if membership is None:
        raise NotFoundError("member", user_id)
    checked = roles.check_roles(codes, viewer.tenant_kind)
    if (
        roles.USERS_MANAGE not in roles.scopes_of(checked)
        and _managers_left(uow, viewer.tenant_id, user_id) == 0
    ):
        raise ConflictError(
            "the tenant needs at least one person who manages its people", field="roles", rule="last-admin"
        )
    membership.roles = list(checked)
    AuditLog(uow.session).record(
        viewer.tenant_id, viewer.actor, "user.roles_changed", user_id, at, " ".join(checked)
    )


def remove_member(uow: UnitOfWork, viewer: SessionView, user_id: str, at: datetime) -> None:
    _need(viewer, roles.USERS_MANAGE)
    memberships = MembershipRepository(uow.session)
    membership = memberships.find(user_id, viewer.tenant_id)
    if membership is None:
        raise NotFoundError("member", user_id)
    if _managers_left(uow, viewer.tenant_id, user_id) == 0:
        raise ConflictError(
            "the tenant needs at least one person who manages its people", field="user", rule="last-admin"
        )
    memberships.remove(membership)
    SessionRepository(uow.session).end_all_of_member(user_id, viewer.tenant_id, at)
    AuditLog(uow.session).record(viewer.tenant_id, viewer.actor, "user.removed", user_id, at)


# -- invitations -----------------------------------------------------------------------------------


def invite(uow: UnitOfWork, viewer: SessionView, email: str, codes: list[str], at: datetime) -> Outgoing:
    _need(viewer, roles.USERS_MANAGE)
    email = roles.check_email(email)
    checked = roles.check_roles(codes, viewer.tenant_kind)
    existing = UserRepository(uow.session).by_email(email)
    if existing is not None and MembershipRepository(uow.session).find(existing.id, viewer.tenant_id):
        raise ConflictError("this person is already a member of the tenant", field="email", rule="unique")
    token = credentials.new_token()
    row = InvitationRepository(uow.session).add(
        viewer.tenant_id,
        email,
        checked,
        credentials.token_hash(token),
        viewer.user_id,
        at,
        at + timedelta(days=credentials.INVITATION_DAYS),
    )
    AuditLog(uow.session).record(
        viewer.tenant_id,
        viewer.actor,
        "user.invited",
        row.id,
        at,
        f"{masked_email(email)} {' '.join(checked)}",
    )
    return Outgoing("invitation", email, token, viewer.tenant_name)


def open_invitations(uow: UnitOfWork, viewer: SessionView, at: datetime) -> list[OpenInvitation]:
    _need(viewer, roles.USERS_MANAGE)
    return [
        OpenInvitation(i.id, i.email, tuple(i.roles), i.expires_at)
        for i in InvitationRepository(uow.session).open_of_tenant(viewer.tenant_id, at)
    ]


def revoke_invitation(uow: UnitOfWork, viewer: SessionView, invitation_id: str, at: datetime) -> None:
    _need(viewer, roles.USERS_MANAGE)
    row = InvitationRepository(uow.session).get(viewer.tenant_id, invitation_id)
    if row.accepted_at is None and row.revoked_at is None:
        row.revoked_at = at
        AuditLog(uow.session).record(viewer.tenant_id, viewer.actor, "invitation.revoked", row.id, at)


def _invitation(uow: UnitOfWork, token: str, at: datetime, lock: bool = False):  # type: ignore[no-untyped-def]
    row = InvitationRepository(uow.session).by_token_hash(credentials.token_hash(token), lock=lock)
    if row is None or row.revoked_at is not None or row.accepted_at is not None:
        raise ValidationError("this invitation is not valid any more", field="token", rule="invitation")
    if row.expires_at <= at:
        raise ValidationError("this invitation has expired; ask for a new one", field="token", rule="expired")
    return row


def invitation(uow: UnitOfWork, token: str, at: datetime) -> InvitationView:
    row = _invitation(uow, token, at)
    tenant = TenantRepository(uow.session).get(row.tenant_id)
    exists = UserRepository(uow.session).by_email(row.email) is not None
    return InvitationView(tenant.name, row.email, tuple(row.roles), exists)


def accept_invitation(uow: UnitOfWork, token: str, name: str, password: str, at: datetime) -> str:
    """Join the tenant: a new person sets a name and password; a known one proves theirs. Returns the user id."""
    row = _invitation(uow, token, at, lock=True)
    users = UserRepository(uow.session)
    user = users.by_email(row.email)
    if user is None:
        credentials.check_password(password, email=row.email)
        user = users.add(row.email, roles.check_display_name(name), credentials.hash_password(password), at)
    elif not credentials.verify_password(password, user.password_hash):
        raise ValidationError("this is not the password of this account", field="password", rule="sign-in")
    MembershipRepository(uow.session).add(user.id, row.tenant_id, tuple(row.roles), at)
    row.accepted_at = at
    AuditLog(uow.session).record(
        row.tenant_id, f"user:{user.id}", "user.joined", user.id, at, " ".join(row.roles)
    )
    return user.id


# -- passwords and TOTP ----------------------------------------------------------------------------


def request_password_reset(
    uow: UnitOfWork, ctx: AccountsContext, email: str, at: datetime
) -> Outgoing | None:
    """A reset link for the address, if it belongs to someone (the caller answers the same either way)."""
    email = roles.check_email(email)
    user = UserRepository(uow.session).by_email(email)
    if user is None or user.disabled_at is not None:
        return None
    for membership in MembershipRepository(uow.session).of_user(user.id)[:1]:
        AuditLog(uow.session).record(
            membership.tenant_id, f"user:{user.id}", "user.password_reset_requested", user.id, at
        )
    return Outgoing(
        "password-reset", user.email, credentials.sign_reset(ctx.secret, user.id, user.password_hash, at)
    )


def check_reset_link(uow: UnitOfWork, ctx: AccountsContext, token: str, at: datetime) -> User:
    claim = credentials.read_reset(ctx.secret, token, at)
    user = uow.session.get(User, claim.user_id)
    if user is None or credentials.password_fingerprint(user.password_hash) != claim.fingerprint:
        raise ValidationError("this link was already used or is not valid", field="token", rule="used")
    return user


def reset_password(uow: UnitOfWork, ctx: AccountsContext, token: str, password: str, at: datetime) -> None:
    """Set a new password from a reset link (which then stops working) and end every session of the user."""
    user = UserRepository(uow.session).for_update(check_reset_link(uow, ctx, token, at).id)
    credentials.check_password(password, email=user.email)
    _set_password(uow, user, password, at, "user.password_reset")


def change_password(uow: UnitOfWork, viewer: SessionView, current: str, new: str, at: datetime) -> None:
    user = _own_user(uow, viewer)
    if not credentials.verify_password(current, user.password_hash):
        raise ValidationError("this is not your current password", field="current", rule="sign-in")
    credentials.check_password(new, field="password", email=user.email)
    _set_password(uow, user, new, at, "user.password_changed", keep=viewer.token_hash)


def _set_password(
    uow: UnitOfWork, user: User, password: str, at: datetime, action: str, keep: str | None = None
) -> None:
    user.password_hash = credentials.hash_password(password)
    user.password_changed_at = at
    user.failed_sign_ins = 0
    user.locked_until = None
    SessionRepository(uow.session).end_all_of_user(user.id, at, keep=keep)
    for membership in MembershipRepository(uow.session).of_user(user.id):
        AuditLog(uow.session).record(membership.tenant_id, f"user:{user.id}", action, user.id, at)


def _own_user(uow: UnitOfWork, viewer: SessionView) -> User:
    if viewer.user_id is None:
        raise PermissionDenied("only a person signed in with a password has an account", rule="user")
    return UserRepository(uow.session).for_update(viewer.user_id)


def start_totp(uow: UnitOfWork, viewer: SessionView) -> tuple[str, str]:
    """A new secret waiting for its first code: (secret, otpauth:// URI for the authenticator's QR code)."""
    user = _own_user(uow, viewer)
    if not user.totp_pending:
        user.totp_pending = credentials.new_totp_secret()
    return user.totp_pending, credentials.totp_uri(user.totp_pending, user.email)


def confirm_totp(uow: UnitOfWork, viewer: SessionView, code: str, at: datetime) -> None:
    user = _own_user(uow, viewer)
    step = credentials.totp_step(user.totp_pending or "", code, at, None) if user.totp_pending else None
    if step is None:
        raise ValidationError(
            "this code is wrong: type the code your app shows now", field="code", rule="totp"
        )
    user.totp_secret, user.totp_pending, user.totp_last_step = user.totp_pending, None, step
    for membership in MembershipRepository(uow.session).of_user(user.id):
        AuditLog(uow.session).record(membership.tenant_id, viewer.actor, "user.totp_enabled", user.id, at)


def disable_totp(uow: UnitOfWork, viewer: SessionView, password: str, at: datetime) -> None:
    user = _own_user(uow, viewer)
    if not credentials.verify_password(password, user.password_hash):
        raise ValidationError("this is not your current password", field="current", rule="sign-in")
    user.totp_secret, user.totp_pending, user.totp_last_step = None, None, None
    for membership in MembershipRepository(uow.session).of_user(user.id):
        AuditLog(uow.session).record(membership.tenant_id, viewer.actor, "user.totp_disabled", user.id, at)


# -- the audit log and the tenant's API keys -------------------------------------------------------


def audit_entries(
    uow: UnitOfWork,
    viewer: SessionView,
    before: int | None = None,
    limit: int = 50,
    action: str | None = None,
) -> list[Entry]:
    _need(viewer, roles.AUDIT_READ)
    return AuditLog(uow.session).page(viewer.tenant_id, before, limit, action)


def actor_names(uow: UnitOfWork, viewer: SessionView, entries: list[Entry]) -> dict[str, str]:
    """The display name of each ``user:<id>`` actor among ``entries`` who is a member of the viewer's tenant."""
    _need(viewer, roles.AUDIT_READ)
    wanted = {e.actor.removeprefix("user:") for e in entries if e.actor.startswith("user:")}
    return {
        f"user:{u.id}": u.name
        for m, u in MembershipRepository(uow.session).of_tenant(viewer.tenant_id)
        if u.id in wanted and m.tenant_id == viewer.tenant_id
    }


def tenant_keys(uow: UnitOfWork, viewer: SessionView) -> list[KeyView]:
    """The tenant's keys, revoked ones included (never their secrets)."""
    _need(viewer, roles.KEYS_MANAGE)
    return key_service.keys(uow, viewer.tenant_id)


def revoke_tenant_key(uow: UnitOfWork, viewer: SessionView, key_id: str, at: datetime) -> list[str]:
    """Revoke a key of the viewer's tenant and what it minted (never a key with scopes the viewer lacks)."""
    _need(viewer, roles.KEYS_MANAGE)
    revoked = key_service.revoke_key(uow, viewer.tenant_id, key_id, by=viewer.principal)
    AuditLog(uow.session).record(viewer.tenant_id, viewer.actor, "key.revoked", key_id, at, " ".join(revoked))
    return revoked

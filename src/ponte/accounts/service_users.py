"""The accounts' use cases for people: signing in and out of the console, its sessions, members and their roles,
invitations, password resets, TOTP, and the audit log. The caller commits (one unit of work per use case).

Rules kept here: a password is checked against Argon2id and a locked account (too many failures) waits; a TOTP
code works once; a session is a random token of which only a hash is stored, ended by signing out, by a password
change or reset, and by removing the member; a member's roles never reach beyond the tenant; the last person who
may manage a tenant's people cannot be removed nor lose that right; every change is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer

from ponte.accounts import credentials, roles
from ponte.accounts import service as key_service
from ponte.accounts.audit import AuditLog
from ponte.accounts.core import Principal
from ponte.accounts.sessions import BY_DEMO, BY_KEY, BY_PASSWORD, ConsoleSession, SessionRepository
from ponte.accounts.store import ApiKey, Tenant, TenantRepository
from ponte.accounts.users import MembershipRepository, User, UserRepository
from ponte.kernel.errors import NotFoundError, PermissionDenied, ValidationError
from ponte.platform.db import UnitOfWork

SESSION_HOURS = 12  # a session ends this long after sign-in, whatever happens
IDLE_MINUTES = 120  # ... or after this long without a request
TOUCH_SECONDS = 300  # the last-seen time is written at most this often
PENDING_SECONDS = 300  # between the password and the TOTP code
DEMO_PREFIX = "demo-"


@dataclass(frozen=True)
class AccountsContext:
    """What the use cases need from the configuration: the signing secret, whether this is development."""

    secret: str
    development: bool = False


@dataclass(frozen=True)
class TenantChoice:
    tenant_id: str
    name: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class SessionView:
    """A live console session: who is signed in, for which tenant, with which roles and scopes."""

    token_hash: str
    method: str
    tenant_id: str
    tenant_name: str
    tenant_kind: str
    tenant_slug: str
    roles: tuple[str, ...]
    scopes: frozenset[str]
    data: dict[str, object]
    user_id: str | None = None
    user_name: str = ""
    user_email: str = ""
    key_id: str | None = None
    totp_enabled: bool = False
    tenants: tuple[TenantChoice, ...] = field(default_factory=tuple)

    @property
    def principal(self) -> Principal:
        return Principal(self.tenant_id, self.scopes, self.key_id or "")

    @property
    def actor(self) -> str:
        if self.user_id:
            return f"user:{self.user_id}"
        return f"key:{self.key_id}" if self.key_id else "demo"


@dataclass(frozen=True)
class SignInStep:
    """After a good password: either a session (``token``) or the TOTP step (``pending``)."""

    token: str | None = None
    pending: str | None = None


# -- signing in -------------------------------------------------------------------------------------


def _pending_serializer(ctx: AccountsContext) -> URLSafeSerializer:
    return URLSafeSerializer(ctx.secret, salt="ponte-sign-in-totp")


def _bad_sign_in() -> ValidationError:
    return ValidationError("the e-mail address or the password is wrong", field="password", rule="sign-in")


def sign_in_with_password(
    uow: UnitOfWork, ctx: AccountsContext, email: str, password: str, at: datetime
) -> SignInStep:
    """Check an address and password; opens a session, or asks for the TOTP code when the user has one."""
    email = roles.check_email(email)
    users = UserRepository(uow.session)
    user = users.by_email(email)
    if user is None or user.disabled_at is not None:
        credentials.verify_password(password, None)
        raise _bad_sign_in()
    user = users.for_update(user.id)
    if user.locked_until is not None and user.locked_until > at:
        credentials.verify_password(password, None)
        raise ValidationError(
            "too many failed attempts: try again in a few minutes", field="password", rule="locked"
        )
    if not credentials.verify_password(password, user.password_hash):
        user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
        if user.failed_sign_ins >= credentials.MAX_FAILED_SIGN_INS:
            user.locked_until = at + timedelta(minutes=credentials.LOCK_MINUTES)
            user.failed_sign_ins = 0
        for membership in MembershipRepository(uow.session).of_user(user.id)[:1]:
            AuditLog(uow.session).record(
                membership.tenant_id, f"user:{user.id}", "session.sign_in_failed", user.id, at
            )
        raise _bad_sign_in()
    if user.password_hash and (updated := credentials.rehashed(password, user.password_hash)):
        user.password_hash = updated
    if user.totp_secret:
        pending = _pending_serializer(ctx).dumps(
            {
                "u": user.id,
                "p": credentials.password_fingerprint(user.password_hash),
                "t": int(at.timestamp()),
            }
        )
        return SignInStep(pending=str(pending))
    return SignInStep(token=_open_user_session(uow, user, at))


def sign_in_with_totp(uow: UnitOfWork, ctx: AccountsContext, pending: str, code: str, at: datetime) -> str:
    """The second step: the code of the user's authenticator; returns the session token."""
    try:
        data = _pending_serializer(ctx).loads(pending)
    except BadSignature as exc:
        raise ValidationError("sign in again", field="code", rule="signature") from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), str) or not isinstance(data.get("t"), int):
        raise ValidationError("sign in again", field="code", rule="signature")
    if not 0 <= at.timestamp() - data["t"] <= PENDING_SECONDS:
        raise ValidationError("too slow: sign in again", field="code", rule="expired")
    users = UserRepository(uow.session)
    user = users.for_update(data["u"])
    if user.disabled_at is not None or data.get("p") != credentials.password_fingerprint(user.password_hash):
        raise ValidationError("sign in again", field="code", rule="signature")
    if user.locked_until is not None and user.locked_until > at:
        raise ValidationError(
            "too many failed attempts: try again in a few minutes", field="code", rule="locked"
        )
    step = credentials.totp_step(user.totp_secret or "", code, at, user.totp_last_step)
    if step is None:
        user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
        if user.failed_sign_ins >= credentials.MAX_FAILED_SIGN_INS:
            user.locked_until = at + timedelta(minutes=credentials.LOCK_MINUTES)
            user.failed_sign_ins = 0
        raise ValidationError("this code is wrong or was already used", field="code", rule="totp")
    user.totp_last_step = step
    return _open_user_session(uow, user, at)


def _open_user_session(uow: UnitOfWork, user: User, at: datetime) -> str:
    memberships = MembershipRepository(uow.session).of_user(user.id)
    if not memberships:
        raise ValidationError("this account is not a member of any tenant", field="email", rule="membership")
    user.failed_sign_ins = 0
    user.locked_until = None
    first = memberships[0]
    token = credentials.new_token()
    SessionRepository(uow.session).add(
        credentials.token_hash(token),
        BY_PASSWORD,
        first.tenant_id,
        list(first.roles),
        at,
        at + timedelta(hours=SESSION_HOURS),
        user_id=user.id,
    )
    AuditLog(uow.session).record(first.tenant_id, f"user:{user.id}", "session.signed_in", user.id, at)
    return token


def sign_in_with_key(uow: UnitOfWork, key: str, at: datetime) -> str | None:
    """A session for an API key (a tenant's service credential), or None when the key is not valid."""
    principal = key_service.authenticate(uow, key.strip())
    if principal is None:
        return None
    token = credentials.new_token()
    SessionRepository(uow.session).add(
        credentials.token_hash(token),
        BY_KEY,
        principal.tenant_id,
        [],
        at,
        at + timedelta(hours=SESSION_HOURS),
        key_id=principal.key_id,
    )
    AuditLog(uow.session).record(
        principal.tenant_id, f"key:{principal.key_id}", "session.signed_in", principal.key_id, at
    )
    return token


def demo_tenants(uow: UnitOfWork, ctx: AccountsContext) -> list[Tenant]:
    """The demo tenants one may enter with one click (development only; none elsewhere)."""
    if not ctx.development:
        return []
    return [t for t in TenantRepository(uow.session).list() if t.slug.startswith(DEMO_PREFIX)]


def sign_in_demo(uow: UnitOfWork, ctx: AccountsContext, tenant_id: str, at: datetime) -> str | None:
    """A session as the administrator of a demo tenant (development only), or None."""
    matches = [t for t in demo_tenants(uow, ctx) if t.id == tenant_id]
    if not matches:
        return None
    tenant = matches[0]
    token = credentials.new_token()
    SessionRepository(uow.session).add(
        credentials.token_hash(token),
        BY_DEMO,
        tenant.id,
        list(roles.demo_roles(tenant.kind)),
        at,
        at + timedelta(hours=SESSION_HOURS),
    )
    AuditLog(uow.session).record(tenant.id, "demo", "session.signed_in", tenant.id, at)
    return token


# -- sessions -----------------------------------------------------------------------------------------


def session(uow: UnitOfWork, ctx: AccountsContext, token: str, at: datetime) -> SessionView | None:
    """The live session of a cookie's token, or None (unknown, ended, expired, idle too long, or its user,
    membership or key gone). Touches its last-seen time now and then (the caller commits)."""
    if not token:
        return None
    hashed = credentials.token_hash(token)
    sessions = SessionRepository(uow.session)
    row = sessions.live(hashed, at)
    if row is None:
        return None
    if row.last_seen_at + timedelta(minutes=IDLE_MINUTES) <= at:
        row.ended_at = at
        return None
    view = _view(uow, ctx, row)
    if view is None:
        row.ended_at = at
        return None
    if (at - row.last_seen_at).total_seconds() >= TOUCH_SECONDS:
        row.last_seen_at = at
    return view


def _view(uow: UnitOfWork, ctx: AccountsContext, row: ConsoleSession) -> SessionView | None:
    tenant = uow.session.get(Tenant, row.tenant_id)
    if tenant is None:
        return None
    base = {
        "token_hash": row.token_hash,
        "method": row.method,
        "tenant_id": tenant.id,
        "tenant_name": tenant.name,
        "tenant_kind": tenant.kind,
        "tenant_slug": tenant.slug,
        "data": dict(row.data or {}),
    }
    if row.method == BY_KEY:
        key = uow.session.get(ApiKey, row.key_id) if row.key_id else None
        # revoked, or minted by a key since revoked: the session ends with it
        if key is None or key.tenant_id != tenant.id or not key_service.key_active(uow, key.id):
            return None
        return SessionView(roles=(), scopes=frozenset(key.scopes), key_id=key.id, **base)  # type: ignore[arg-type]
    if row.method == BY_DEMO:
        if not (ctx.development and tenant.slug.startswith(DEMO_PREFIX)):
            return None
        codes = tuple(row.roles)
        return SessionView(roles=codes, scopes=roles.scopes_of(codes), **base)  # type: ignore[arg-type]
    if row.user_id is None:
        return None
    user = uow.session.get(User, row.user_id)
    memberships = MembershipRepository(uow.session)
    membership = memberships.find(row.user_id, tenant.id)
    if user is None or user.disabled_at is not None or membership is None:
        return None
    codes = tuple(sorted(membership.roles))  # the roles as they are now, not as they were at sign-in
    choices = []
    for m in memberships.of_user(user.id):
        other = uow.session.get(Tenant, m.tenant_id)
        if other is not None:
            choices.append(TenantChoice(other.id, other.name, tuple(m.roles)))
    return SessionView(
        roles=codes,
        scopes=roles.scopes_of(codes),
        user_id=user.id,
        user_name=user.name,
        user_email=user.email,
        totp_enabled=bool(user.totp_secret),
        tenants=tuple(choices),
        **base,  # type: ignore[arg-type]
    )


def save_data(uow: UnitOfWork, token_hash: str, data: dict[str, object], at: datetime) -> None:
    """Keep the session's small state (a notice for the next page, saved filters)."""
    row = SessionRepository(uow.session).live(token_hash, at)
    if row is not None:
        row.data = dict(data)


def sign_out(uow: UnitOfWork, token: str, at: datetime) -> None:
    """End the session of this token: its cookie is dead from now on."""
    if not token:
        return
    hashed = credentials.token_hash(token)
    sessions = SessionRepository(uow.session)
    row = sessions.live(hashed, at)
    if row is not None:
        actor = f"user:{row.user_id}" if row.user_id else (f"key:{row.key_id}" if row.key_id else "demo")
        AuditLog(uow.session).record(
            row.tenant_id, actor, "session.signed_out", row.user_id or row.key_id or "", at
        )
    sessions.end(hashed, at)


def switch_tenant(uow: UnitOfWork, viewer: SessionView, tenant_id: str, at: datetime) -> None:
    """Speak for another tenant the user is a member of (the same session)."""
    if viewer.user_id is None:
        raise PermissionDenied(
            "only a person signed in with a password can switch tenants", rule="membership"
        )
    membership = MembershipRepository(uow.session).find(viewer.user_id, tenant_id)
    if membership is None:
        raise NotFoundError("tenant", tenant_id)
    row = SessionRepository(uow.session).live(viewer.token_hash, at)
    if row is None:
        raise PermissionDenied("the session has ended", rule="session")
    row.tenant_id = tenant_id
    row.roles = list(membership.roles)
    row.data = {}

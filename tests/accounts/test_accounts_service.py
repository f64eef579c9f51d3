"""People, sessions, invitations, resets, TOTP and the audit log through the accounts service (SQLite and
PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from ponte.accounts import credentials
from ponte.accounts import service_members as members
from ponte.accounts import service_users as accounts
from ponte.accounts.service_users import AccountsContext, SessionView
from ponte.accounts.store import TenantRepository
from ponte.kernel.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from ponte.platform.db import Database

T0 = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
CTX = AccountsContext("a-session-secret-of-the-tests-only-0123456789")
PASSWORD = "correct horse battery"


@pytest.fixture
def people(database: Database) -> dict[str, str]:
    with database.unit_of_work() as uow:
        tenants = TenantRepository(uow.session)
        a = tenants.add("Glow", "glow", "seller", "CN").id
        b = tenants.add("Yiwu", "yiwu", "seller", "CN").id
        admin = members.create_user(uow, a, "ana@glow.example", "Ana", PASSWORD, ["seller_admin"], T0)
        clerk = members.create_user(uow, a, "caio@glow.example", "Caio", PASSWORD, ["clerk"], T0)
        other = members.create_user(uow, b, "bo@yiwu.example", "Bo", PASSWORD, ["seller_admin"], T0)
        uow.commit()
    return {"a": a, "b": b, "admin": admin, "clerk": clerk, "other": other}


def sign_in(database: Database, email: str, at: datetime = T0) -> str:
    with database.unit_of_work() as uow:
        step = accounts.sign_in_with_password(uow, CTX, email, PASSWORD, at)
        uow.commit()
    assert step.token is not None
    return step.token


def view(database: Database, token: str, at: datetime = T0) -> SessionView | None:
    with database.unit_of_work() as uow:
        found = accounts.session(uow, CTX, token, at)
        uow.commit()
    return found


def test_a_password_opens_a_session_with_the_roles_scopes(database: Database, people) -> None:  # type: ignore[no-untyped-def]
    token = sign_in(database, "ANA@glow.example ")
    found = view(database, token)
    assert found is not None and found.tenant_id == people["a"] and found.roles == ("seller_admin",)
    assert "users:manage" in found.scopes and "orders:write" in found.scopes
    assert not found.principal.is_operator
    clerk = view(database, sign_in(database, "caio@glow.example"))
    assert clerk is not None and "users:manage" not in clerk.scopes and "customs:write" not in clerk.scopes


def test_a_wrong_password_or_unknown_address_says_the_same_and_locks_after_five(
    database: Database, people
) -> None:  # type: ignore[no-untyped-def]
    messages = set()
    for email in ("ana@glow.example", "nobody@glow.example"):
        with database.unit_of_work() as uow, pytest.raises(ValidationError) as refused:
            accounts.sign_in_with_password(uow, CTX, email, "wrong password!", T0)
        messages.add((refused.value.field, refused.value.message))
    assert len(messages) == 1
    for _ in range(5):
        with database.unit_of_work() as uow:
            with pytest.raises(ValidationError):
                accounts.sign_in_with_password(uow, CTX, "ana@glow.example", "wrong password!", T0)
            uow.commit()
    with database.unit_of_work() as uow, pytest.raises(ValidationError) as locked:
        accounts.sign_in_with_password(uow, CTX, "ana@glow.example", PASSWORD, T0 + timedelta(minutes=1))
    assert locked.value.rule == "locked"
    assert sign_in(database, "ana@glow.example", T0 + timedelta(minutes=16))


def test_sign_out_kills_the_token_and_sessions_expire(database: Database, people) -> None:  # type: ignore[no-untyped-def]
    token = sign_in(database, "ana@glow.example")
    assert view(database, token) is not None
    with database.unit_of_work() as uow:
        accounts.sign_out(uow, token, T0)
        uow.commit()
    assert view(database, token) is None
    idle = sign_in(database, "ana@glow.example")
    assert view(database, idle, T0 + timedelta(minutes=accounts.IDLE_MINUTES + 1)) is None
    long = sign_in(database, "ana@glow.example")
    for hour in range(1, accounts.SESSION_HOURS):
        assert view(database, long, T0 + timedelta(hours=hour)) is not None
    assert view(database, long, T0 + timedelta(hours=accounts.SESSION_HOURS)) is None


def test_addresses_names_and_totp_secrets_are_encrypted_at_rest(database: Database, people) -> None:  # type: ignore[no-untyped-def]
    token = sign_in(database, "ana@glow.example")
    viewer = view(database, token)
    assert viewer is not None
    with database.unit_of_work() as uow:
        secret, _uri = members.start_totp(uow, viewer)
        uow.commit()
    with database.engine.connect() as conn:
        rows = conn.execute(text("SELECT email, name, totp_pending, email_index FROM users")).all()
    dumped = repr(rows)
    assert "glow.example" not in dumped and "Ana" not in dumped and secret not in dumped


def test_totp_needs_the_code_after_the_password(database: Database, people) -> None:  # type: ignore[no-untyped-def]
    viewer = view(database, sign_in(database, "ana@glow.example"))
    assert viewer is not None
    with database.unit_of_work() as uow:
        secret, uri = members.start_totp(uow, viewer)
        uow.commit()
    assert uri.startswith("otpauth://totp/") and "Ponte" in uri
    with database.unit_of_work() as uow, pytest.raises(ValidationError):
        members.confirm_totp(
            uow, viewer, "000000" if credentials.totp_code(secret, T0) != "000000" else "111111", T0
        )
    with database.unit_of_work() as uow:
        members.confirm_totp(uow, viewer, credentials.totp_code(secret, T0), T0)
        uow.commit()
    later = T0 + timedelta(minutes=2)
    with database.unit_of_work() as uow:
        step = accounts.sign_in_with_password(uow, CTX, "ana@glow.example", PASSWORD, later)
        uow.commit()
    assert step.token is None and step.pending
    code = credentials.totp_code(secret, later)
    with database.unit_of_work() as uow:
        token = accounts.sign_in_with_totp(uow, CTX, step.pending, code, later)
        uow.commit()
    assert view(database, token, later) is not None
    with database.unit_of_work() as uow, pytest.raises(ValidationError) as replayed:
        accounts.sign_in_with_totp(uow, CTX, step.pending, code, later)
    assert replayed.value.field == "code"
    with database.unit_of_work() as uow, pytest.raises(ValidationError) as slow:
        accounts.sign_in_with_totp(uow, CTX, step.pending, code, later + timedelta(minutes=6))
    assert slow.value.rule == "expired"


def test_a_reset_link_works_once_and_ends_every_session(database: Database, people) -> None:  # type: ignore[no-untyped-def]
    before = sign_in(database, "ana@glow.example")
    with database.unit_of_work() as uow:
        assert members.request_password_reset(uow, CTX, "nobody@glow.example", T0) is None
        outgoing = members.request_password_reset(uow, CTX, "ana@glow.example", T0)
        uow.commit()
    assert outgoing is not None and outgoing.to == "ana@glow.example"
    with database.unit_of_work() as uow:
        members.reset_password(uow, CTX, outgoing.token, "a brand new passphrase", T0)
        uow.commit()
    assert view(database, before) is None
    with database.unit_of_work() as uow, pytest.raises(ValidationError) as used:
        members.reset_password(uow, CTX, outgoing.token, "yet another passphrase", T0)
    assert used.value.field == "token"
    with database.unit_of_work() as uow:
        step = accounts.sign_in_with_password(uow, CTX, "ana@glow.example", "a brand new passphrase", T0)
    assert step.token


def test_an_invitation_joins_the_tenant_once(database: Database, people) -> None:  # type: ignore[no-untyped-def]
    admin = view(database, sign_in(database, "ana@glow.example"))
    assert admin is not None
    with database.unit_of_work() as uow:
        outgoing = members.invite(uow, admin, "Dora@glow.example", ["streamer"], T0)
        uow.commit()
    with database.unit_of_work() as uow:
        shown = members.invitation(uow, outgoing.token, T0)
        assert shown.tenant_name == "Glow" and shown.roles == ("streamer",) and not shown.existing_user
        members.accept_invitation(uow, outgoing.token, "Dora", PASSWORD, T0)
        uow.commit()
    dora = view(database, sign_in(database, "dora@glow.example"))
    assert dora is not None and dora.roles == ("streamer",) and dora.tenant_id == people["a"]
    with database.unit_of_work() as uow, pytest.raises(ValidationError):
        members.accept_invitation(uow, outgoing.token, "Dora", PASSWORD, T0)
    with database.unit_of_work() as uow, pytest.raises(ConflictError):
        members.invite(uow, admin, "dora@glow.example", ["clerk"], T0)
    with database.unit_of_work() as uow:
        late = members.invite(uow, admin, "eli@glow.example", ["clerk"], T0)
        uow.commit()
    with database.unit_of_work() as uow, pytest.raises(ValidationError) as expired:
        members.invitation(uow, late.token, T0 + timedelta(days=8))
    assert expired.value.rule == "expired"


def test_members_keys_and_audit_stay_in_the_tenant(database: Database, people) -> None:  # type: ignore[no-untyped-def]
    admin = view(database, sign_in(database, "ana@glow.example"))
    clerk = view(database, sign_in(database, "caio@glow.example"))
    assert admin is not None and clerk is not None
    with database.unit_of_work() as uow:
        names = {m.name for m in members.members(uow, admin)}
        assert names == {"Ana", "Caio"}
        with pytest.raises(NotFoundError):
            members.change_roles(uow, admin, people["other"], ["clerk"], T0)
        with pytest.raises(NotFoundError):
            members.remove_member(uow, admin, people["other"], T0)
        with pytest.raises(PermissionDenied):
            members.members(uow, clerk)
        with pytest.raises(PermissionDenied):
            members.invite(uow, clerk, "x@glow.example", ["clerk"], T0)
        entries = members.audit_entries(uow, admin)
        assert entries and all(e.subject != people["other"] for e in entries)


def test_the_last_admin_stays_and_removal_ends_sessions(database: Database, people) -> None:  # type: ignore[no-untyped-def]
    admin = view(database, sign_in(database, "ana@glow.example"))
    clerk_token = sign_in(database, "caio@glow.example")
    assert admin is not None
    with database.unit_of_work() as uow:
        with pytest.raises(ConflictError):
            members.change_roles(uow, admin, people["admin"], ["clerk"], T0)
        with pytest.raises(ConflictError):
            members.remove_member(uow, admin, people["admin"], T0)
        members.change_roles(uow, admin, people["clerk"], ["clerk", "accountant"], T0)
        uow.commit()
    clerk = view(database, clerk_token)
    assert clerk is not None and clerk.roles == ("accountant", "clerk") and "audit:read" in clerk.scopes
    with database.unit_of_work() as uow:
        members.remove_member(uow, admin, people["clerk"], T0)
        uow.commit()
    assert view(database, clerk_token) is None

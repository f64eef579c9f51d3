"""Roles, passwords, TOTP, signed links and the secrets every environment but development needs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ponte.accounts import credentials, roles
from ponte.accounts.core import ALL_TENANT_SCOPES, SCOPES
from ponte.kernel.errors import ValidationError
from ponte.platform.settings import DEV_DATA_KEY, DEV_SESSION_SECRET, Settings

T0 = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


def test_roles_map_onto_known_scopes_and_only_the_operator_reads_across_tenants() -> None:
    for role in roles.ROLES.values():
        assert role.scopes <= set(SCOPES) | set(roles.CONSOLE_PERMISSIONS), role.code
        assert ("park:operate" in role.scopes) == (role.code == "park_operator")
    assert roles.scopes_of(("streamer",)) == {"live:read", "live:write", "catalog:read", "quotes:read"}
    assert "customs:write" in roles.scopes_of(("customs_broker",))
    assert "logistics:write" in roles.scopes_of(("forwarder",))
    assert roles.USERS_MANAGE not in roles.scopes_of(("clerk", "accountant", "streamer"))


def test_roles_exist_only_in_tenants_of_their_kind() -> None:
    assert roles.check_roles(["clerk", "clerk", "streamer"], "seller") == ("clerk", "streamer")
    with pytest.raises(ValidationError) as refused:
        roles.check_roles(["park_operator"], "seller")
    assert refused.value.field == "roles" and refused.value.rule == "role-for-tenant"
    with pytest.raises(ValidationError):
        roles.check_roles(["pilot"], "seller")
    with pytest.raises(ValidationError):
        roles.check_roles([], "seller")


def test_a_key_of_the_park_operator_holds_park_operate_by_default() -> None:
    assert "park:operate" in roles.default_key_scopes("operator")
    assert roles.default_key_scopes("seller") == sorted(ALL_TENANT_SCOPES)


@pytest.mark.parametrize(
    "bad", ["", "ana", "ana@", "@example.com", "ana@example", "a b@example.com", "ana@exa_mple.com"]
)
def test_email_addresses_are_checked(bad: str) -> None:
    with pytest.raises(ValidationError) as refused:
        roles.check_email(bad)
    assert refused.value.field == "email"


def test_email_addresses_are_trimmed_and_lower_cased() -> None:
    assert roles.check_email("  Ana.Lima@Example.COM ") == "ana.lima@example.com"


def test_passwords_hash_with_argon2id_and_verify() -> None:
    hashed = credentials.hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert credentials.verify_password("correct horse battery", hashed)
    assert not credentials.verify_password("correct horse batterY", hashed)
    assert not credentials.verify_password("anything", None)
    assert not credentials.verify_password("anything", "not a hash")


@pytest.mark.parametrize("weak", ["short", "a" * 20, "ana@example.com"])
def test_weak_passwords_are_refused(weak: str) -> None:
    with pytest.raises(ValidationError) as refused:
        credentials.check_password(weak, email="ana@example.com")
    assert refused.value.field == "password"


def test_a_totp_code_works_once_and_only_near_its_time() -> None:
    secret = credentials.new_totp_secret()
    code = credentials.totp_code(secret, T0)
    step = credentials.totp_step(secret, code, T0, None)
    assert step is not None
    assert credentials.totp_step(secret, code, T0 + timedelta(seconds=10), step) is None  # replayed
    assert credentials.totp_step(secret, code, T0 + timedelta(minutes=5), None) is None  # too late
    assert credentials.totp_step(secret, "12345", T0, None) is None
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert credentials.totp_step(secret, wrong, T0, None) is None


def test_reset_links_are_signed_and_name_the_password_they_replace() -> None:
    at = T0
    token = credentials.sign_reset("s" * 40, "usr_1", "$argon2id$old", at)
    claim = credentials.read_reset("s" * 40, token, at)
    assert claim.user_id == "usr_1"
    assert claim.fingerprint == credentials.password_fingerprint("$argon2id$old")
    assert claim.fingerprint != credentials.password_fingerprint("$argon2id$new")
    with pytest.raises(ValidationError) as forged:
        credentials.read_reset("t" * 40, token, at)
    assert forged.value.rule == "signature"
    with pytest.raises(ValidationError):
        credentials.read_reset("s" * 40, token[:-2] + "xx", at)
    with pytest.raises(ValidationError) as old:
        credentials.read_reset("s" * 40, token, at + timedelta(hours=1, seconds=5))
    assert old.value.rule == "expired"


@pytest.mark.parametrize("env", ["production", "Production", "prod", "staging", "test", "Development"])
def test_every_environment_but_development_needs_its_own_secrets(env: str) -> None:
    with pytest.raises(RuntimeError, match="PONTE_DATA_KEY"):
        Settings(env=env, data_key=DEV_DATA_KEY).check_secrets()
    with pytest.raises(RuntimeError, match="PONTE_SESSION_SECRET"):
        Settings(env=env, data_key="k" * 40, session_secret=DEV_SESSION_SECRET).check_secrets()
    with pytest.raises(RuntimeError, match="PONTE_DATA_KEY must be at least"):
        Settings(env=env, data_key="short", session_secret="s" * 40).check_secrets()
    with pytest.raises(RuntimeError, match="differ"):
        Settings(env=env, data_key="k" * 40, session_secret="k" * 40).check_secrets()
    Settings(env=env, data_key="k" * 40, session_secret="s" * 40).check_secrets()


def test_development_runs_on_the_development_secrets() -> None:
    Settings(env="development", data_key=DEV_DATA_KEY).check_secrets()


def test_the_platform_refuses_to_start_without_its_secrets() -> None:
    from ponte.api.app import create_app

    with pytest.raises(RuntimeError, match="PONTE_SESSION_SECRET"):
        create_app(Settings(env="production", data_key="k" * 40, session_secret=""))

"""Roles of the people who use Ponte, and what each may do (pure: no database).

A person is a member of a tenant with one or more roles; each role is a set of
the API's scopes (``accounts.core.SCOPES``) plus the console's own
permissions over the tenant's people, audit log and service keys. A role never
reaches beyond its tenant: ``park:operate`` (figures across tenants) belongs
to the park operator of an operator tenant only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ponte.accounts.core import ALL_TENANT_SCOPES, SCOPES
from ponte.kernel.errors import ValidationError

#: The console's permissions over the tenant's own accounts (not API scopes: a key never holds them).
USERS_MANAGE = "users:manage"
AUDIT_READ = "audit:read"
KEYS_MANAGE = "keys:manage"
CONSOLE_PERMISSIONS: dict[str, str] = {
    USERS_MANAGE: "invite people, change their roles, remove them from the tenant",
    AUDIT_READ: "read the tenant's audit log",
    KEYS_MANAGE: "list and revoke the tenant's API keys (its service credentials)",
}
ADMIN = frozenset({USERS_MANAGE, AUDIT_READ, KEYS_MANAGE})


@dataclass(frozen=True, slots=True)
class Role:
    code: str
    label: str  # English name; the console translates it
    scopes: frozenset[str]
    tenant_kinds: frozenset[str]  # the kinds of tenant this role exists in


def _role(code: str, label: str, scopes: set[str] | frozenset[str], kinds: set[str]) -> Role:
    unknown = set(scopes) - set(SCOPES) - set(CONSOLE_PERMISSIONS)
    if unknown:  # pragma: no cover - a typo in the table below
        raise ValueError(f"role {code} names unknown scopes {sorted(unknown)}")
    return Role(code, label, frozenset(scopes), frozenset(kinds))


_EVERY_TENANT_SCOPE = frozenset(ALL_TENANT_SCOPES)

ROLES: dict[str, Role] = {
    r.code: r
    for r in (
        _role("park_operator", "Park operator", _EVERY_TENANT_SCOPE | {"park:operate"} | ADMIN, {"operator"}),
        _role("seller_admin", "Seller admin", _EVERY_TENANT_SCOPE | ADMIN, {"seller", "provider"}),
        _role(
            "clerk",
            "Clerk",
            {
                "catalog:read",
                "catalog:write",
                "orders:read",
                "orders:write",
                "quotes:read",
                "live:read",
                "customs:read",
                "logistics:read",
                "warehouses:read",
            },
            {"seller", "provider"},
        ),
        _role(
            "streamer",
            "Streamer",
            {"live:read", "live:write", "catalog:read", "quotes:read"},
            {"seller"},
        ),
        _role(
            "customs_broker",
            "Customs broker",
            # the declarations name the buyer: a broker sees them in clear
            {
                "customs:read",
                "customs:write",
                "orders:read",
                "quotes:read",
                "logistics:read",
                "personal:read",
            },
            {"seller", "provider"},
        ),
        _role(
            "forwarder",
            "Forwarder",
            {
                "logistics:read",
                "logistics:write",
                "orders:read",
                "customs:read",
                "warehouses:read",
                "warehouses:write",
            },
            {"seller", "provider"},
        ),
        _role(
            "accountant",
            "Accountant",
            {"orders:read", "quotes:read", "analytics:read", "duties:write", "customs:read", AUDIT_READ},
            {"seller", "provider", "operator"},
        ),
    )
}


def role(code: str) -> Role:
    found = ROLES.get(code)
    if found is None:
        raise ValidationError(
            f"unknown role {code!r}; known: {', '.join(ROLES)}", field="role", rule="known-role"
        )
    return found


def check_roles(codes: list[str] | tuple[str, ...], tenant_kind: str) -> tuple[str, ...]:
    """The roles, known and allowed in a tenant of this kind, sorted and without repeats."""
    if not codes:
        raise ValidationError("choose at least one role", field="roles", rule="required")
    for code in codes:
        if tenant_kind not in role(code).tenant_kinds:
            raise ValidationError(
                f"the role {code!r} does not exist in a tenant of kind {tenant_kind!r}",
                field="roles",
                rule="role-for-tenant",
            )
    return tuple(sorted(set(codes)))


def scopes_of(codes: tuple[str, ...] | list[str]) -> frozenset[str]:
    """Everything the roles together allow."""
    granted: set[str] = set()
    for code in codes:
        granted |= role(code).scopes
    return frozenset(granted)


def default_key_scopes(tenant_kind: str) -> list[str]:
    """What a key of a tenant holds when no scope is named: every tenant scope, and for the park operator
    also ``park:operate`` (without it the operator's figures are empty on a full database)."""
    scopes = list(ALL_TENANT_SCOPES)
    if tenant_kind == "operator":
        scopes.append("park:operate")
    return sorted(scopes)


def demo_roles(tenant_kind: str) -> tuple[str, ...]:
    """The roles of a one-click demo sign-in (development only): the tenant's administrator."""
    return ("park_operator",) if tenant_kind == "operator" else ("seller_admin",)


# -- e-mail addresses (the name people sign in with) ---------------------------------------------

_EMAIL = re.compile(
    r"^[^@\s\x00-\x1f\x7f]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$"
)
MAX_EMAIL = 254


def check_email(value: str, field: str = "email") -> str:
    """An address as typed, trimmed and lower-cased; refused (naming the field) if it is not one."""
    email = value.strip().lower()
    if not email:
        raise ValidationError("enter an e-mail address", field=field, rule="required")
    if len(email) > MAX_EMAIL or not _EMAIL.match(email):
        raise ValidationError("this is not an e-mail address", field=field, rule="email")
    return email


def check_display_name(value: str, field: str = "name") -> str:
    name = " ".join(value.split())
    if not name:
        raise ValidationError("enter a name", field=field, rule="required")
    if len(name) > 100 or any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValidationError("at most 100 characters, on one line", field=field, rule="single-line")
    return name

"""API keys and scopes (pure: no database).

A key looks like `pk_<prefix>_<secret>`. The prefix finds the stored row; only
the SHA-256 of the whole key is stored (keys are 256-bit random, so a plain
hash is enough; a password hash would only slow every request). The key is
shown once, when it is made.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from ponte.kernel.errors import PermissionDenied, ValidationError

SCOPES: dict[str, str] = {
    "catalog:read": "read products and booths",
    "catalog:write": "create and change products",
    "orders:read": "read orders and buyers",
    "orders:write": "create and change orders",
    "quotes:read": "compute landed-cost quotes",
    "duties:write": "set the tenant's tax registrations (IOSS, Remessa Conforme, SII)",
    "customs:read": "read declarations and receipts",
    "customs:write": "create, sign and send declarations",
    "logistics:read": "read shipments, plans and tracking",
    "logistics:write": "plan consolidations, issue AWBs, post tracking events",
    "live:read": "read live sessions and offers",
    "live:write": "run live sessions, offers and purchases",
    "warehouses:read": "read overseas warehouse stock",
    "warehouses:write": "move overseas warehouse stock",
    "analytics:read": "read the corridor's figures",
    "personal:read": "see buyers' names, ID numbers, phones and addresses in clear (customs messages)",
    "keys:manage": "issue, list and revoke the tenant's API keys (never with more scopes than the issuer holds)",
    "park:operate": "the park operator: read figures across tenants",
}

#: The scope that shows personal data in clear where a view would mask it.
PERSONAL_DATA = "personal:read"
#: The scope that issues, lists and revokes keys.
MANAGE_KEYS = "keys:manage"

ALL_TENANT_SCOPES = sorted(s for s in SCOPES if s != "park:operate")


def check_scopes(scopes: list[str]) -> list[str]:
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise ValidationError(
            f"unknown scope(s): {', '.join(unknown)}; known: {', '.join(sorted(SCOPES))}",
            field="scopes",
            rule="known-scope",
        )
    return sorted(set(scopes))


def check_grant(holder: frozenset[str] | set[str], requested: list[str]) -> list[str]:
    """The scopes a key may be issued with by a holder of ``holder``: it must manage keys, and a key never
    grants a scope its issuer lacks."""
    if MANAGE_KEYS not in holder:
        raise PermissionDenied(f"issuing keys needs the scope {MANAGE_KEYS!r}", rule=MANAGE_KEYS)
    scopes = check_scopes(requested)
    extra = sorted(set(scopes) - set(holder))
    if extra:
        raise PermissionDenied(
            f"a key cannot grant scopes its issuer lacks: {', '.join(extra)}", rule="scope-subset"
        )
    return scopes


def check_revoke(holder: frozenset[str] | set[str], target: list[str]) -> None:
    """A holder of ``holder`` may revoke a key of its tenant that grants nothing it lacks."""
    if MANAGE_KEYS not in holder:
        raise PermissionDenied(f"revoking keys needs the scope {MANAGE_KEYS!r}", rule=MANAGE_KEYS)
    extra = sorted(set(target) - set(holder))
    if extra:
        raise PermissionDenied(
            f"this key cannot revoke a key with scopes it lacks: {', '.join(extra)}", rule="scope-subset"
        )


def descendants(parents: dict[str, str | None], key_id: str) -> list[str]:
    """``key_id`` and every key minted from it, directly or through others (``parents``: id -> parent id)."""
    children: dict[str, list[str]] = {}
    for child, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    out, todo = [], [key_id]
    while todo:
        current = todo.pop()
        if current in out:
            continue
        out.append(current)
        todo.extend(sorted(children.get(current, [])))
    return out


@dataclass(frozen=True)
class KeyView:
    """A key as its tenant sees it (never the secret)."""

    id: str
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    revoked_at: datetime | None
    parent_id: str | None

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "prefix": self.prefix,
            "scopes": list(self.scopes),
            "created_at": self.created_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "parent_id": self.parent_id,
        }


@dataclass(frozen=True)
class IssuedKey:
    prefix: str
    secret: str  # the whole key; shown once
    secret_hash: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def issue_key() -> IssuedKey:
    prefix = secrets.token_hex(6)
    key = f"pk_{prefix}_{secrets.token_urlsafe(32)}"
    return IssuedKey(prefix, key, hash_key(key))


def parse_prefix(key: str) -> str | None:
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != "pk" or not parts[1] or not parts[2]:
        return None
    return parts[1]


def key_matches(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_key(key), stored_hash)


@dataclass(frozen=True)
class Principal:
    """Who is calling: a tenant with scopes; the park operator may read across tenants."""

    tenant_id: str
    scopes: frozenset[str] = field(default_factory=frozenset)
    key_id: str = ""

    @property
    def is_operator(self) -> bool:
        return "park:operate" in self.scopes

    def has(self, scope: str) -> bool:
        return scope in self.scopes


@dataclass(frozen=True, slots=True)
class Seller:
    """The tenant who sells: its name and enterprise code (USCC) as customs know them."""

    tenant_id: str
    name: str
    uscc: str = ""
    country: str = "CN"

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

from ponte.kernel.errors import ValidationError

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
    "park:operate": "the park operator: read figures across tenants",
}

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

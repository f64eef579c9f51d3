"""Signing in to the console: an API key checked once, then a signed session cookie.

The cookie (Starlette's SessionMiddleware, signed with a key derived from the
data key) holds the tenant, the key's id and its scopes, never the key itself.
Every request checks again that the key has not been revoked. In development,
demo tenants (slug ``demo-...``) can be entered with one click.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from sqlalchemy import select

from ponte.accounts.core import ALL_TENANT_SCOPES, Principal
from ponte.accounts.service import TenantView
from ponte.accounts.store import ApiKey, Tenant
from ponte.platform.db import Database
from ponte.platform.settings import Settings

SESSION_KEY = "viewer"
DEMO_PREFIX = "demo-"


def session_secret(settings: Settings) -> str:
    """A secret for signing console cookies, derived from (never equal to) the data key."""
    key = settings.data_key.get_secret_value().split(",")[0].encode("utf-8")
    return hmac.new(key, b"ponte-console-session", hashlib.sha256).hexdigest()


class LoginRequired(Exception):
    """Raised by pages when nobody (or a revoked key) is signed in."""


@dataclass(frozen=True)
class Viewer:
    """Who is looking at the console: the principal and the tenant it speaks for."""

    principal: Principal
    tenant_name: str
    tenant_kind: str
    tenant_slug: str

    @property
    def tenant_id(self) -> str:
        return self.principal.tenant_id

    @property
    def is_operator(self) -> bool:
        return self.principal.is_operator

    def has(self, scope: str) -> bool:
        return self.principal.has(scope) or self.is_operator


def demo_enabled(settings: Settings) -> bool:
    return settings.env == "development"


def demo_scopes(tenant: Tenant | TenantView) -> list[str]:
    scopes = list(ALL_TENANT_SCOPES)
    if tenant.kind == "operator":
        scopes.append("park:operate")
    return sorted(scopes)


def sign_in(request: Request, tenant: Tenant | TenantView, principal: Principal) -> None:
    request.session.clear()
    request.session[SESSION_KEY] = {
        "tenant_id": tenant.id,
        "key_id": principal.key_id,
        "scopes": sorted(principal.scopes),
    }


def sign_out(request: Request) -> None:
    request.session.pop(SESSION_KEY, None)


def current_viewer(request: Request) -> Viewer | None:
    data: Any = request.session.get(SESSION_KEY)
    if not isinstance(data, dict) or not isinstance(data.get("tenant_id"), str):
        return None
    database: Database = request.app.state.database
    settings: Settings = request.app.state.settings
    with database.unit_of_work() as uow:
        tenant = uow.session.get(Tenant, data["tenant_id"])
        if tenant is None:
            return None
        key_id = data.get("key_id") or ""
        if key_id:
            key = uow.session.scalar(select(ApiKey).where(ApiKey.id == key_id, ApiKey.tenant_id == tenant.id))
            if key is None or key.revoked_at is not None:
                return None
            scopes = frozenset(key.scopes)
        else:
            if not (demo_enabled(settings) and tenant.slug.startswith(DEMO_PREFIX)):
                return None
            scopes = frozenset(demo_scopes(tenant))
        return Viewer(Principal(tenant.id, scopes, key_id), tenant.name, tenant.kind, tenant.slug)


def require_viewer(request: Request) -> Viewer:
    """Dependency of every signed-in page."""
    viewer = current_viewer(request)
    if viewer is None:
        sign_out(request)
        raise LoginRequired()
    request.state.viewer = viewer
    return viewer

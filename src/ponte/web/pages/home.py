"""Signing in and out, and the dashboard."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from ponte.accounts.core import Principal
from ponte.accounts.store import ApiKeyRepository, Tenant, TenantRepository
from ponte.platform.db import Database
from ponte.web import queries
from ponte.web.auth import (
    DEMO_PREFIX,
    Viewer,
    current_viewer,
    demo_enabled,
    demo_scopes,
    require_viewer,
    sign_in,
    sign_out,
)
from ponte.web.i18n import N_
from ponte.web.nav import NavEntry, register
from ponte.web.render import locale_of, render

router = APIRouter()
register(NavEntry("/", N_("Dashboard"), order=10))


def _safe_next(target: str | None) -> str:
    """Only paths of this site (no `//host` or scheme) are followed after signing in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _demo_tenants(request: Request) -> list[Tenant]:
    if not demo_enabled(request.app.state.settings):
        return []
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        rows = uow.session.scalars(
            select(Tenant)
            .where(Tenant.slug.startswith(DEMO_PREFIX))
            .order_by(Tenant.kind.desc(), Tenant.name)
        )
        return list(rows)


def _login_page(request: Request, status: int = 200, error: str | None = None, next_: str = "/") -> Response:
    return render(
        request, "login.html", status=status, error=error, next=_safe_next(next_), demo=_demo_tenants(request)
    )


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    if current_viewer(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_page(request, next_=next)


@router.post("/login")
def login(
    request: Request, api_key: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/"
) -> Response:
    loc = locale_of(request)
    key = api_key.strip()
    if not key:
        return _login_page(request, 422, loc.gettext(N_("Paste an API key.")), next)
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        principal = ApiKeyRepository(uow.session).authenticate(key)
        tenant = TenantRepository(uow.session).get(principal.tenant_id) if principal else None
    if principal is None or tenant is None:
        return _login_page(
            request, 422, loc.gettext(N_("This API key is not valid or has been revoked.")), next
        )
    sign_in(request, tenant, principal)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/login/demo")
def login_demo(
    request: Request, tenant_id: Annotated[str, Form()], next: Annotated[str, Form()] = "/"
) -> Response:
    matches = [t for t in _demo_tenants(request) if t.id == tenant_id]
    tenant = matches[0] if matches else None
    if tenant is None:
        loc = locale_of(request)
        return _login_page(request, 422, loc.gettext(N_("One-click sign-in is only for demo tenants.")), next)
    sign_in(request, tenant, Principal(tenant.id, frozenset(demo_scopes(tenant)), ""))
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    sign_out(request)
    return RedirectResponse("/login", status_code=303)


@router.get("/")
def dashboard(request: Request, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        figures = queries.dashboard(uow.session, viewer)
    peak = max((n for _d, n in figures.days), default=0)
    return render(request, "dashboard.html", figures=figures, peak=peak)

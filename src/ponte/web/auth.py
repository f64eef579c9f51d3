"""Signing in to the console: sessions kept on the server, through the accounts service.

The browser holds a random token in an HttpOnly, ``SameSite=Strict`` cookie
(``__Host-`` and Secure over HTTPS); the accounts service finds the live
session of its hash on every request (who, which tenant, which roles, hence
which scopes) and ends it on sign-out, so a copied cookie dies with it. People
sign in with an e-mail address and password (and a TOTP code when they enabled
one); a tenant's API key (its service credential) still opens a session, and
in development a demo tenant opens with one click.

``ServerSessions`` puts the session on the request (``request.state.session``)
and a small dict at ``request.session`` (a notice for the next page), saved
with the session when it changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ponte.accounts import service_users as accounts
from ponte.accounts.core import Principal
from ponte.accounts.service_users import AccountsContext, SessionView
from ponte.kernel.clock import now
from ponte.platform.db import Database
from ponte.platform.settings import Settings
from ponte.web.security import cookie_names

SESSION_AGE = accounts.SESSION_HOURS * 3600
NEW_TOKEN = "ponte.new_session"  # set by a page that signed someone in
ENDED = "ponte.session_ended"  # set by sign-out


class LoginRequired(Exception):
    """Raised by pages when nobody (or an ended session) is signed in."""


def accounts_context(settings: Settings) -> AccountsContext:
    return AccountsContext(settings.session_secret.get_secret_value(), settings.is_development)


def secure_cookies(settings: Settings) -> bool:
    """Cookies only over HTTPS when the console is published on https (or outside development)."""
    if settings.public_url:
        return settings.public_url.lower().startswith("https://")
    return not settings.is_development and settings.env != "test"


@dataclass(frozen=True)
class Viewer:
    """Who is looking at the console: the session, its principal and the tenant it speaks for."""

    session: SessionView

    @property
    def principal(self) -> Principal:
        return self.session.principal

    @property
    def tenant_id(self) -> str:
        return self.session.tenant_id

    @property
    def tenant_name(self) -> str:
        return self.session.tenant_name

    @property
    def tenant_kind(self) -> str:
        return self.session.tenant_kind

    @property
    def tenant_slug(self) -> str:
        return self.session.tenant_slug

    @property
    def user_name(self) -> str:
        return self.session.user_name

    @property
    def roles(self) -> tuple[str, ...]:
        return self.session.roles

    @property
    def is_operator(self) -> bool:
        return self.principal.is_operator

    def has(self, scope: str) -> bool:
        return self.principal.has(scope) or self.is_operator


def current_viewer(request: Request) -> Viewer | None:
    found = request.scope.get("ponte.viewer_session")
    return Viewer(found) if isinstance(found, SessionView) else None


def require_viewer(request: Request) -> Viewer:
    """Dependency of every signed-in page."""
    viewer = current_viewer(request)
    if viewer is None:
        raise LoginRequired()
    request.state.viewer = viewer
    return viewer


def start_session(request: Request, token: str) -> None:
    """Give the browser the cookie of a session a sign-in just opened."""
    request.scope[NEW_TOKEN] = token


def end_session(request: Request) -> None:
    request.scope[ENDED] = True


class ServerSessions:
    """Pure ASGI middleware: the live session of the cookie, and its cookie set or cleared."""

    def __init__(self, app: ASGIApp, database: Database, settings: Settings) -> None:
        self.app = app
        self.database = database
        self.ctx = accounts_context(settings)
        self.secure = secure_cookies(settings)
        self.cookie = cookie_names(self.secure)[0]

    def _load(self, token: str) -> SessionView | None:
        with self.database.unit_of_work() as uow:
            view = accounts.session(uow, self.ctx, token, now())
            uow.commit()  # the last-seen time, or the end of an idle session
            return view

    def _save(self, token_hash: str, data: dict[str, object]) -> None:
        with self.database.unit_of_work() as uow:
            accounts.save_data(uow, token_hash, data, now())
            uow.commit()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        token = request.cookies.get(self.cookie, "")
        view = await run_in_threadpool(self._load, token) if token else None
        scope["ponte.viewer_session"] = view
        scope["ponte.session_token"] = token if view is not None else ""
        data: dict[str, object] = dict(view.data) if view is not None else {}
        before = dict(data)
        scope["session"] = data

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                new = scope.get(NEW_TOKEN)
                attributes = "Path=/; HttpOnly; SameSite=Strict" + ("; Secure" if self.secure else "")
                if isinstance(new, str) and new:
                    headers.append("set-cookie", f"{self.cookie}={new}; Max-Age={SESSION_AGE}; {attributes}")
                elif scope.get(ENDED) or (token and view is None):
                    headers.append("set-cookie", f"{self.cookie}=; Max-Age=0; {attributes}")
                elif view is not None and data != before:
                    await run_in_threadpool(self._save, view.token_hash, dict(data))
                if view is not None and headers.get("content-type", "").startswith("text/html"):
                    headers["cache-control"] = "no-store"  # a signed-in page is never kept by a cache
            await send(message)

        await self.app(scope, receive, sending)

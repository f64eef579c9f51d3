"""The console: server-rendered pages (Jinja2 + htmx) at /, in zh-CN, en, pt-BR and es."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from importlib import import_module, resources
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from ponte.kernel.errors import PermissionDenied, PonteError
from ponte.platform.db import Database
from ponte.platform.settings import Settings
from ponte.web import i18n
from ponte.web.auth import LoginRequired, ServerSessions, current_viewer, secure_cookies
from ponte.web.i18n import N_
from ponte.web.render import locale_of, render
from ponte.web.security import CsrfGuard, SecurityHeaders, origin_of

# Each module of pages exposes `router` and registers its entries in ponte.web.nav.
PAGES = [
    "ponte.web.pages.home",
    "ponte.web.pages.signin",
    "ponte.web.pages.accounts",
    "ponte.web.pages.catalogue",
    "ponte.web.pages.orders",
    "ponte.web.pages.quotes",
    "ponte.web.pages.shipments",
    "ponte.web.pages.customs",
    "ponte.web.pages.live",
]

LANG_COOKIE_AGE = 365 * 24 * 3600


def create_console(settings: Settings, database: Database) -> FastAPI:
    console = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    i18n.load_all()
    static = resources.files("ponte.web") / "static"
    console.mount("/static", StaticFiles(directory=str(static)), name="static")
    for name in PAGES:
        console.include_router(import_module(name).router)

    # Middleware runs outermost last-added first: language, then the session, then the CSRF check, then pages.
    public = origin_of(settings.public_url) if settings.public_url else None
    allowed: tuple[str, ...] = (public,) if public else ()
    console.add_middleware(
        CsrfGuard,
        secret=settings.session_secret.get_secret_value(),
        secure=secure_cookies(settings),
        allowed_origins=allowed,
        refuse=_refused,
    )
    console.add_middleware(ServerSessions, database=database, settings=settings)

    @console.middleware("http")
    async def language(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        chosen = i18n.normalise(request.query_params.get("lang"))
        lang = (
            chosen
            or i18n.normalise(request.cookies.get(i18n.LANG_COOKIE))
            or i18n.from_accept_language(request.headers.get("accept-language"))
            or i18n.normalise(settings.default_locale)
            or "en"
        )
        request.state.locale = i18n.Locale(lang)
        response = await call_next(request)
        response.headers["Content-Language"] = lang
        response.headers.setdefault("Vary", "Accept-Language, Cookie")
        if chosen:
            response.set_cookie(
                i18n.LANG_COOKIE, chosen, max_age=LANG_COOKIE_AGE, samesite="lax", httponly=True
            )
        return response

    @console.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        response = RedirectResponse(f"/login?next={_quote(target)}", status_code=303)
        response.headers["HX-Redirect"] = f"/login?next={_quote(target)}"
        return response

    @console.exception_handler(PonteError)
    async def _ponte_error(request: Request, exc: PonteError) -> Response:
        titles = {404: N_("Not found"), 403: N_("Not allowed"), 409: N_("Conflict")}
        fallback = N_("Something is wrong with the request")
        if getattr(request.state, "viewer", None) is None:
            request.state.viewer = current_viewer(request)
        loc = locale_of(request)
        return render(
            request,
            "error.html",
            status=exc.status,
            title=loc.gettext(titles.get(exc.status, fallback)),
            error=exc,
        )

    return console


def _refused(request: Request, reason: str) -> Response:
    """A form refused by the CSRF check: the page says why in the viewer's language (403)."""
    loc = locale_of(request)
    request.state.viewer = current_viewer(request)
    error = PermissionDenied(
        loc.gettext(
            N_("This form has expired or was sent from another site. Reload the page and try again.")
        ),
        rule=f"csrf:{reason}",
    )
    return render(request, "error.html", status=403, title=loc.gettext(N_("Not allowed")), error=error)


def _quote(target: str) -> str:
    return quote(target, safe="/")


def mount_console(app: FastAPI) -> None:
    """Serve the console at / of `app` (after the API, which keeps /api/v1)."""
    console = create_console(app.state.settings, app.state.database)
    console.state.settings = app.state.settings
    console.state.database = app.state.database
    console.state.platform = app.state.platform
    app.mount("/", console, name="console")
    app.add_middleware(
        SecurityHeaders, hsts=bool((app.state.settings.public_url or "").startswith("https://"))
    )

"""The console: server-rendered pages (Jinja2 + htmx) at /, in zh-CN, en, pt-BR and es."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from importlib import import_module, resources
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ponte.kernel.errors import PonteError
from ponte.platform.db import Database
from ponte.platform.settings import Settings
from ponte.web import errors, i18n
from ponte.web.auth import LoginRequired, ServerSessions, current_viewer, secure_cookies
from ponte.web.i18n import N_
from ponte.web.render import locale_of, render
from ponte.web.security import CsrfGuard, SecurityHeaders, origin_of

# Each module of pages exposes `router` and registers its entries in ponte.web.nav.
PAGES = [
    "ponte.web.pages.home",
    "ponte.web.pages.products",
    "ponte.web.pages.signin",
    "ponte.web.pages.accounts",
    "ponte.web.pages.catalogue",
    "ponte.web.pages.orders",
    "ponte.web.pages.order_detail",
    "ponte.web.pages.quotes",
    "ponte.web.pages.shipments",
    "ponte.web.pages.flights",
    "ponte.web.pages.customs",
    "ponte.web.pages.customs_actions",
    "ponte.web.pages.notifications",
    "ponte.web.pages.live",
    "ponte.web.pages.warehouses",
]

LANG_COOKIE_AGE = 365 * 24 * 3600
log = logging.getLogger("ponte.web")


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
        request.state.locale = i18n.Locale(lang, i18n.zone(request.cookies.get(i18n.TZ_COOKIE), lang))
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
        return _error_page(request, exc.status, errors.explain(exc, locale_of(request)))

    @console.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error_page(request, exc.status_code, "")

    @console.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> Response:
        loc = locale_of(request)
        return _error_page(request, 422, loc.gettext(N_("A value in the address is not valid.")))

    @console.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("console page failed: %s", request.url.path)
        return _error_page(request, 500, "")

    return console


TITLES = {
    400: N_("Something is wrong with the request"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Something is wrong with the request"),
    409: N_("Conflict"),
    422: N_("Something is wrong with the request"),
    500: N_("Something went wrong on our side"),
}
EXPLAIN = {
    403: N_("Your role does not allow this."),
    404: N_("There is nothing at this address, or it belongs to someone else."),
    500: N_("The error was recorded. Try again in a moment."),
}


def _error_page(request: Request, status: int, message: str) -> Response:
    """An error page in the viewer's language (a fragment for htmx requests)."""
    if getattr(request.state, "viewer", None) is None:
        try:
            request.state.viewer = current_viewer(request)
        except Exception:  # the page failed before the database answered: show the error anyway
            request.state.viewer = None
    loc = locale_of(request)
    title = loc.gettext(TITLES.get(status, TITLES[400]))
    text = message or (loc.gettext(EXPLAIN[status]) if status in EXPLAIN else "")
    return render(request, "error.html", status=status, title=title, message=text)


def _refused(request: Request, reason: str) -> Response:
    """A form refused by the CSRF check (``reason`` goes to the log): the page says why in the viewer's
    language (403)."""
    log.info("console form refused: %s", reason)
    loc = locale_of(request)
    return _error_page(
        request,
        403,
        loc.gettext(
            N_("This form has expired or was sent from another site. Reload the page and try again.")
        ),
    )


def _quote(target: str) -> str:
    return quote(target, safe="/")


def mount_console(app: FastAPI) -> None:
    """Serve the console at / of `app` (after the API, which keeps /api/v1)."""
    console = create_console(app.state.settings, app.state.database)
    console.state.settings = app.state.settings
    console.state.database = app.state.database
    console.state.platform = app.state.platform
    console.state.key_cache = getattr(app.state, "key_cache", None)  # keys revoked here stop at once
    app.mount("/", console, name="console")
    app.add_middleware(
        SecurityHeaders, hsts=bool((app.state.settings.public_url or "").startswith("https://"))
    )

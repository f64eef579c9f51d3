"""Rendering pages: the Jinja2 environment and the context every template gets."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ponte.kernel.languages import NATIVE_NAMES
from ponte.web import nav
from ponte.web.i18n import CATALOGUES, Locale

#: Functions adding to every signed-in page's context (the header's unread notifications), registered by
#: the page modules that own them.
CONTEXT_HOOKS: list[Callable[[Request, Any], dict[str, Any]]] = []


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("ponte.web", "templates"),
        autoescape=select_autoescape(["html", "svg"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def locale_of(request: Request) -> Locale:
    found = getattr(request.state, "locale", None)
    return found if isinstance(found, Locale) else Locale("en")


def url_with(request: Request, **changes: object) -> str:
    """The current URL with some query parameters changed (None removes one)."""
    params = dict(request.query_params)
    for name, value in changes.items():
        if value is None or value == "":
            params.pop(name, None)
        else:
            params[name] = str(value)
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    loc = locale_of(request)
    viewer = getattr(request.state, "viewer", None)
    entries = nav.entries_for(viewer.principal) if viewer is not None else []
    languages = [(lang, NATIVE_NAMES[lang], url_with(request, lang=lang)) for lang in CATALOGUES]
    base = {
        "request": request,
        "loc": loc,
        "_": loc.gettext,
        "ngettext": loc.ngettext,
        "viewer": viewer,
        "nav": [(e, e.is_current(request.url.path)) for e in entries],
        "languages": languages,
        "url_with": lambda **changes: url_with(request, **changes),
        "static": lambda path: f"{request.scope.get('root_path', '')}/static/{path}",
        "flash": request.session.pop("flash", None) if "session" in request.scope else None,
        "notices": [],
        "csrf_token": request.scope.get("ponte.csrf_token", ""),
    }
    if viewer is not None:
        for hook in CONTEXT_HOOKS:
            base.update(hook(request, viewer))
    base.update(context)
    html = environment().get_template(template).render(base)
    return HTMLResponse(html, status_code=status)


def flash(request: Request, message: str) -> None:
    """A one-off notice (a message id) shown on the next page."""
    request.session["flash"] = message

"""The park's sellers (with booths) and their catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from ponte.accounts import service as accounts
from ponte.catalog import service as catalog
from ponte.kernel.errors import PermissionDenied
from ponte.platform.db import Database
from ponte.web import labels, queries
from ponte.web.auth import Viewer, require_viewer
from ponte.web.i18n import N_
from ponte.web.nav import NavEntry, register
from ponte.web.render import render

router = APIRouter()
register(NavEntry("/sellers", N_("Sellers"), scope="catalog:read", order=20))
register(NavEntry("/catalogue", N_("Catalogue"), scope="catalog:read", order=30))

PAGE_SIZE = 25


def require(viewer: Viewer, scope: str) -> None:
    if not viewer.has(scope):
        raise PermissionDenied(f"this key lacks the scope {scope!r}", rule=scope)


@dataclass(frozen=True)
class Title:
    text: str
    lang: str
    fallback: bool  # shown in English because the viewer's language is missing


def scope_of(viewer: Viewer, seller: str | None = None) -> str | None:
    """The tenant a read is limited to: the viewer's own, or for the park operator the chosen seller
    (None: every tenant)."""
    if not viewer.is_operator:
        return viewer.tenant_id
    return seller or None


def title_for(product: Any, lang: str) -> Title:
    """The product's title in `lang`, else English (marked as such), else its SKU."""
    titles = product.titles or {}
    if titles.get(lang):
        return Title(titles[lang], lang, False)
    if titles.get("en"):
        return Title(titles["en"], "en", lang != "en")
    return Title(product.sku, "", True)


@router.get("/sellers")
def sellers(request: Request, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    require(viewer, "catalog:read")
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        rows = queries.sellers(uow, viewer)
    return render(request, "sellers.html", rows=rows)


@router.get("/catalogue")
def catalogue(
    request: Request,
    viewer: Annotated[Viewer, Depends(require_viewer)],
    seller: str | None = None,
    category: str | None = None,
    cursor: str | None = None,
) -> Response:
    require(viewer, "catalog:read")
    database: Database = request.app.state.database
    lang = request.state.locale.lang
    scope = scope_of(viewer, seller)
    with database.unit_of_work() as uow:
        page = catalog.page(uow, scope, cursor, PAGE_SIZE, category)
        choices = accounts.tenant_names(uow, "seller") if viewer.is_operator else []
        names = (
            dict(accounts.tenant_names(uow)) if viewer.is_operator else {viewer.tenant_id: viewer.tenant_name}
        )
        cats = catalog.categories(uow, scope)
    items = [(p, title_for(p, lang)) for p in page.items]
    return render(
        request,
        "catalogue.html",
        items=items,
        next_cursor=page.next_cursor,
        names=names,
        sellers=choices,
        seller=seller or "",
        categories=cats,
        category=category or "",
        category_labels=labels.CATEGORIES,
    )

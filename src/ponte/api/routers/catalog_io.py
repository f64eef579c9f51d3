"""Catalogue files and helpers: CSV import/export, texts in the reader's language (HS suggestions moved to
routers/classify.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from ponte.accounts.core import Principal
from ponte.api.deps import DatabaseDep, UowDep, require_scope
from ponte.api.routing import ExactJsonRoute
from ponte.catalog import service as catalog
from ponte.catalog.translations import LANGUAGES, localize, missing
from ponte.kernel.clock import now
from ponte.kernel.errors import ValidationError

router = APIRouter(prefix="/catalog", tags=["catalog"], route_class=ExactJsonRoute)
Read = Annotated[Principal, Depends(require_scope("catalog:read"))]
Write = Annotated[Principal, Depends(require_scope("catalog:write"))]


@router.get("/products/{product_id}/text", summary="A product's title in a language, fallback marked")
def product_text(
    product_id: str,
    caller: Read,
    uow: UowDep,
    lang: Annotated[str, Query(pattern="^(zh-CN|en|pt-BR|es)$")] = "en",
) -> dict[str, Any]:
    product = catalog.get(uow, caller.tenant_id, product_id)
    text = localize(product.titles, lang)
    return {
        "title": text.text,
        "lang": text.lang,
        "requested": lang,
        "fallback": text.is_fallback,
        "display": text.display,
        "missing_languages": missing(product.titles),
    }


@router.get(
    "/products/export",
    summary="The seller's catalogue as CSV",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def export_products(caller: Read, uow: UowDep) -> Response:
    return Response(catalog.export_csv(uow, caller.tenant_id), media_type="text/csv; charset=utf-8")


@router.post(
    "/products/import",
    summary="Add products from CSV; every bad row is reported by line and column",
    responses={
        200: {"description": "imported (or checked, with dry_run)"},
        422: {"description": "row errors"},
    },
)
async def import_products(
    request: Request,
    caller: Write,
    database: DatabaseDep,
    body: Annotated[str, Body(media_type="text/csv", description="CSV with the columns of the export")],
    dry_run: bool = False,
    partial: Annotated[bool, Query(description="store the good rows even if others are bad")] = False,
) -> JSONResponse:
    if len(body.encode()) > 20_000_000:
        raise ValidationError("the file is larger than 20 MB", field="file", rule="max-size")
    with database.unit_of_work() as uow:
        # every good row is staged (and counted); the unit of work commits only what is to be stored
        created, errors = catalog.import_csv(uow, caller.tenant_id, body, now(), partial=True)
        store = not dry_run and (partial or not errors)
        if store:
            uow.commit()
    status = 422 if errors and not (partial and not dry_run) else 200
    return JSONResponse(
        {
            "stored": store,
            "created": created if store else [],
            "valid_rows": len(created),
            "errors": [e.as_dict() for e in errors],
            "languages": list(LANGUAGES),
        },
        status_code=status,
    )

"""Catalogue files and helpers: CSV import/export, texts in the reader's language (HS suggestions moved to
routers/classify.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from ponte.accounts.core import Principal
from ponte.api.deps import DatabaseDep, UowDep, require_scope
from ponte.api.routing import ExactJsonRoute
from ponte.catalog import csv_io
from ponte.catalog.store import Product, ProductRepository
from ponte.catalog.translations import LANGUAGES, localize, missing
from ponte.kernel.clock import now
from ponte.kernel.errors import ValidationError
from ponte.kernel.ids import new_id

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
    product = ProductRepository(uow.session, caller.tenant_id).get(product_id)
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
    products = ProductRepository(uow.session, caller.tenant_id)
    rows: list[Product] = []
    cursor = None
    while True:
        page = products.page(cursor, 500)
        rows.extend(page.items)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    return Response(csv_io.write_products(rows), media_type="text/csv; charset=utf-8")


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
    good, errors = csv_io.read_products(body)
    created: list[str] = []
    with database.unit_of_work() as uow:
        repo = ProductRepository(uow.session, caller.tenant_id)
        existing = repo.by_skus([row["sku"] for _, row in good])
        at = now()
        for line, row in good:
            if row["sku"] in existing:
                errors.append(csv_io.RowError(line, "sku", "unique-per-seller", f"SKU {row['sku']!r} exists"))
                continue
            prices, images = row.pop("market_prices"), row.pop("image_urls")
            product = Product(
                id=new_id("prd"),
                direction="import" if row["origin_country"] != "CN" else "export",
                attributes={"market_prices": prices, "image_urls": images},
                created_at=at,
                **row,
            )
            product.tenant_id = caller.tenant_id
            uow.session.add(product)
            created.append(row["sku"])
        errors.sort(key=lambda e: (e.row, e.field))
        store = not dry_run and (partial or not errors)
        if store:
            uow.session.flush()
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

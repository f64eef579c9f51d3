"""Products: add and edit with the titles of the four languages side by side, images, customs data with
HS suggestions as the seller types, CSV import and export."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import UploadFile

from ponte.catalog import service as catalog
from ponte.classify import service as classify
from ponte.kernel.clock import now
from ponte.kernel.languages import LANGUAGES, NATIVE_NAMES
from ponte.platform.db import Database
from ponte.web import forms, labels
from ponte.web.auth import Viewer, require_viewer
from ponte.web.errors import translate
from ponte.web.i18n import N_, Locale, NumberInputError
from ponte.web.pages.catalogue import require
from ponte.web.render import flash, locale_of, render

router = APIRouter()

MEASURES = ("price", "weight_kg", "length_cm", "width_cm", "height_cm")
CHINA = ("cn_code", "cn_name", "cn_elements", "cn_unit", "cn_unit1")
MARKETS = ("BR", "MX", "CL", "CO", "PE", "AR", "PT", "ES")
MAX_CSV = 5_000_000


def _values(product: Any | None) -> dict[str, str]:
    if product is None:
        return {"origin_country": "CN", "currency": "USD"}
    out = {
        "sku": product.sku,
        "category": product.category,
        "hs_code": product.hs_code,
        "origin_country": product.origin_country,
        "currency": product.currency,
        "image_url": ((product.attributes or {}).get("image_urls") or [""])[0],
    }
    for lang in LANGUAGES:
        out[f"titles.{lang}"] = (product.titles or {}).get(lang, "")
    for market, code in (product.tariff_codes or {}).items():
        out[f"tariff_codes.{market}"] = code
    for name in CHINA:
        out[name] = getattr(product, name) or ""
    return out


def _form(
    request: Request,
    values: dict[str, str],
    errors: forms.FormErrors,
    product_id: str | None,
    loc: Locale,
    status: int = 200,
    measures: dict[str, Any] | None = None,
) -> Response:
    if measures:
        for name, value in measures.items():
            values.setdefault(name, loc.number(value))
    return render(
        request,
        "product_form.html",
        status=status,
        values=values,
        errors=errors,
        product_id=product_id,
        title_languages=[(lang, NATIVE_NAMES[lang]) for lang in LANGUAGES],
        categories=[(c, loc.gettext(label)) for c, label in labels.CATEGORIES.items()],
        markets=[(m, loc.country(m)) for m in MARKETS],
    )


@router.get("/catalogue/new")
def new_product(request: Request, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    require(viewer, "catalog:write")
    return _form(request, _values(None), forms.FormErrors(), None, locale_of(request))


@router.get("/catalogue/{product_id}/edit")
def edit_product(
    request: Request, product_id: str, viewer: Annotated[Viewer, Depends(require_viewer)]
) -> Response:
    require(viewer, "catalog:write")
    database: Database = request.app.state.database
    loc = locale_of(request)
    with database.unit_of_work() as uow:
        row = catalog.get(uow, viewer.tenant_id, product_id)
        values = _values(row)
        measures = {m: getattr(row, m) for m in (*MEASURES, "cn_qty1") if getattr(row, m) is not None}
    return _form(request, values, forms.FormErrors(), product_id, loc, measures=measures)


def _save(request: Request, viewer: Viewer, values: dict[str, str], product_id: str | None) -> Response:
    loc = locale_of(request)
    errors = forms.FormErrors()
    measures: dict[str, Any] = {}
    for name in (*MEASURES, "cn_qty1"):
        text = values.get(name, "").strip()
        if not text and name == "cn_qty1":
            continue
        if not text:
            errors.add(name, translate(loc, "required"))
            measures[name] = None
            continue
        try:
            measures[name] = loc.parse_number(text)
        except NumberInputError:
            errors.add(name, translate(loc, "decimal_parsing"))
            measures[name] = None
    draft = catalog.ProductDraft(
        sku=values.get("sku", "").strip(),
        titles={lang: values.get(f"titles.{lang}", "") for lang in LANGUAGES},
        category=values.get("category", ""),
        hs_code=values.get("hs_code", "").replace(".", "").strip(),
        origin_country=values.get("origin_country", ""),
        currency=values.get("currency", ""),
        measures=measures,
        tariff_codes={m: values.get(f"tariff_codes.{m}", "").strip() for m in MARKETS},
        china={name: values.get(name, "") for name in CHINA},
    )
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        for v in catalog.product_problems(uow, viewer.tenant_id, draft, product_id):
            name = v.field if v.field in _known() else ""
            if not errors.get(name):
                errors.add(name, translate(loc, v.rule, v.message))
        if not errors:
            saved = catalog.save_product(uow, viewer.tenant_id, draft, now(), product_id)
            image = values.get("image_url", "").strip()
            if image.startswith("https://"):
                saved.attributes = {**(saved.attributes or {}), "image_urls": [image]}
            uow.commit()
    if errors:
        return _form(request, values, errors, product_id, loc, status=422)
    flash(request, N_("The product was saved."))
    return RedirectResponse("/catalogue", status_code=303)


def _known() -> set[str]:
    return (
        {"sku", "category", "hs_code", "origin_country", "currency", *MEASURES}
        | {f"titles.{lang}" for lang in LANGUAGES}
        | {f"tariff_codes.{m}" for m in MARKETS}
    )


@router.post("/catalogue/new")
async def create(request: Request, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    require(viewer, "catalog:write")
    form = await request.form()
    return _save(request, viewer, {k: str(v) for k, v in form.items() if isinstance(v, str)}, None)


@router.post("/catalogue/{product_id}/edit")
async def update(
    request: Request, product_id: str, viewer: Annotated[Viewer, Depends(require_viewer)]
) -> Response:
    require(viewer, "catalog:write")
    form = await request.form()
    return _save(request, viewer, {k: str(v) for k, v in form.items() if isinstance(v, str)}, product_id)


@router.get("/catalogue/hs-suggestions")
def hs_suggestions(
    request: Request,
    viewer: Annotated[Viewer, Depends(require_viewer)],
    title: str = "",
    title_lang: str | None = None,
) -> Response:
    """Explained HS suggestions for a title, as a fragment the form swaps in (htmx)."""
    require(viewer, "catalog:read")
    loc = locale_of(request)
    result = None
    if title.strip():
        engine = request.app.state.platform.classify
        database: Database = request.app.state.database
        with database.unit_of_work() as uow:
            result = classify.as_dict(
                classify.suggest(uow, engine, viewer.tenant_id, title[:300], _title_lang(title_lang, loc), 5),
                engine,
            )
    return render(request, "_hs_suggestions.html", result=result)


def _title_lang(tag: str | None, loc: Locale) -> str:
    """The language the title is written in (its field's), not the page's (``lang`` switches the page)."""
    return tag if tag in LANGUAGES else loc.lang


@router.get("/catalogue/export.csv")
def export(request: Request, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    require(viewer, "catalog:read")
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        text = catalog.export_csv(uow, viewer.tenant_id)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="catalogue.csv"'},
    )


@router.post("/catalogue/import")
async def import_file(request: Request, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    require(viewer, "catalog:write")
    loc = locale_of(request)
    form = await request.form()
    upload = form.get("file")
    problems: list[str] = []
    created: list[str] = []
    if not isinstance(upload, UploadFile) or not upload.filename:
        problems.append(translate(loc, "file-type"))
    else:
        raw = await upload.read(MAX_CSV + 1)
        if len(raw) > MAX_CSV:
            problems.append(translate(loc, "max-rows"))
        else:
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = ""
                problems.append(translate(loc, "csv"))
            if text:
                database: Database = request.app.state.database
                with database.unit_of_work() as uow:
                    created, errors = catalog.import_csv(uow, viewer.tenant_id, text, now())
                    if not errors:
                        uow.commit()
                problems += [
                    loc.gettext(N_("Line %(row)s, %(field)s: %(problem)s"), row=e.row, field=e.field,
                                problem=translate(loc, e.rule, e.message))
                    for e in errors
                ]  # fmt: skip
    return render(
        request, "product_import.html", status=422 if problems else 200, problems=problems, created=created
    )

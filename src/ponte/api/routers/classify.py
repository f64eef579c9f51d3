"""HS classification: explained suggestions for a title, a seller's confirmation, a broker's override with
its reason, the product's classification history, and sharing of confirmed titles between tenants.

``GET /catalog/hs-suggestions`` answers JSON, or an HTML fragment (``Accept: text/html`` or
``format=html``) that a form can swap in as the seller types (htmx: ``hx-get`` with ``hx-trigger="keyup
changed delay:300ms"``).
"""

from __future__ import annotations

from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ponte.accounts.core import Principal
from ponte.api.deps import DatabaseDep, UowDep, require_scope
from ponte.api.idempotency import run_idempotent
from ponte.classify import service
from ponte.classify.service import Engine
from ponte.platform.db import UnitOfWork

router = APIRouter(prefix="/catalog", tags=["classification"])
Read = Annotated[Principal, Depends(require_scope("catalog:read"))]
Write = Annotated[Principal, Depends(require_scope("catalog:write"))]
Broker = Annotated[Principal, Depends(require_scope("customs:write"))]


def _engine(request: Request) -> Engine:
    return request.app.state.platform.classify  # type: ignore[no-any-return]


class ConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    hs_code: str = Field(min_length=6, max_length=7, description="HS 2022 subheading, 6 digits")
    cn_code: str | None = Field(None, max_length=13, description="China's 10-digit commodity code")


class OverrideIn(ConfirmIn):
    reason: str = Field(min_length=1, max_length=500, description="why the broker changes the code")


class SharingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    share: bool


@router.get(
    "/hs-suggestions",
    summary="Likely HS 2022 subheadings for a title in zh-CN, en, pt-BR or es, each explained",
    responses={200: {"content": {"application/json": {}, "text/html": {}}}},
)
def hs_suggestions(
    request: Request,
    caller: Read,
    uow: UowDep,
    title: Annotated[str, Query(min_length=1, max_length=300)],
    lang: Annotated[str | None, Query(pattern="^(zh-CN|en|pt-BR|es)$")] = None,
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
    format: Annotated[str | None, Query(pattern="^(json|html)$")] = None,
) -> Any:
    engine = _engine(request)
    result = service.as_dict(service.suggest(uow, engine, caller.tenant_id, title, lang, limit), engine)
    wants_html = format == "html" or (format is None and "text/html" in request.headers.get("accept", ""))
    return HTMLResponse(_fragment(result)) if wants_html else result


def _fragment(result: dict[str, Any]) -> str:
    lang = escape(result["lang"])
    items = []
    for s in result["suggestions"]:
        reasons = "".join(f"<li>{escape(r['text'])}</li>" for r in s["reasons"])
        items.append(
            f'<li class="hs-suggestion" data-code="{escape(s["code"])}">'
            f"<strong>{escape(s['code'])}</strong> {escape(s['chapter_label'])} "
            f'<meter min="0" max="1" value="{s["confidence"]}">{s["confidence"]:.0%}</meter>'
            f"<ul>{reasons}</ul></li>"
        )
    notes = "".join(f'<p class="hs-note">{escape(n)}</p>' for n in result["notes"])
    questions = "".join(f"<li>{escape(q)}</li>" for q in result["questions"])
    asks = f'<ul class="hs-questions">{questions}</ul>' if questions else ""
    return f'<div class="hs-suggestions" lang="{lang}">{notes}{asks}<ol>{"".join(items)}</ol></div>'


@router.post(
    "/products/{product_id}/classification",
    status_code=201,
    summary="The seller confirms a product's HS code; its titles become examples for the tenant's later titles",
)
async def confirm(
    product_id: str, body: ConfirmIn, request: Request, caller: Write, database: DatabaseDep
) -> Response:
    engine = _engine(request)

    def handler(uow: UnitOfWork) -> tuple[int, Any]:
        event = service.confirm(
            uow,
            engine,
            caller.tenant_id,
            caller.key_id or "seller",
            product_id,
            body.hs_code,
            body.cn_code,
            commit=False,
        )
        return 201, event

    return await run_idempotent(request, caller, database, handler)


@router.post(
    "/products/{product_id}/classification/override",
    status_code=201,
    summary="A broker overrides a product's HS code, with the reason (needs customs:write)",
)
async def override(
    product_id: str, body: OverrideIn, request: Request, caller: Broker, database: DatabaseDep
) -> Response:
    engine = _engine(request)

    def handler(uow: UnitOfWork) -> tuple[int, Any]:
        event = service.override(
            uow,
            engine,
            caller.tenant_id,
            caller.key_id or "broker",
            product_id,
            body.hs_code,
            body.reason,
            body.cn_code,
            commit=False,
        )
        return 201, event

    return await run_idempotent(request, caller, database, handler)


@router.get(
    "/products/{product_id}/classification/history",
    summary="Every confirmation and override of a product's HS code, oldest first",
)
def classification_history(product_id: str, caller: Read, uow: UowDep) -> list[dict[str, Any]]:
    return service.history(uow, caller.tenant_id, product_id)


@router.put(
    "/classification/sharing",
    summary="Whether other tenants may learn from this tenant's confirmed classifications (off by default)",
)
def sharing(body: SharingIn, caller: Write, uow: UowDep) -> dict[str, Any]:
    return service.set_sharing(uow, caller.tenant_id, body.share)

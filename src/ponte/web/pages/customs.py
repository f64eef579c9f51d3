"""Customs declarations: the list (state filter, cursor pages), one declaration (its messages, their
XML, the receipts timeline with status meanings in the viewer's language, the current state), and a
form that checks pasted or uploaded CEB XML and shows every violation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ponte.customs import documents_service, service
from ponte.customs.china.receipts import status_info
from ponte.customs.china.validate import CheckReport
from ponte.kernel.errors import NotFoundError
from ponte.kernel.languages import LANGUAGES
from ponte.platform.db import Database
from ponte.web import queries
from ponte.web.auth import Viewer, require_viewer
from ponte.web.i18n import N_
from ponte.web.nav import NavEntry, register
from ponte.web.pages.catalogue import require
from ponte.web.render import locale_of, render

router = APIRouter()
register(NavEntry("/customs", N_("Declarations"), scope="customs:read", order=50))

PAGE_SIZE = 25
MAX_CHECK_BYTES = 5_000_000  # per pasted text or uploaded file
BEIJING = ZoneInfo("Asia/Shanghai")  # receipts carry China time without an offset

#: Declaration, message and receipt states (message ids), in lifecycle order.
STATE_LABELS = {
    "draft": N_("draft"),
    "queued": N_("queued"),
    "sent": N_("sent"),
    "stored": N_("stored by the e-port"),
    "error": N_("e-port error"),
    "declared": N_("declared"),
    "accepted": N_("accepted"),
    "inspecting": N_("under inspection"),
    "released": N_("released"),
    "closed": N_("clearance closed"),
    "rejected": N_("rejected"),
    "cancelled": N_("cancelled"),
    "returned": N_("returned"),
    "taxed": N_("tax assessed"),
    "tax-cancelled": N_("tax cancelled"),
}
FILTER_STATES = [s for s in STATE_LABELS if s not in ("taxed", "tax-cancelled")]
DIRECTION_LABELS = {"export": N_("export"), "import": N_("import")}
KIND_LABELS = {
    "303": N_("Order"),
    "311": N_("Order"),
    "403": N_("Receipt of payment"),
    "411": N_("Payment"),
    "505": N_("Waybill"),
    "511": N_("Waybill"),
    "603": N_("Inventory list"),
    "621": N_("Inventory list"),
    "701": N_("Summary application"),
}


@dataclass
class TimelineEntry:
    receipt: service.ReceiptView
    at: datetime | None  # returnTime in UTC, None when unreadable
    meaning: str


def return_time(value: str) -> datetime | None:
    """A receipt's returnTime (yyyyMMddHHmmss[SSS], China time) as an aware UTC datetime."""
    digits = value.strip()
    if len(digits) < 14 or not digits[:14].isdigit():
        return None
    try:
        local = datetime.strptime(digits[:14], "%Y%m%d%H%M%S").replace(tzinfo=BEIJING)
    except ValueError:
        return None
    return local.astimezone(ZoneInfo("UTC"))


def _tenant(viewer: Viewer, seller: str | None = None) -> str | None:
    """The tenant whose declarations the viewer sees (None: every tenant, for the park operator)."""
    if not viewer.is_operator:
        return viewer.tenant_id
    return seller or None


@router.get("/customs")
def declarations(
    request: Request,
    viewer: Annotated[Viewer, Depends(require_viewer)],
    seller: str | None = None,
    state: str | None = None,
    cursor: str | None = None,
) -> Response:
    require(viewer, "customs:read")
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        rows, next_cursor = service.list_declarations(
            uow, _tenant(viewer, seller), state=state or None, cursor=cursor, limit=PAGE_SIZE
        )
        names = queries.tenant_names(uow, viewer)
        choices = queries.sellers_choice(uow, viewer)
    return render(
        request,
        "customs.html",
        declarations=[d for _, d in rows],
        next_cursor=next_cursor,
        names=names,
        sellers=choices,
        seller=seller or "",
        state_filter=state or "",
        states=FILTER_STATES,
        state_labels=STATE_LABELS,
        direction_labels=DIRECTION_LABELS,
    )


def _check_page(
    request: Request, reports: list[CheckReport], problem: str = "", pasted: str = "", status: int = 200
) -> Response:
    return render(
        request,
        "customs_check.html",
        status=status,
        reports=reports,
        problem=problem,
        pasted=pasted,
        max_mb=MAX_CHECK_BYTES // 1_000_000,
    )


@router.get("/customs/check")
def check_form(request: Request, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    require(viewer, "customs:read")
    return _check_page(request, [])


@router.post("/customs/check")
async def check_messages(request: Request, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    require(viewer, "customs:read")
    form = await request.form()
    items: list[tuple[str, bytes]] = []
    pasted = str(form.get("xml") or "")
    if len(pasted.encode("utf-8")) > MAX_CHECK_BYTES:
        return _check_page(request, [], N_("A message is larger than the limit."), status=413)
    if pasted.strip():
        items.append((locale_of(request).gettext("Pasted XML"), pasted.encode("utf-8")))
    for upload in form.getlist("files"):
        if not isinstance(upload, UploadFile) or not upload.filename:
            continue
        raw = await upload.read(MAX_CHECK_BYTES + 1)
        if len(raw) > MAX_CHECK_BYTES:
            return _check_page(request, [], N_("A message is larger than the limit."), pasted, 413)
        items.append((upload.filename, raw))
    if not items:
        return _check_page(request, [], N_("Paste a message or choose a file."), pasted, 422)
    reports = await run_in_threadpool(service.check_messages, items)
    status = 200 if all(r.ok for r in reports) else 422
    return _check_page(request, reports, pasted=pasted, status=status)


@router.get("/customs/{declaration_id}")
def declaration_detail(
    request: Request, declaration_id: str, viewer: Annotated[Viewer, Depends(require_viewer)]
) -> Response:
    require(viewer, "customs:read")
    database: Database = request.app.state.database
    loc = locale_of(request)
    lang = loc.lang if loc.lang in LANGUAGES else "en"
    with database.unit_of_work() as uow:
        detail = service.declaration_detail(
            uow, _tenant(viewer), declaration_id, reveal=viewer.has("personal:read")
        )
        names = queries.tenant_names(uow, viewer)
    decl = detail.declaration
    xml = {guid: raw.decode("utf-8", errors="replace") for guid, raw in detail.xml.items()}
    timeline = [
        TimelineEntry(r, return_time(r.return_time), str(status_info(r.status).get(lang) or ""))
        for r in detail.receipts
    ]
    return render(
        request,
        "customs_declaration.html",
        decl=decl,
        messages=decl.messages,
        xml=xml,
        timeline=timeline,
        revisions=detail.revisions,
        seller_name=names.get(decl.tenant_id, ""),
        state_labels=STATE_LABELS,
        direction_labels=DIRECTION_LABELS,
        kind_labels=KIND_LABELS,
    )


@router.get("/customs/orders/{order_id}/documents/{kind}")
async def order_document(
    request: Request, order_id: str, kind: str, viewer: Annotated[Viewer, Depends(require_viewer)]
) -> Response:
    """A destination document (PDF) of the viewer's declared order."""
    require(viewer, "customs:read")
    platform = request.app.state.platform
    if kind not in ("invoice", "cn23", "packing-list"):
        raise NotFoundError("document", kind)

    def work() -> bytes:
        with platform.database.unit_of_work() as uow:
            doc = documents_service.document(
                uow, viewer.tenant_id, order_id, kind, fonts=platform.document_fonts
            )
        assert isinstance(doc, bytes)
        return doc

    pdf = await run_in_threadpool(work)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{order_id}-{kind}.pdf"'},
    )


@router.get("/customs/{declaration_id}/messages/{guid}.xml")
def message_xml(
    request: Request, declaration_id: str, guid: str, viewer: Annotated[Viewer, Depends(require_viewer)]
) -> Response:
    require(viewer, "customs:read")
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        detail = service.declaration_detail(
            uow, _tenant(viewer), declaration_id, reveal=viewer.has("personal:read")
        )
    found = next((m for m in detail.declaration.messages if m.guid == guid), None)
    if found is None:
        raise NotFoundError("message", guid)
    return Response(
        detail.xml[guid],
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="CEB{found.kind}Message-{guid}.xml"'},
    )

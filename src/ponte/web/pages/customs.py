"""Customs declarations, a broker's workbench: the list (state, order, waybill and period filters that
combine with cursor pages; each declaration's order, payment, waybill and inventory documents with their
states; rejected ones selectable for a batch resend), one declaration (its documents, messages as
labelled fields and indented XML, the receipts timeline with status meanings in the viewer's language,
cancel and return applications), and a form that checks pasted or uploaded CEB XML. The actions are in
``customs_actions``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from babel.dates import parse_date
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
from ponte.web.i18n import N_, Locale
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
    "605": N_("Cancel application"),
    "623": N_("Cancel application"),
    "213": N_("Return application"),
    "625": N_("Return application"),
}
#: The documents of a declaration, each with its import and its export kind.
DOCUMENTS = (
    ("order", N_("Order"), ("311", "303")),
    ("payment", N_("Payment"), ("411", "403")),
    ("waybill", N_("Waybill"), ("511", "505")),
    ("inventory", N_("Inventory list"), ("621", "603")),
)
#: States from which a declaration may be declared again (customs or the e-port refused it).
RESENDABLE = ("rejected", "error")
MAX_SEARCH = 60  # characters of an order or waybill searched for


@dataclass(frozen=True)
class DocumentState:
    role: str
    label: str  # message id
    kind: str | None  # None: the declaration has no such document
    state: str | None


def documents(decl: service.DeclaredOrder) -> list[DocumentState]:
    """The order, payment, waybill and inventory documents of a declaration, each with its state."""
    by_kind = {m.kind: m for m in decl.messages}
    out = []
    for role, label, kinds in DOCUMENTS:
        found = next((by_kind[k] for k in kinds if k in by_kind), None)
        out.append(DocumentState(role, label, found.kind if found else None, found.state if found else None))
    return out


def resendable(viewer: Viewer, decl: service.DeclaredOrder) -> bool:
    return (
        decl.state in RESENDABLE
        and decl.order_id is not None
        and viewer.has("customs:write")
        and not viewer.is_operator
    )


def _day(value: str, field: str, loc: Locale, errors: dict[str, list[str]]) -> date | None:
    """A day typed as the date field sends it (ISO), or as the viewer's locale writes it (31/12/2026)."""
    text = value.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parse_date(text, locale=loc.cldr)
    except (ValueError, IndexError):
        errors.setdefault(field, []).append(N_("Enter a date as shown, for example 2026-09-01."))
        return None


def _filters(
    request: Request, state: str, order: str, waybill: str, since: str, until: str
) -> tuple[service.DeclarationFilter, dict[str, list[str]]]:
    """The list's filters from the query, the period's days in the viewer's time zone; the problems of
    each field, all at once."""
    loc = locale_of(request)
    zone = ZoneInfo(loc.tz)
    errors: dict[str, list[str]] = {}
    if state and state not in STATE_LABELS:
        errors.setdefault("state", []).append(N_("Choose a state from the list."))
    for name, value in (("order", order), ("waybill", waybill)):
        if len(value) > MAX_SEARCH:
            errors.setdefault(name, []).append(N_("Too long to be an order or waybill number."))
    first, last = _day(since, "since", loc, errors), _day(until, "until", loc, errors)
    if first and last and last < first:
        errors.setdefault("until", []).append(N_("The last day is before the first."))
    where = service.DeclarationFilter(
        state=state if state in STATE_LABELS else None,
        order=order.strip() or None,
        waybill=waybill.strip() or None,
        since=datetime.combine(first, time(), zone) if first else None,
        until=datetime.combine(last + timedelta(days=1), time(), zone) if last else None,
    )
    return where, errors


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
    state: str = "",
    order: str = "",
    waybill: str = "",
    since: str = "",
    until: str = "",
    cursor: str | None = None,
) -> Response:
    require(viewer, "customs:read")
    database: Database = request.app.state.database
    where, errors = _filters(request, state, order, waybill, since, until)
    rows: list[tuple[str, service.DeclaredOrder]] = []
    next_cursor = None
    with database.unit_of_work() as uow:
        if not errors:
            rows, next_cursor = service.search_declarations(
                uow, _tenant(viewer, seller), where, cursor=cursor, limit=PAGE_SIZE
            )
        names = queries.tenant_names(uow, viewer)
        choices = queries.sellers_choice(uow, viewer)
    loc = locale_of(request)
    found = [d for _, d in rows]
    return render(
        request,
        "customs.html",
        status=422 if errors else 200,
        declarations=found,
        docs={d.id: documents(d) for d in found},
        can_resend={d.id for d in found if resendable(viewer, d)},
        next_cursor=next_cursor,
        names=names,
        sellers=choices,
        seller=seller or "",
        values={"state": state, "order": order, "waybill": waybill, "since": since, "until": until},
        errors={k: [loc.gettext(m) for m in v] for k, v in errors.items()},
        states=FILTER_STATES,
        state_labels=STATE_LABELS,
        direction_labels=DIRECTION_LABELS,
        kind_labels=KIND_LABELS,
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
    return declaration_page(request, viewer, declaration_id)


def declaration_page(
    request: Request,
    viewer: Viewer,
    declaration_id: str,
    problem: str = "",
    status: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
) -> Response:
    """One declaration; ``problem`` says why an application from it was refused, ``errors`` what is
    wrong with a field of its forms."""
    database: Database = request.app.state.database
    loc = locale_of(request)
    lang = loc.lang if loc.lang in LANGUAGES else "en"
    with database.unit_of_work() as uow:
        detail = service.declaration_detail(
            uow, _tenant(viewer), declaration_id, reveal=viewer.has("personal:read")
        )
        names = queries.tenant_names(uow, viewer)
    decl = detail.declaration
    xml = {guid: service.pretty_message(raw) for guid, raw in detail.xml.items()}
    fields = {m.guid: service.message_contents(detail.xml[m.guid], m.kind, lang) for m in decl.messages}
    timeline = [
        TimelineEntry(r, return_time(r.return_time), str(status_info(r.status).get(lang) or ""))
        for r in detail.receipts
    ]
    latest = detail.revisions[-1].id == decl.id if detail.revisions else True
    may_apply = (
        latest
        and viewer.has("customs:write")
        and not viewer.is_operator
        and decl.state not in ("rejected", "error", "cancelled", "returned")
        and any(m.kind in ("603", "621") for m in decl.messages)
    )
    return render(
        request,
        "customs_declaration.html",
        status=status,
        decl=decl,
        docs=documents(decl),
        messages=decl.messages,
        xml=xml,
        fields=fields,
        timeline=timeline,
        revisions=detail.revisions,
        seller_name=names.get(decl.tenant_id, ""),
        can_resend=latest and resendable(viewer, decl),
        may_apply=may_apply,
        problem=problem,
        values=values or {},
        errors=errors or {},
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

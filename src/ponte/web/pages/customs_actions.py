"""A broker's actions on declarations, through the journey's and the customs services: declaring rejected
declarations again in a batch (each its order's next revision, each result shown), and applying to
cancel a declaration's inventory list or for the return of its goods, with a reason. Every form carries
the CSRF token (checked by the console's middleware) and needs ``customs:write``."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from ponte.customs import service
from ponte.journey import service as journey
from ponte.kernel.clock import now
from ponte.kernel.errors import ConflictError, NotFoundError, PonteError
from ponte.platform.db import Database
from ponte.web.auth import Viewer, require_viewer
from ponte.web.errors import explain
from ponte.web.i18n import N_, Locale
from ponte.web.pages.catalogue import require
from ponte.web.pages.customs import DIRECTION_LABELS, RESENDABLE, STATE_LABELS, declaration_page
from ponte.web.render import flash, locale_of, render

router = APIRouter()
log = logging.getLogger("ponte.web.customs")

MAX_BATCH = 100  # declarations resent by one form
MAX_REASON = 200  # characters of a cancel or return reason (the message allows more; a reason is short)

#: Plain words for the refusals a broker meets here (other rules fall back to the console's own).
REFUSALS = {
    "not-declared": N_(
        "Customs do not hold this declaration: it was refused, ended or replaced by a newer revision."
    ),
    "inventory-number-unknown": N_("Customs have not numbered the inventory list yet; wait for its receipt."),
    "application-pending": N_("A cancel or return application of this declaration is already with customs."),
    "declared-once": N_("The order already has a declaration customs hold."),
    "order-transition": N_("The order is not waiting to be declared again."),
    "resend-state": N_("Only a rejected declaration or an e-port error can be declared again."),
    "raw-declaration": N_("This declaration was submitted whole through the API; submit it again there."),
}


@dataclass(frozen=True)
class Resent:
    declaration_id: str
    order_no: str
    ok: bool
    new_id: str = ""
    revision: int = 0
    state: str = ""
    problem: str = ""


def _words(exc: PonteError, loc: Locale) -> str:
    if exc.rule in REFUSALS:
        return loc.gettext(REFUSALS[exc.rule])
    return explain(exc, loc) or str(exc)


def _resend_one(
    database: Database, ctx: journey.Context, tenant: str, declaration_id: str, loc: Locale
) -> Resent:
    """One declaration declared again in its own unit of work: one refusal leaves the others alone."""
    order_no = ""
    try:
        with database.unit_of_work() as uow:
            decl = service.declaration(uow, tenant, declaration_id)
            order_no = decl.order_no
            if decl.state not in RESENDABLE:
                raise ConflictError("not refused", field="ids", rule="resend-state")
            if decl.order_id is None:
                raise ConflictError("raw declaration", field="ids", rule="raw-declaration")
            again = journey.declare(uow, tenant, decl.order_id, ctx, now())
            uow.commit()
    except PonteError as exc:
        log.info("declaration %s not declared again: %s", declaration_id, exc)
        return Resent(declaration_id, order_no or declaration_id, False, problem=_words(exc, loc))
    return Resent(declaration_id, order_no, True, again.id, again.revision, again.state)


@router.post("/customs/resend")
async def resend(request: Request, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    require(viewer, "customs:write")
    if viewer.is_operator:
        raise NotFoundError("declaration", "resend")
    form = await request.form()
    ids = list(dict.fromkeys(str(v) for v in form.getlist("ids") if isinstance(v, str) and v.strip()))
    loc = locale_of(request)
    if not ids or len(ids) > MAX_BATCH:
        flash(request, N_("Select between one and a hundred rejected declarations."))
        return RedirectResponse("/customs?state=rejected", status_code=303)
    platform = request.app.state.platform
    ctx: journey.Context = platform.journey
    database: Database = request.app.state.database

    def work() -> tuple[list[Resent], str]:
        results = [_resend_one(database, ctx, viewer.tenant_id, i, loc) for i in ids]
        note = ""
        if any(r.ok for r in results) and ctx.transport is not None:
            try:
                journey.send(database, viewer.tenant_id, ctx, now())
            except PonteError as exc:
                note = _words(exc, loc)
        return results, note

    results, send_problem = await run_in_threadpool(work)
    with database.unit_of_work() as uow:  # the state each new revision reached (sent, or still queued)
        fresh = {
            r.new_id: service.declaration(uow, viewer.tenant_id, r.new_id).state for r in results if r.ok
        }
    shown = [
        Resent(
            r.declaration_id, r.order_no, r.ok, r.new_id, r.revision, fresh.get(r.new_id, r.state), r.problem
        )
        for r in results
    ]
    return render(
        request,
        "customs_resend.html",
        status=200 if any(r.ok for r in shown) else 409,
        results=shown,
        send_problem=send_problem,
        state_labels=STATE_LABELS,
        direction_labels=DIRECTION_LABELS,
    )


async def _apply(request: Request, viewer: Viewer, declaration_id: str, which: str) -> Response:
    require(viewer, "customs:write")
    if viewer.is_operator:
        raise NotFoundError("declaration", declaration_id)
    form = await request.form()
    field = f"{which}_reason"
    reason = " ".join(str(form.get(field) or "").split())
    loc = locale_of(request)
    values = {field: reason}
    if not reason or len(reason) > MAX_REASON:
        text = N_("Say why, in at most 200 characters.")
        return declaration_page(request, viewer, declaration_id, status=422, values=values,
                                errors={field: [loc.gettext(text)]})  # fmt: skip
    platform = request.app.state.platform
    ctx: journey.Context = platform.journey
    database: Database = request.app.state.database
    tenant = viewer.tenant_id
    use_case = service.withdraw_declaration if which == "cancel" else service.return_declaration

    def work() -> None:
        with database.unit_of_work() as uow:
            signer = platform.customs_signer(service.signing_material(uow, tenant))
            use_case(uow, tenant, declaration_id, now(), signer=signer, reason=reason)
            uow.commit()
        if ctx.transport is not None:
            journey.send(database, tenant, ctx, now())

    try:
        await run_in_threadpool(work)
    except NotFoundError:
        raise
    except PonteError as exc:
        log.info("declaration %s: %s application refused: %s", declaration_id, which, exc)
        return declaration_page(request, viewer, declaration_id, _words(exc, loc), exc.status, values)
    done = N_("The cancel application is on its way to customs.")
    if which == "return":
        done = N_("The return application is on its way to customs.")
    flash(request, done)
    return RedirectResponse(f"/customs/{declaration_id}", status_code=303)


@router.post("/customs/{declaration_id}/cancel")
async def cancel(
    request: Request, declaration_id: str, viewer: Annotated[Viewer, Depends(require_viewer)]
) -> Response:
    return await _apply(request, viewer, declaration_id, "cancel")


@router.post("/customs/{declaration_id}/return")
async def return_goods(
    request: Request, declaration_id: str, viewer: Annotated[Viewer, Depends(require_viewer)]
) -> Response:
    return await _apply(request, viewer, declaration_id, "return")

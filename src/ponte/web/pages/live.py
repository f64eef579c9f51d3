"""The streamer's control panel, phone first: start and end, walk the booth route, pin, open and close
flash sales, the countdown and stock left large, paid and held apart, live charts over server-sent
events, and the report after the session."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse, StreamingResponse

from ponte.catalog import service as catalog
from ponte.kernel.clock import now
from ponte.kernel.errors import PonteError, Violation
from ponte.live import panel as live_panel
from ponte.live import service as live
from ponte.platform.db import Database
from ponte.web import forms
from ponte.web.auth import Viewer, require_viewer
from ponte.web.errors import translate
from ponte.web.i18n import N_, Locale, NumberInputError
from ponte.web.nav import NavEntry, register
from ponte.web.pages.catalogue import require, title_for
from ponte.web.render import flash, locale_of, render

router = APIRouter()
register(NavEntry("/live", N_("Live sessions"), scope="live:read", order=45))

SESSION_STATES = {"scheduled": N_("scheduled"), "live": N_("on air"), "ended": N_("ended")}
OFFER_STATES = {"upcoming": N_("upcoming"), "open": N_("open"), "closed": N_("closed")}
OFFER_FIELDS = ("sku", "price", "quantity_cap", "per_buyer_limit", "minutes")


@router.get("/live")
def sessions(request: Request, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    require(viewer, "live:read")
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        rows = live_panel.sessions(uow, viewer.tenant_id)
    return render(request, "live.html", rows=rows, states=SESSION_STATES)


def _panel(
    request: Request,
    viewer: Viewer,
    session_id: str,
    values: dict[str, str] | None = None,
    errors: forms.FormErrors | None = None,
    status: int = 200,
) -> Response:
    database: Database = request.app.state.database
    lang = locale_of(request).lang
    with database.unit_of_work() as uow:
        view = live_panel.panel(uow, viewer.tenant_id, session_id, now())
        choices = [(p.sku, f"{title_for(p, lang).text} · {p.sku}") for p in _products(uow, viewer)]
    return render(
        request,
        "live_panel.html",
        status=status,
        view=view,
        states=SESSION_STATES,
        offer_states=OFFER_STATES,
        can_write=viewer.has("live:write"),
        product_options=choices,
        values=values or {"quantity_cap": "100", "per_buyer_limit": "2", "minutes": "10"},
        errors=errors or forms.FormErrors(),
    )


def _products(uow: Any, viewer: Viewer) -> list[Any]:
    return catalog.products(uow, viewer.tenant_id, limit=200)


@router.get("/live/{session_id}")
def panel(request: Request, session_id: str, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    require(viewer, "live:read")
    return _panel(request, viewer, session_id)


def _act(request: Request, viewer: Viewer, session_id: str, step: Any, done: str) -> Response:
    require(viewer, "live:write")
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        step(uow)
        uow.commit()
    flash(request, done)
    return RedirectResponse(f"/live/{session_id}", status_code=303)


@router.post("/live/{session_id}/start")
def start(request: Request, session_id: str, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    return _act(
        request, viewer, session_id, lambda uow: live.start(uow, viewer.tenant_id, session_id, now()),
        N_("You are on air."),
    )  # fmt: skip


@router.post("/live/{session_id}/end")
def end(request: Request, session_id: str, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    require(viewer, "live:write")
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        live.end(uow, viewer.tenant_id, session_id, now())
        uow.commit()
    flash(request, N_("The session has ended. Here is its report."))
    return RedirectResponse(f"/live/{session_id}/report", status_code=303)


@router.post("/live/{session_id}/walk")
def walk(request: Request, session_id: str, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    return _act(
        request, viewer, session_id, lambda uow: live.walk(uow, viewer.tenant_id, session_id, now()),
        N_("You moved to the next booth."),
    )  # fmt: skip


@router.post("/live/{session_id}/pin")
async def pin(
    request: Request, session_id: str, viewer: Annotated[Viewer, Depends(require_viewer)]
) -> Response:
    form = await request.form()
    offer_id = str(form.get("offer_id") or "") or None
    return _act(
        request, viewer, session_id, lambda uow: live.pin(uow, viewer.tenant_id, session_id, offer_id),
        N_("Pinned.") if offer_id else N_("Unpinned."),
    )  # fmt: skip


@router.post("/live/{session_id}/offers/{offer_id}/close")
def close(
    request: Request, session_id: str, offer_id: str, viewer: Annotated[Viewer, Depends(require_viewer)]
) -> Response:
    return _act(
        request, viewer, session_id, lambda uow: live.close_offer(uow, viewer.tenant_id, offer_id),
        N_("The offer is closed."),
    )  # fmt: skip


def _number(
    loc: Locale, values: dict[str, str], name: str, errors: forms.FormErrors, whole: bool
) -> Decimal | None:
    """A number of the form as the viewer writes it; None (and the error beside the field) if it is not."""
    text = values.get(name, "").strip()
    if not text:
        errors.add(name, translate(loc, "required"))
        return None
    try:
        number = loc.parse_number(text)
    except NumberInputError:
        errors.add(name, translate(loc, "int_parsing" if whole else "decimal_parsing"))
        return None
    if whole and number != number.to_integral_value():
        errors.add(name, translate(loc, "int_parsing"))
        return None
    return number


FIELD_OF = {"hold_seconds": "minutes", "closes_at": "minutes", "currency": "sku", "opens_at": "minutes"}


@router.post("/live/{session_id}/offers")
async def open_offer(
    request: Request, session_id: str, viewer: Annotated[Viewer, Depends(require_viewer)]
) -> Response:
    require(viewer, "live:write")
    loc = locale_of(request)
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    errors = forms.FormErrors()
    numbers: dict[str, Decimal | None] = {
        name: _number(loc, values, name, errors, whole=name != "price")
        for name in ("price", "quantity_cap", "per_buyer_limit", "minutes")
    }
    sku = values.get("sku", "").strip()
    if not sku:
        errors.add("sku", translate(loc, "required"))
    # the fields that parsed are checked against every rule at once; the others keep their own error
    price, cap, per_buyer, minutes = (Decimal(1) if v is None else v for v in numbers.values())
    database: Database = request.app.state.database
    at = now()
    with database.unit_of_work() as uow:
        problems = live.offer_problems(
            uow, viewer.tenant_id, sku, price, int(cap), int(per_buyer), int(minutes), at
        )
    for v in problems:
        name = FIELD_OF.get(v.field, v.field)
        name = name if name in OFFER_FIELDS else ""
        if not errors.get(name) and not (name == "sku" and not sku):
            errors.add(name, translate(loc, v.rule, v.message))
    if not errors:
        try:
            with database.unit_of_work() as uow:
                live.open_offer(
                    uow, viewer.tenant_id, session_id, sku, price, int(cap), int(per_buyer), int(minutes), at
                )
                uow.commit()
        except PonteError as exc:
            for v in exc.violations or [Violation(exc.field, exc.rule, exc.message)]:
                name = FIELD_OF.get(v.field, v.field)
                errors.add(name if name in OFFER_FIELDS else "", translate(loc, v.rule, v.message))
    if errors:
        return _panel(request, viewer, session_id, values, errors, status=422)
    flash(request, N_("The offer is open and pinned."))
    return RedirectResponse(f"/live/{session_id}", status_code=303)


@router.get("/live/{session_id}/figures")
def figures(
    request: Request, session_id: str, viewer: Annotated[Viewer, Depends(require_viewer)]
) -> Response:
    """The figures as JSON, once (what each server-sent event carries)."""
    require(viewer, "live:read")
    data = _figures(request.app.state.database, viewer, session_id, locale_of(request))
    return Response(orjson.dumps(data), media_type="application/json")


def _figures(database: Database, viewer: Viewer, session_id: str, loc: Locale) -> dict[str, Any]:
    """The panel's figures, raw and as the viewer reads them (numbers and money by Babel)."""
    with database.unit_of_work() as uow:
        view = live_panel.panel(uow, viewer.tenant_id, session_id, now())
    data = view.as_json()
    data["text"] = {
        "paid-orders": loc.number(view.paid.orders),
        "paid-gmv": loc.money(view.paid.value, view.currency),
        "held-orders": loc.number(view.held.orders),
        "held-gmv": loc.money(view.held.value, view.currency),
        "left": {o.id: loc.number(o.left) for o in view.offers},
        "minutes": [loc.minute(m) for m, _n in view.per_minute],
    }
    data["titles"] = {o.id: o.title(loc.lang) for o in view.offers}
    return data


@router.get("/live/{session_id}/events")
async def events(
    request: Request,
    session_id: str,
    viewer: Annotated[Viewer, Depends(require_viewer)],
    every: float = 1.0,
    count: int = 0,
) -> StreamingResponse:
    """The figures as server-sent events, every `every` seconds (`count` events, or until the page goes)."""
    require(viewer, "live:read")
    database: Database = request.app.state.database
    loc = locale_of(request)
    _figures(database, viewer, session_id, loc)  # a 404 before the stream starts
    every = min(max(every, 0.5), 30.0)

    async def stream() -> AsyncIterator[bytes]:
        sent = 0
        while not await request.is_disconnected():
            data = await asyncio.to_thread(_figures, database, viewer, session_id, loc)
            yield b"event: figures\ndata: " + orjson.dumps(data) + b"\n\n"
            sent += 1
            if count and sent >= count:
                return
            await asyncio.sleep(every)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})


@router.get("/live/{session_id}/report")
def report(request: Request, session_id: str, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    require(viewer, "live:read")
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        result = live_panel.report(uow, viewer.tenant_id, session_id, now())
    return render(request, "live_report.html", report=result, view=result.panel, states=SESSION_STATES)

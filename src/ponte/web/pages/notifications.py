"""Notifications: what needs the viewer (a declaration customs refused, ...), newest first, each marked
read by the viewer; the header shows how many are unread on every page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse

from ponte.accounts import notifications
from ponte.kernel.clock import now
from ponte.platform.db import Database
from ponte.web.auth import Viewer, require_viewer
from ponte.web.i18n import N_
from ponte.web.pages.customs import STATE_LABELS
from ponte.web.render import CONTEXT_HOOKS, render

router = APIRouter()
LIMIT = 100

#: Each kind's text (a message id with the notification's params) and the page it points to.
TEXTS = {
    "declaration.rejected": N_("The declaration of order %(order_no)s was refused: %(state)s."),
    "offer.sold_out": N_("The live offer of %(sku)s has sold out (%(cap)s units)."),
}
LINKS = {
    "declaration.rejected": ("/customs/{subject_id}", N_("Open the declaration")),
    "offer.sold_out": ("/live/{session_id}", N_("Open the live session")),
}


def reader(viewer: Viewer) -> notifications.Reader:
    return notifications.Reader(viewer.tenant_id, viewer.session.scopes, viewer.session.actor)


def _unread(request: Request, viewer: Viewer) -> dict[str, Any]:
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        return {"unread_notifications": notifications.unread(uow, reader(viewer))}


CONTEXT_HOOKS.append(_unread)


@router.get("/notifications")
def notification_list(request: Request, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        items = notifications.latest(uow, reader(viewer), LIMIT)
    return render(
        request,
        "notifications.html",
        items=items,
        texts=TEXTS,
        links={
            n.id: (LINKS[n.kind][0].format(subject_id=n.subject_id, **n.params), LINKS[n.kind][1])
            for n in items
            if n.kind in LINKS
        },
        state_labels=STATE_LABELS,
    )


@router.post("/notifications/read")
async def mark_read(request: Request, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    form = await request.form()
    ids = [str(v) for v in form.getlist("id") if isinstance(v, str) and v]
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        notifications.mark_read(uow, reader(viewer), now(), ids or None)
        uow.commit()
    target = str(form.get("next") or "")
    if any(target.startswith(path.split("{", 1)[0]) for path, _ in LINKS.values()) and "//" not in target:
        return RedirectResponse(target, status_code=303)  # open what it was about
    return RedirectResponse("/notifications", status_code=303)

"""The live session wall: what is pinned, the countdown, and the figures moving (htmx, every 2 s)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from ponte.kernel.clock import now
from ponte.live.store.repository import LiveRepository
from ponte.platform.db import Database
from ponte.web.auth import Viewer, require_viewer
from ponte.web.i18n import N_
from ponte.web.nav import NavEntry, register
from ponte.web.pages.catalogue import require
from ponte.web.render import render

router = APIRouter()
register(NavEntry("/live", N_("Live sessions"), scope="live:read", order=45))


@router.get("/live")
def sessions(request: Request, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    require(viewer, "live:read")
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        rows = LiveRepository(uow.session, viewer.tenant_id).sessions()
    return render(request, "live.html", rows=rows)


def _wall(request: Request, viewer: Viewer, session_id: str) -> dict[str, Any]:
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        repo = LiveRepository(uow.session, viewer.tenant_id)
        live = repo.get_session(session_id)
        figures, extra = repo.figures(session_id, now())
        offers = {o.id: o for o in repo.offers(session_id)}
    pinned = offers.get(live.pinned_offer_id or "")
    return {"live": live, "figures": figures, "extra": extra, "offers": offers, "pinned": pinned}


@router.get("/live/{session_id}")
def wall(request: Request, session_id: str, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    require(viewer, "live:read")
    return render(request, "live_wall.html", **_wall(request, viewer, session_id))


@router.get("/live/{session_id}/figures")
def wall_figures(
    request: Request, session_id: str, viewer: Annotated[Viewer, Depends(require_viewer)]
) -> Response:
    require(viewer, "live:read")
    return render(request, "_live_figures.html", **_wall(request, viewer, session_id))

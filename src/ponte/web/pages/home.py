"""The dashboard (signing in and out: ``pages/signin.py``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from ponte.platform.db import Database
from ponte.web import queries
from ponte.web.auth import Viewer, require_viewer
from ponte.web.i18n import N_
from ponte.web.nav import NavEntry, register
from ponte.web.render import render

router = APIRouter()
register(NavEntry("/", N_("Dashboard"), order=10))


@router.get("/")
def dashboard(request: Request, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    database: Database = request.app.state.database
    with database.unit_of_work() as uow:
        figures = queries.dashboard(uow.session, viewer)
    peak = max((n for _d, n in figures.days), default=0)
    return render(request, "dashboard.html", figures=figures, peak=peak)

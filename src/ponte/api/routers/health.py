from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from ponte import __version__
from ponte.api.deps import DatabaseDep
from ponte.api.routing import ExactJsonRoute

router = APIRouter(tags=["health"], route_class=ExactJsonRoute)


@router.get("/health", summary="Liveness and database reachability")
def health(database: DatabaseDep) -> dict[str, str]:
    with database.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {"status": "ok", "version": __version__}

"""POST /api/v1/quotes: landed cost of one order (contract version 1, see docs/duties.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends

from ponte.api.deps import require_scope
from ponte.duties import default_rules, quote_json
from ponte.security import Principal

router = APIRouter(prefix="/quotes", tags=["quotes"])
Caller = Annotated[Principal, Depends(require_scope("quotes:read"))]


def _fx() -> Any:
    from ponte.reference.fx import default_converter

    return default_converter()


@router.post("", summary="Quote duties and taxes at destination")
def create_quote(caller: Caller, request: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    """Validate the request, quote it; bad input is a 422 problem naming the field and rule."""
    return quote_json(request, default_rules(), _fx())

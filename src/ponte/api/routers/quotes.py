"""POST /api/v1/quotes: landed cost of one order (contract version 1, see docs/duties.md).

The handler is a coroutine that reads the body, quotes and writes the JSON
itself (orjson): a quote takes a fraction of a millisecond, less than a hop
to the thread pool and FastAPI's generic response encoding would cost.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Request, Response

from ponte.accounts.core import Principal
from ponte.api.deps import require_scope
from ponte.api.routing import ExactJsonRoute
from ponte.duties import default_rules, quote_json
from ponte.kernel.errors import ValidationError
from ponte.reference.fx import default_converter

router = APIRouter(prefix="/quotes", tags=["quotes"], route_class=ExactJsonRoute)
SCOPE = "quotes:read"


Caller = Annotated[Principal, Depends(require_scope(SCOPE))]

_REQUEST_SCHEMA: dict[str, Any] = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {"type": "object", "description": "Quote request, version 1 (see docs/duties.md)"}
        }
    },
}


@router.post(
    "",
    summary="Quote duties and taxes at destination",
    openapi_extra={"requestBody": _REQUEST_SCHEMA},
    responses={200: {"description": "The quote (version 1)", "content": {"application/json": {}}}},
)
async def create_quote(caller: Caller, request: Request) -> Response:
    """Validate the request, quote it; bad input is a 422 problem naming the field and rule."""
    body = await request.body()
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ValidationError("the body is not valid JSON", field="/", rule="json") from None
    rates = default_converter(request.app.state.settings.fx_official_files)
    return Response(orjson.dumps(quote_json(data, default_rules(), rates)), media_type="application/json")

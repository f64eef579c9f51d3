"""POST /api/v1/quotes: landed cost of one order (contract version 1, see docs/duties.md), and the
tenant's tax registrations (IOSS, Remessa Conforme, Chile's SII) under /api/v1/tax-registrations.

The quote handler is a coroutine that reads the body, quotes and writes the JSON itself (orjson): a
quote takes a fraction of a millisecond, less than a hop to the thread pool and FastAPI's generic
response encoding would cost. The registration handlers touch the database and run in the pool.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict

from ponte.accounts.core import Principal
from ponte.api.deps import UowDep, require_scope
from ponte.api.routing import ExactJsonRoute
from ponte.duties import service
from ponte.duties.errors import DutiesError
from ponte.duties.registrations import TaxRegistration
from ponte.kernel.errors import ValidationError

SCOPE = "quotes:read"
WRITE = "duties:write"
quotes = APIRouter(prefix="/quotes", tags=["quotes"], route_class=ExactJsonRoute)
registrations = APIRouter(prefix="/tax-registrations", tags=["quotes"], route_class=ExactJsonRoute)

Caller = Annotated[Principal, Depends(require_scope(SCOPE))]
Writer = Annotated[Principal, Depends(require_scope(WRITE))]

_REQUEST_SCHEMA: dict[str, Any] = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {"type": "object", "description": "Quote request, version 1 (see docs/duties.md)"}
        }
    },
}


@quotes.post(
    "",
    summary="Quote duties and taxes at destination",
    openapi_extra={"requestBody": _REQUEST_SCHEMA},
    responses={200: {"description": "The quote (version 1)", "content": {"application/json": {}}}},
)
async def create_quote(caller: Caller, request: Request) -> Response:
    """Validate the request, quote it; bad input is a 422 problem naming the field and rule."""
    body = await request.body()
    try:
        data = json.loads(body, parse_float=Decimal)  # JSON numbers read exactly as decimals
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("the body is not valid JSON", field="/", rule=DutiesError.JSON) from None
    p = request.app.state.platform
    return Response(
        orjson.dumps(service.quote_request(data, rules=p.rules, fx=p.fx)), media_type="application/json"
    )


class RegistrationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: str
    valid_until: date | None = None


class RegistrationOut(BaseModel):
    scheme: str
    number: str
    valid_from: date
    valid_until: date | None

    @classmethod
    def of(cls, r: TaxRegistration) -> RegistrationOut:
        return cls(scheme=r.scheme, number=r.number, valid_from=r.valid_from, valid_until=r.valid_until)


@registrations.get("", summary="The tenant's tax registrations")
def list_registrations(caller: Caller, uow: UowDep) -> list[RegistrationOut]:
    regs = service.registrations(uow, caller.tenant_id).registrations
    return [RegistrationOut.of(r) for r in regs]


@registrations.put(
    "/{scheme}/{valid_from}",
    summary="Set a tax registration valid from a date (ioss, remessa_conforme, cl_sii)",
)
def put_registration(
    scheme: str, valid_from: date, body: RegistrationIn, caller: Writer, uow: UowDep
) -> RegistrationOut:
    reg = service.set_registration(uow, caller.tenant_id, scheme, body.number, valid_from, body.valid_until)
    return RegistrationOut.of(reg)


@registrations.delete("/{scheme}/{valid_from}", status_code=204, summary="Remove a tax registration")
def delete_registration(scheme: str, valid_from: date, caller: Writer, uow: UowDep) -> Response:
    service.remove_registration(uow, caller.tenant_id, scheme, valid_from)
    return Response(status_code=204)


router = APIRouter()
router.include_router(quotes)
router.include_router(registrations)

"""Buying during a live session: the purchase hot path, reservations, payment, reconciliation."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError
from sqlalchemy.exc import IntegrityError
from starlette.types import Receive, Scope, Send

from ponte.accounts.core import Principal
from ponte.api import problems
from ponte.api.deps import DatabaseDep, principal_for, require_scope
from ponte.api.idempotency import run_idempotent
from ponte.api.routing import ExactJsonRoute
from ponte.api.schemas import OrderOut
from ponte.kernel.clock import now
from ponte.kernel.errors import PermissionDenied, PonteError, ValidationError, Violation
from ponte.live import buying
from ponte.live import service as live
from ponte.orders.intake import PaymentIn
from ponte.platform.db import Database

router = APIRouter(prefix="/live", tags=["live"], route_class=ExactJsonRoute)
log = logging.getLogger("ponte.live")
Read = Annotated[Principal, Depends(require_scope("live:read"))]
Write = Annotated[Principal, Depends(require_scope("live:write"))]


class PurchaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    buyer_ref: str = Field(min_length=1, max_length=64, description="the viewer's id on the live platform")
    quantity: int = Field(ge=1, le=1_000)


class PayIn(BaseModel):
    """What the order needs beyond the reservation: the buyer's identity and address."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    external_ref: str = Field(min_length=1, max_length=64)
    destination: str = Field(min_length=2, max_length=2)
    destination_region: str | None = Field(None, max_length=10)
    trade_mode: str = Field("9610", pattern=r"^(9610|9710|9810|1210)$")
    buyer: dict[str, Any]
    payment: PaymentIn = Field(description="the buyer's payment of the reservation")


_SWEEPERS: dict[tuple[str, int], asyncio.Task[None]] = {}
SWEEP_EVERY = 5.0


def _ensure_sweeper(database: Database) -> None:
    """Each process returns the stock of overdue reservations every few seconds."""
    key = (database.url, id(asyncio.get_running_loop()))
    task = _SWEEPERS.get(key)
    if task is None or task.done():
        _SWEEPERS[key] = asyncio.get_running_loop().create_task(_sweep(database))


async def _sweep(database: Database) -> None:
    while True:
        await asyncio.sleep(SWEEP_EVERY)
        try:
            await asyncio.to_thread(live.release_overdue, database, now())
        except Exception:  # the next round tries again; a failed round changes nothing
            log.exception("releasing overdue reservations failed")


_PURCHASE_OPENAPI: dict[str, Any] = {
    "parameters": [
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "schema": {"type": "string", "minLength": 1, "maxLength": 200},
        },
    ],
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": PurchaseIn.model_json_schema()}},
    },
}


def _purchase_body(raw: bytes) -> PurchaseIn:
    try:
        return PurchaseIn.model_validate_json(raw)
    except PydanticError as exc:
        raise ValidationError.of(
            [
                Violation(".".join(str(p) for p in e["loc"]) or "body", e["type"], e["msg"])
                for e in exc.errors()
            ]
        ) from exc


@router.post(
    "/offers/{offer_id}/purchases",
    status_code=201,
    summary="Buy during the session: reserve units (honours Idempotency-Key)",
    responses={
        201: {"description": "units reserved until expires_at"},
        409: {"description": "sold out or offer not open"},
        422: {"description": "over the limit, or a bad quantity"},
    },
    openapi_extra=_PURCHASE_OPENAPI,
)
async def buy(offer_id: str, request: Request) -> Response:
    """The hot path: parsed and authorised by hand, so a purchase costs as little as it can.

    Behind the full app, `FastPurchases` answers this route before any routing;
    both call `purchase_json`, so the two give the same answers.
    """
    headers = request.headers
    body, replayed = await purchase_json(
        request.app.state,
        offer_id,
        headers.get("authorization"),
        headers.get("x-api-key"),
        headers.get("idempotency-key"),
        await request.body(),
    )
    return Response(
        body,
        status_code=201,
        media_type="application/json",
        headers={"Idempotent-Replayed": "true"} if replayed else None,
    )


async def purchase_json(
    state: Any,
    offer_id: str,
    authorization: str | None,
    api_key: str | None,
    idempotency_key: str | None,
    raw: bytes,
) -> tuple[bytes, bool]:
    """Authorise, check and reserve; the 201 body and whether it replays an earlier answer.

    Raises a `PonteError` naming the field and the rule for every refusal.
    """
    key = authorization[7:].strip() if authorization and authorization[:7].lower() == "bearer " else None
    caller = await principal_for(state.key_cache, state.database, key or api_key)
    if not caller.has("live:write"):
        raise PermissionDenied("this API key lacks the scope 'live:write'", rule="live:write")
    body = _purchase_body(raw)
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= 200:
        raise ValidationError(
            "Idempotency-Key must have 1 to 200 characters", field="Idempotency-Key", rule="length"
        )
    database: Database = state.database
    _ensure_sweeper(database)
    held, offer = await buying.reserve(
        database, caller.tenant_id, offer_id, body.buyer_ref, body.quantity, now(), idempotency_key
    )
    payload = {
        "reservation_id": held.reservation_id,
        "offer_id": held.offer_id,
        "buyer_ref": held.buyer_ref,
        "quantity": held.quantity,
        "status": held.status,
        "expires_at": held.expires_at.isoformat(),
        "unit_price": str(offer.terms.price),
        "currency": offer.terms.currency,
    }
    return orjson.dumps(payload), held.replayed


@router.post("/reservations/{reservation_id}/pay", status_code=201, response_model=OrderOut)
async def pay(  # type: ignore[no-untyped-def]
    reservation_id: str, body: PayIn, request: Request, caller: Write, database: DatabaseDep
):
    def handler(uow):  # type: ignore[no-untyped-def]
        order = live.pay_reservation(uow, caller.tenant_id, reservation_id, body.model_dump(), now())
        return 201, OrderOut.model_validate(order).model_dump()

    return await run_idempotent(request, caller, database, handler)


@router.post("/reservations/{reservation_id}/cancel", summary="Give a held reservation's units back")
def cancel(reservation_id: str, caller: Write, database: DatabaseDep) -> dict[str, int]:
    return {"released": buying.cancel(database, caller.tenant_id, reservation_id, now())}


@router.post("/reservations/expire", summary="Return the stock of this seller's overdue reservations")
def expire(caller: Write, database: DatabaseDep) -> dict[str, int]:
    return {"released": buying.expire(database, caller.tenant_id, now())}


@router.get("/offers/{offer_id}/reconciliation", summary="Prove buckets + held + paid == cap")
def reconciliation(offer_id: str, caller: Read, database: DatabaseDep) -> dict[str, Any]:
    report = buying.reconciliation(database, caller.tenant_id, offer_id)
    return {**report.__dict__, "balanced": report.balanced}


_PURCHASES = "/purchases"


class FastPurchases:
    """`POST {prefix}/live/offers/{id}/purchases` answered before any routing.

    A flash sale puts nearly all of a server's requests on this one route; the
    console mount, the API mount and FastAPI's routing and dependency machinery
    cost more CPU than the purchase itself. The app's request middleware calls
    `match` first and, on a hit, this object answers with `purchase_json`, the
    same function behind the routed `buy`: the same checks, the same
    Idempotency-Key handling and the same problem documents on refusal.
    """

    def __init__(self, state: Any, prefix: str = "/api/v1") -> None:
        self.state = state
        self.head = f"{prefix}/live/offers/"

    def match(self, scope: Scope) -> str | None:
        """The offer id when `scope` is a purchase, else None."""
        path: str = scope["path"]
        if scope["method"] != "POST" or not path.startswith(self.head) or not path.endswith(_PURCHASES):
            return None
        offer_id = path[len(self.head) : -len(_PURCHASES)]
        return offer_id if offer_id and "/" not in offer_id else None

    async def __call__(
        self, offer_id: str, scope: Scope, headers: dict[bytes, bytes], receive: Receive, send: Send
    ) -> None:
        chunks = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        idempotency_key = headers.get(b"idempotency-key")
        status = 201
        extra: list[tuple[bytes, bytes]] = []
        try:
            body, replayed = await purchase_json(
                self.state,
                offer_id,
                _text(headers.get(b"authorization")),
                _text(headers.get(b"x-api-key")),
                None if idempotency_key is None else idempotency_key.decode("latin-1"),
                chunks[0] if len(chunks) == 1 else b"".join(chunks),
            )
            if replayed:
                extra.append((b"idempotent-replayed", b"true"))
            kind = b"application/json"
        except Exception as exc:
            status, body = self._problem(exc, scope)
            if status == 401:
                extra.append((b"www-authenticate", b"Bearer"))
            kind = problems.PROBLEM.encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()), *extra],
            }
        )
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    def _problem(exc: Exception, scope: Scope) -> tuple[int, bytes]:
        request_id = scope.get("state", {}).get("request_id", "")
        path = scope["path"]
        if isinstance(exc, PonteError):
            return exc.status, orjson.dumps(problems.of_error(exc, path, request_id))
        if isinstance(exc, IntegrityError):
            detail = "this conflicts with something already stored"
            return 409, orjson.dumps(problems.document(409, detail, path, request_id, kind="conflict"))
        log.exception("unhandled error", extra={"request_id": request_id})
        detail = "an unexpected error happened; the request id helps find it"
        return 500, orjson.dumps(problems.document(500, detail, path, request_id))


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("latin-1")

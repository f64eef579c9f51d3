"""Orders beyond creation: CSV upload, state changes with their event history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from ponte.accounts.core import Principal
from ponte.api.deps import DatabaseDep, UowDep, require_scope
from ponte.api.routing import ExactJsonRoute
from ponte.api.schemas import OrderOut
from ponte.kernel.clock import now
from ponte.kernel.errors import PonteError, ValidationError
from ponte.orders import csv_upload, service
from ponte.orders.service import place_order

router = APIRouter(tags=["orders"], route_class=ExactJsonRoute)
Read = Annotated[Principal, Depends(require_scope("orders:read"))]
Write = Annotated[Principal, Depends(require_scope("orders:write"))]


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    status: str = Field(description="paid, cancelled, fulfilled or returned")
    note: str = Field("", max_length=500)


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    at: datetime
    kind: str
    detail: str


@router.post("/orders/{order_id}/status", response_model=OrderOut, summary="Move an order to its next state")
def move_order(order_id: str, body: MoveIn, caller: Write, uow: UowDep) -> OrderOut:
    order = service.move(uow, caller.tenant_id, order_id, body.status, now(), body.note)
    out = OrderOut.model_validate(order)
    uow.commit()
    return out


@router.get("/orders/{order_id}/events", response_model=list[EventOut], summary="The order's history")
def order_events(order_id: str, caller: Read, uow: UowDep) -> list[EventOut]:
    return [EventOut.model_validate(e) for e in service.history(uow, caller.tenant_id, order_id)]


@router.post(
    "/orders/import",
    summary="Place orders from CSV (one row per line); all or nothing, every bad row reported",
    responses={422: {"description": "row errors; nothing stored"}},
)
def import_orders(
    caller: Write,
    database: DatabaseDep,
    body: Annotated[str, Body(media_type="text/csv", description="columns: see docs/live.md")],
    dry_run: bool = False,
) -> JSONResponse:
    if len(body.encode()) > 20_000_000:
        raise ValidationError("the file is larger than 20 MB", field="file", rule="max-size")
    parsed, errors = csv_upload.read_orders(body)
    created: list[dict[str, Any]] = []
    with database.unit_of_work() as uow:
        at = now()
        for item in parsed:
            try:  # place_order checks everything before it stages anything
                order = place_order(uow, caller.tenant_id, item.order, at)
                created.append({"external_ref": item.external_ref, "id": order.id})
            except PonteError as exc:
                errors.extend(csv_upload.errors_from(exc.violations, item.rows))
        errors.sort(key=lambda e: (e.row, e.field))
        stored = not errors and not dry_run
        if stored:
            uow.commit()
    return JSONResponse(
        {
            "stored": stored,
            "orders": created if stored else [],
            "valid_orders": len(created),
            "errors": [e.as_dict() for e in errors],
        },
        status_code=422 if errors else (201 if stored else 200),
    )


@router.get(
    "/orders/{order_id}/quote",
    summary="The order's landed-cost quote at destination (duties engine)",
    responses={200: {"description": "a quote, version 1 (see docs/duties.md)"}},
)
def order_quote(order_id: str, caller: Read, uow: UowDep) -> dict[str, Any]:
    from ponte.orders.store import OrderRepository

    try:
        from ponte.duties import default_rules, quote_json
        from ponte.reference.fx import default_converter
    except ImportError as exc:  # pragma: no cover - the duties engine ships with Ponte
        raise PonteError(
            "the duties engine is not installed", field="order", rule="duties-engine", status=501
        ) from exc
    order = OrderRepository(uow.session, caller.tenant_id).get(order_id)
    request = {
        "destination": order.destination,
        "destination_region": order.destination_region,
        "date": order.placed_at.date().isoformat(),
        "currency": order.currency,
        "freight": str(order.freight),
        "insurance": str(order.insurance),
        "items": [
            {
                "description": line.description,
                "hs_code": line.hs_code,
                "quantity": line.quantity,
                "unit_price": str(line.unit_price),
                "origin": line.origin_country,
            }
            for line in order.lines
        ],
    }
    if order.trade_mode in ("9610", "1210") and order.destination == "CN":
        request["channel"] = order.trade_mode
    fx: Any = default_converter()  # the duties engine reads it through its own FxSource protocol
    return quote_json(request, default_rules(), fx)

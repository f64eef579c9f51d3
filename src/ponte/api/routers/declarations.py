"""China customs declarations: create (validated, signed, queued), validate, send, follow receipts."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request, Response
from pydantic import BaseModel

from ponte.accounts.core import Principal
from ponte.api.deps import DatabaseDep, UowDep, require_scope
from ponte.api.idempotency import run_idempotent
from ponte.api.routing import ExactJsonRoute
from ponte.customs import service
from ponte.customs.adapters.transport import FileDropTransport
from ponte.customs.china.declare import build_order
from ponte.customs.china.orders import CustomsOrder
from ponte.customs.china.receipts import status_info
from ponte.customs.china.validate import check_bytes, validate_set
from ponte.customs.store import CustomsRepository

router = APIRouter(prefix="/customs", tags=["customs"], route_class=ExactJsonRoute)
Reader = Annotated[Principal, Depends(require_scope("customs:read"))]
Writer = Annotated[Principal, Depends(require_scope("customs:write"))]
XML = Annotated[bytes, Body(media_type="application/xml")]


class ViolationOut(BaseModel):
    field: str
    rule: str
    message: str


class DeclarationOut(BaseModel):
    id: str
    order_no: str
    revision: int
    direction: str
    trade_mode: str
    state: str
    messages: list[dict[str, Any]] = []
    receipts: list[dict[str, Any]] = []


def _out(repo: CustomsRepository, decl: Any, detail: bool = True) -> DeclarationOut:
    out = DeclarationOut(
        id=decl.id,
        order_no=decl.order_no,
        revision=decl.revision,
        direction=decl.direction,
        trade_mode=decl.trade_mode,
        state=decl.state,
    )
    if detail:
        out.messages = [
            {
                "guid": m.guid,
                "kind": m.kind,
                "key": m.key,
                "state": m.state,
                "sent_at": m.sent_at.isoformat() if m.sent_at else None,
            }
            for m in repo.messages(decl.id)
        ]
        out.receipts = [
            {
                "receipt": r.receipt,
                "status": r.status,
                "state": r.state,
                "time": r.return_time,
                "info": r.info,
                "meaning": {k: v for k, v in status_info(r.status).items() if k != "state"},
            }
            for r in repo.receipts(decl.id)
        ]
    return out


@router.post(
    "/declarations/validate",
    response_model=list[ViolationOut],
    summary="Check an order's messages without storing anything",
)
def validate_order(body: CustomsOrder, caller: Reader) -> list[ViolationOut]:
    msgs = build_order(body, service.configured_transfer(), now=datetime.now(UTC), scope=caller.tenant_id)
    return [ViolationOut(**v.as_dict()) for v in validate_set(msgs)]


@router.post("/messages/check", summary="Validate one CEB XML message (description + business rules)")
def check_message(body: XML, caller: Reader) -> dict[str, Any]:
    return check_bytes(body, "request").as_dict()


@router.post(
    "/declarations",
    status_code=201,
    response_model=DeclarationOut,
    summary="Declare an order: validate, build, sign and queue its messages (honours Idempotency-Key)",
)
async def create_declaration(body: CustomsOrder, request: Request, caller: Writer, database: DatabaseDep):  # type: ignore[no-untyped-def]
    def handler(uow):  # type: ignore[no-untyped-def]
        repo = CustomsRepository(uow.session, caller.tenant_id)
        decl = service.declare(
            repo,
            body,
            signer=service.configured_signer(),
            transfer=service.configured_transfer(),
            now=datetime.now(UTC),
        )
        return 201, _out(repo, decl).model_dump()

    return await run_idempotent(request, caller, database, handler)


@router.get("/declarations", response_model=list[DeclarationOut])
def list_declarations(caller: Reader, uow: UowDep) -> list[DeclarationOut]:
    repo = CustomsRepository(uow.session, caller.tenant_id)
    return [_out(repo, d, detail=False) for d in repo.recent()]


@router.get("/declarations/{declaration_id}", response_model=DeclarationOut)
def get_declaration(declaration_id: str, caller: Reader, uow: UowDep) -> DeclarationOut:
    repo = CustomsRepository(uow.session, caller.tenant_id)
    return _out(repo, repo.get(declaration_id))


@router.get("/declarations/{declaration_id}/messages/{kind}", summary="The XML of one declared message")
def get_message(declaration_id: str, kind: str, caller: Reader, uow: UowDep) -> Response:
    repo = CustomsRepository(uow.session, caller.tenant_id)
    for m in repo.messages(repo.get(declaration_id).id):
        if m.kind == kind:
            return Response(m.xml, media_type="application/xml")
    from ponte.kernel.errors import NotFoundError

    raise NotFoundError("message", kind)


@router.post("/outbox/send", summary="Send queued messages to the customs drop folder")
def send(caller: Writer, database: DatabaseDep) -> dict[str, int]:
    drop = Path(os.environ.get("PONTE_CUSTOMS_DROP_DIR", "customs-drop"))
    transport = FileDropTransport(drop / "inbox", delivered=drop / "processed")
    n = service.send_outbox(
        database, lambda s: CustomsRepository(s, caller.tenant_id), transport, datetime.now(UTC)
    )
    return {"sent": n}


@router.post("/receipts", summary="Apply a customs receipt (CEB XML) to the declarations it answers")
def post_receipt(body: XML, caller: Writer, uow: UowDep) -> dict[str, Any]:
    repo = CustomsRepository(uow.session, caller.tenant_id)
    rows = service.apply_receipt(repo, body, datetime.now(UTC))
    uow.commit()
    return {
        "applied": len(rows),
        "receipts": [
            {
                "receipt": r.receipt,
                "key": r.key,
                "status": r.status,
                "state": r.state,
                "matched": r.message_guid is not None,
            }
            for r in rows
        ],
    }

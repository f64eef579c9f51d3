"""China customs: the tenant's customs profile, declarations (validated, signed, queued), the outbox,
receipts. Thin: every route calls the customs service; blocking work runs in the thread pool."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ponte.accounts.core import PERSONAL_DATA, Principal
from ponte.api.deps import DatabaseDep, UowDep, require_scope
from ponte.api.idempotency import run_idempotent
from ponte.api.routing import ExactJsonRoute
from ponte.bootstrap import Platform
from ponte.customs import documents_service, service
from ponte.customs.china.orders import CustomsOrder
from ponte.customs.china.payment_data import Evidence
from ponte.customs.china.profile import CustomsProfile
from ponte.customs.china.receipts import status_info
from ponte.customs.china.validate import check_bytes
from ponte.journey import service as journey
from ponte.kernel.clock import now
from ponte.kernel.errors import NotFoundError
from ponte.orders import service as orders

router = APIRouter(prefix="/customs", tags=["customs"], route_class=ExactJsonRoute)
Reader = Annotated[Principal, Depends(require_scope("customs:read"))]
Writer = Annotated[Principal, Depends(require_scope("customs:write"))]
XML = Annotated[bytes, Body(media_type="application/xml")]


class ViolationOut(BaseModel):
    field: str
    rule: str
    message: str


class ProfileIn(CustomsProfile):
    """The profile, and the secrets it needs (write only: never returned)."""

    signing_key: str | None = Field(default=None, description="PEM private key of a software signer")
    device_password: str | None = Field(default=None, description="the e-port card's PIN")


class ProfileOut(BaseModel):
    profile: CustomsProfile
    has_signing_key: bool
    has_device_password: bool
    updated_at: str


class MessageOut(BaseModel):
    guid: str
    kind: str
    key: str
    state: str
    signed: bool
    sent_at: str | None


class DeclarationOut(BaseModel):
    id: str
    order_id: str | None
    order_no: str
    revision: int
    direction: str
    trade_mode: str
    state: str
    messages: list[MessageOut] = []
    receipts: list[dict[str, Any]] = []


def _platform(request: Request) -> Platform:
    return request.app.state.platform  # type: ignore[no-any-return]


def _out(d: service.DeclaredOrder, receipts: list[service.ReceiptView] | None = None) -> DeclarationOut:
    return DeclarationOut(
        id=d.id,
        order_id=d.order_id,
        order_no=d.order_no,
        revision=d.revision,
        direction=d.direction,
        trade_mode=d.trade_mode,
        state=d.state,
        messages=[
            MessageOut(
                guid=m.guid,
                kind=m.kind,
                key=m.key,
                state=m.state,
                signed=m.signed,
                sent_at=m.sent_at.isoformat() if m.sent_at else None,
            )
            for m in d.messages
        ],
        receipts=[
            {
                "receipt": r.receipt,
                "status": r.status,
                "state": r.state,
                "time": r.return_time,
                "info": r.info,
                "meaning": {k: v for k, v in status_info(r.status).items() if k != "state"},
            }
            for r in receipts or []
        ],
    )


def _profile_out(v: service.ProfileView) -> ProfileOut:
    return ProfileOut(
        profile=v.profile,
        has_signing_key=v.has_signing_key,
        has_device_password=v.has_device_password,
        updated_at=v.updated_at.isoformat(),
    )


@router.get("/profile", response_model=ProfileOut, summary="The tenant's declaring parties and signing setup")
def get_profile(caller: Reader, uow: UowDep) -> ProfileOut:
    return _profile_out(service.get_profile(uow, caller.tenant_id))


@router.put("/profile", response_model=ProfileOut, summary="Set the declaring parties and the signing setup")
def put_profile(body: ProfileIn, request: Request, caller: Writer, uow: UowDep) -> ProfileOut:
    data = body.model_dump(exclude={"signing_key", "device_password"})
    view = service.put_profile(
        uow,
        caller.tenant_id,
        CustomsProfile.model_validate(data),
        now(),
        signing_key=body.signing_key,
        device_password=body.device_password,
        check_key=_platform(request).check_customs_key,
    )
    uow.commit()
    return _profile_out(view)


@router.post(
    "/declarations/validate",
    response_model=list[ViolationOut],
    summary="Check an order's messages without storing anything",
)
def validate_order(body: CustomsOrder, caller: Reader, uow: UowDep) -> list[ViolationOut]:
    return [ViolationOut(**v.as_dict()) for v in service.validate_raw(uow, caller.tenant_id, body, now())]


@router.post("/messages/check", summary="Validate one CEB XML message (description + business rules)")
def check_message(body: XML, caller: Reader) -> dict[str, Any]:
    return check_bytes(body, "request").as_dict()


@router.post(
    "/declarations",
    status_code=201,
    response_model=DeclarationOut,
    summary="Declare an order given whole: validate, build, sign and queue its messages "
    "(honours Idempotency-Key)",
)
async def create_declaration(
    body: CustomsOrder, request: Request, caller: Writer, database: DatabaseDep
) -> Response:
    platform = _platform(request)

    def handler(uow):  # type: ignore[no-untyped-def]
        signer = platform.customs_signer(service.signing_material(uow, caller.tenant_id))
        decl = service.declare_raw(uow, caller.tenant_id, body, now(), signer=signer)
        return 201, _out(decl).model_dump()

    return await run_idempotent(request, caller, database, handler)


@router.get("/declarations", response_model=list[DeclarationOut])
def list_declarations(
    caller: Reader, uow: UowDep, state: str | None = None, cursor: str | None = None, limit: int = 100
) -> list[DeclarationOut]:
    rows, _ = service.list_declarations(uow, caller.tenant_id, state=state, cursor=cursor, limit=limit)
    return [_out(d) for _, d in rows]


@router.get("/orders/{order_id}/declarations", response_model=list[DeclarationOut])
def order_declarations(order_id: str, caller: Reader, uow: UowDep) -> list[DeclarationOut]:
    """Every declaration of a stored order (its revisions), oldest first."""
    orders.get(uow, caller.tenant_id, order_id)  # another tenant's order is not found
    return [_out(d) for d in service.declarations_of(uow, caller.tenant_id, order_id)]


@router.get("/declarations/{declaration_id}", response_model=DeclarationOut)
def get_declaration(declaration_id: str, caller: Reader, uow: UowDep) -> DeclarationOut:
    detail = service.declaration_detail(uow, caller.tenant_id, declaration_id)
    return _out(detail.declaration, detail.receipts)


@router.get(
    "/orders/{order_id}/documents/{kind}",
    summary="A destination document of a declared order: invoice, cn23, packing-list (PDF) or h7 (JSON)",
)
async def order_document(
    order_id: str, kind: str, request: Request, caller: Reader, database: DatabaseDep
) -> Response:
    platform = _platform(request)

    def work() -> Response:
        with database.unit_of_work() as uow:
            doc = documents_service.document(
                uow, caller.tenant_id, order_id, kind, fonts=platform.document_fonts, to_eur=platform.to_eur
            )
        if isinstance(doc, bytes):
            return Response(
                doc,
                media_type="application/pdf",
                headers={"Content-Disposition": f'inline; filename="{order_id}-{kind}.pdf"'},
            )
        return JSONResponse(doc)

    return await run_in_threadpool(work)


@router.get(
    "/declarations/{declaration_id}/messages/{kind}",
    summary="The XML of one declared message (the buyer's personal data masked without personal:read)",
)
def get_message(declaration_id: str, kind: str, caller: Reader, uow: UowDep) -> Response:
    detail = service.declaration_detail(
        uow, caller.tenant_id, declaration_id, reveal=caller.has(PERSONAL_DATA)
    )
    for m in detail.declaration.messages:
        if m.kind == kind:
            return Response(detail.xml[m.guid], media_type="application/xml")
    raise NotFoundError("message", kind)


@router.post("/outbox/send", summary="Send queued messages to the e-port")
async def send(request: Request, caller: Writer, database: DatabaseDep) -> dict[str, int]:
    transport = _platform(request).customs_transport()
    n = await run_in_threadpool(service.send_outbox, database, caller.tenant_id, transport, now())
    return {"sent": n}


class PaymentDataIn(BaseModel):
    """Customs' request (``openReq``) and what the platform kept of the payment."""

    open_req: str = Field(description='customs\' openReq: {"orderNo", "sessionID", "serviceTime"}')
    initial_request: str
    initial_response: str
    pay_type: str
    verifying_body: str = Field(description="1 UnionPay, 2 NetsUnion, 3 other")
    goods: list[tuple[str, str]] = Field(description="(goods name, item link) pairs")
    payee_account: str = ""
    payee_code: str = ""
    payee_name: str = ""


@router.post("/payment-data", summary="Answer customs' real-time request for payment data (2018 No. 179)")
async def payment_data(
    body: PaymentDataIn, request: Request, caller: Writer, database: DatabaseDep
) -> dict[str, Any]:
    platform = _platform(request)
    evidence = Evidence(
        body.initial_request, body.initial_response, body.pay_type, body.verifying_body,
        tuple(body.goods), body.payee_account, body.payee_code, body.payee_name,
    )  # fmt: skip

    def work() -> dict[str, Any]:
        with database.unit_of_work() as uow:
            signer = platform.customs_signer(service.signing_material(uow, caller.tenant_id))
            document = service.answer_payment_request(
                uow, caller.tenant_id, body.open_req, evidence, now(), signer=signer
            )
        uploader = platform.payment_data_uploader()
        return {"payExInfoStr": document, "uploaded": uploader.upload(document) if uploader else None}

    return await run_in_threadpool(work)


@router.post("/receipts/fetch", summary="Apply the receipts waiting at the e-port link (folder or MQ)")
async def fetch_receipts(request: Request, caller: Writer, database: DatabaseDep) -> dict[str, Any]:
    source = _platform(request).customs_receipts()
    intake = await run_in_threadpool(service.take_receipts, database, caller.tenant_id, source, now())
    return {
        "applied": intake.applied,
        "changed": [
            {
                "declaration_id": c.declaration_id,
                "order_id": c.order_id,
                "from": c.before,
                "to": c.after,
                "journey": c.journey,
            }
            for c in intake.changes
        ],
        "errors": [{"receipt": name, "error": why} for name, why in intake.errors],
    }


@router.post("/receipts", summary="Apply a customs receipt (CEB XML or DxpMsg) to what it answers")
def post_receipt(body: XML, caller: Writer, uow: UowDep) -> dict[str, Any]:
    result = journey.apply_receipt(uow, caller.tenant_id, body, now())  # receipts move the orders
    uow.commit()
    return {
        "applied": result.applied,
        "changed": [
            {
                "declaration_id": c.declaration_id,
                "order_id": c.order_id,
                "from": c.before,
                "to": c.after,
                "journey": c.journey,
            }
            for c in result.changes
        ],
    }

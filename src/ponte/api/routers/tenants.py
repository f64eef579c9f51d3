"""Tenants and their API keys (thin: ``ponte.accounts.service``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ponte.accounts import service as accounts
from ponte.accounts.core import MANAGE_KEYS, Principal
from ponte.api.deps import DatabaseDep, UowDep, get_principal, require_scope
from ponte.api.idempotency import run_idempotent
from ponte.api.routing import ExactJsonRoute
from ponte.api.schemas import TenantOut
from ponte.kernel.limits import SingleLine
from ponte.platform.db import UnitOfWork

router = APIRouter(tags=["tenants"], route_class=ExactJsonRoute)
Caller = Annotated[Principal, Depends(get_principal)]
Manager = Annotated[Principal, Depends(require_scope(MANAGE_KEYS))]


class KeyIn(BaseModel):
    name: SingleLine = Field(min_length=1, max_length=100)
    scopes: list[Annotated[str, Field(max_length=40)]] = Field(min_length=1, max_length=20)


class KeyInfo(BaseModel):
    id: str
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    revoked_at: datetime | None
    parent_id: str | None = Field(description="the key that issued this one; revoking it revokes this one")


class KeyOut(KeyInfo):
    key: str | None = Field(
        description="the secret, shown only in the first response; null when an Idempotency-Key repeat "
        "replays it (the secret is not kept)"
    )


class KeyList(BaseModel):
    items: list[KeyInfo]


class Revoked(BaseModel):
    revoked: list[str] = Field(description="the key and every key it issued that were still active")


@router.get("/me", response_model=TenantOut, summary="The tenant this API key belongs to")
def me(caller: Caller, uow: UowDep) -> TenantOut:
    return TenantOut.model_validate(accounts.tenant(uow, caller.tenant_id))


@router.get("/tenants", response_model=list[TenantOut], summary="The park's tenants (operator only)")
def tenants(
    caller: Annotated[Principal, Depends(require_scope("park:operate"))], uow: UowDep
) -> list[TenantOut]:
    return [TenantOut.model_validate(t) for t in accounts.all_tenants(uow)]


@router.get("/api-keys", response_model=KeyList, summary="Your tenant's API keys (never their secrets)")
def list_keys(caller: Manager, uow: UowDep) -> KeyList:
    return KeyList(items=[KeyInfo.model_validate(k.as_dict()) for k in accounts.keys(uow, caller.tenant_id)])


@router.post(
    "/api-keys",
    status_code=201,
    response_model=KeyOut,
    summary="Issue an API key for your tenant (needs keys:manage; never more scopes than yours)",
)
async def issue_key(body: KeyIn, request: Request, caller: Manager, database: DatabaseDep) -> Response:
    def handler(uow: UnitOfWork) -> tuple[int, Any]:
        view, secret = accounts.issue_key(uow, caller.tenant_id, body.name, body.scopes, by=caller)
        return 201, {**view.as_dict(), "key": secret}

    # a repeat of the request names the key it issued, never its secret (which is not kept)
    return await run_idempotent(request, caller, database, handler, for_replay=lambda p: {**p, "key": None})


@router.post(
    "/api-keys/{key_id}/revoke",
    response_model=Revoked,
    summary="Revoke one of your tenant's keys and every key it issued",
)
def revoke_key(key_id: str, caller: Manager, uow: UowDep, request: Request) -> Revoked:
    revoked = accounts.revoke_key(uow, caller.tenant_id, key_id, by=caller)
    uow.commit()
    request.app.state.key_cache.clear()
    return Revoked(revoked=revoked)


@router.delete(
    "/api-keys/{key_id}", status_code=204, summary="Revoke one of your tenant's keys and every key it issued"
)
def delete_key(key_id: str, caller: Manager, uow: UowDep, request: Request) -> None:
    accounts.revoke_key(uow, caller.tenant_id, key_id, by=caller)
    uow.commit()
    request.app.state.key_cache.clear()

"""Tenants and their API keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from ponte.accounts.core import Principal
from ponte.accounts.store import ApiKeyRepository, TenantRepository
from ponte.api.deps import DatabaseDep, UowDep, get_principal, require_scope
from ponte.api.idempotency import run_idempotent
from ponte.api.routing import ExactJsonRoute
from ponte.api.schemas import TenantOut
from ponte.kernel.errors import PermissionDenied

router = APIRouter(tags=["tenants"], route_class=ExactJsonRoute)
Caller = Annotated[Principal, Depends(get_principal)]


class KeyIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    scopes: list[str] = Field(min_length=1, max_length=20)


class KeyOut(BaseModel):
    id: str
    name: str
    scopes: list[str]
    key: str = Field(description="the secret; shown only in this response")


@router.get("/me", response_model=TenantOut, summary="The tenant this API key belongs to")
def me(caller: Caller, uow: UowDep) -> TenantOut:
    return TenantOut.model_validate(TenantRepository(uow.session).get(caller.tenant_id))


@router.get("/tenants", response_model=list[TenantOut], summary="The park's tenants (operator only)")
def tenants(
    caller: Annotated[Principal, Depends(require_scope("park:operate"))], uow: UowDep
) -> list[TenantOut]:
    return [TenantOut.model_validate(t) for t in TenantRepository(uow.session).list()]


@router.post("/api-keys", status_code=201, response_model=KeyOut, summary="Issue an API key for your tenant")
async def issue_key(body: KeyIn, request: Request, caller: Caller, database: DatabaseDep):  # type: ignore[no-untyped-def]
    extra = set(body.scopes) - set(caller.scopes)
    if extra:
        raise PermissionDenied(f"a key cannot grant scopes its issuer lacks: {', '.join(sorted(extra))}")

    def handler(uow):  # type: ignore[no-untyped-def]
        row, secret = ApiKeyRepository(uow.session).issue(caller.tenant_id, body.name, body.scopes)
        return 201, KeyOut(id=row.id, name=row.name, scopes=row.scopes, key=secret).model_dump()

    return await run_idempotent(request, caller, database, handler)


@router.delete("/api-keys/{key_id}", status_code=204, summary="Revoke one of your tenant's keys")
def revoke_key(key_id: str, request: Request, caller: Caller, uow: UowDep) -> None:
    ApiKeyRepository(uow.session).revoke(caller.tenant_id, key_id)
    uow.commit()
    request.app.state.key_cache.clear()

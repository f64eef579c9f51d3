"""FastAPI dependencies: the database, the caller, its scopes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Header, Request

from ponte.errors import PermissionDenied, PonteError
from ponte.security import Principal
from ponte.store.db import Database, UnitOfWork
from ponte.store.repositories import ApiKeyRepository


class Unauthenticated(PonteError):
    def __init__(self) -> None:
        super().__init__(
            "send an API key as 'Authorization: Bearer pk_...' or 'X-API-Key'",
            field="authorization",
            rule="api-key",
            status=401,
        )


def get_database(request: Request) -> Database:
    return request.app.state.database  # type: ignore[no-any-return]


DatabaseDep = Annotated[Database, Depends(get_database)]


def get_uow(database: DatabaseDep) -> Iterator[UnitOfWork]:
    with database.unit_of_work() as uow:
        yield uow


UowDep = Annotated[UnitOfWork, Depends(get_uow)]


def get_principal(
    request: Request,
    database: DatabaseDep,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> Principal:
    key = x_api_key
    if authorization and authorization.lower().startswith("bearer "):
        key = authorization[7:].strip()
    if not key:
        raise Unauthenticated()
    cache: dict[str, Principal] = request.app.state.key_cache
    principal = cache.get(key)
    if principal is None:
        with database.unit_of_work() as uow:
            principal = ApiKeyRepository(uow.session).authenticate(key)
        if principal is None:
            raise Unauthenticated()
        cache[key] = principal
    request.state.tenant_id = principal.tenant_id
    return principal


def require_scope(scope: str) -> Callable[..., Principal]:
    """Dependency: the caller, who must hold `scope`."""

    def _check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if not principal.has(scope):
            raise PermissionDenied(f"this API key lacks the scope {scope!r}", rule=scope)
        return principal

    _check.__name__ = f"require_{scope.replace(':', '_')}"
    return _check

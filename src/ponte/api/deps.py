"""FastAPI dependencies: the database, the caller, its scopes.

Authentication is a coroutine: a key this process checked in the last
`KeyCache.ttl` seconds is taken from memory on the event loop; any other
is looked up in the database in the thread pool. The short time-to-live
bounds how long a key revoked through another process keeps working.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from ponte.accounts.core import Principal
from ponte.accounts.store import ApiKeyRepository
from ponte.kernel.errors import PermissionDenied, PonteError
from ponte.platform.db import Database, UnitOfWork


class Unauthenticated(PonteError):
    def __init__(self) -> None:
        super().__init__(
            "send an API key as 'Authorization: Bearer pk_...' or 'X-API-Key'",
            field="authorization",
            rule="api-key",
            status=401,
        )


class KeyCache:
    """Keys already authenticated by this process, each for `ttl` seconds."""

    def __init__(self, ttl: float = 30.0) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[float, Principal]] = {}

    def get(self, key: str) -> Principal | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, key: str, principal: Principal) -> None:
        if len(self._entries) > 10_000:  # a flood of distinct keys must not grow memory
            self._entries.clear()
        self._entries[key] = (time.monotonic() + self.ttl, principal)

    def clear(self) -> None:
        self._entries.clear()


def get_database(request: Request) -> Database:
    return request.app.state.database  # type: ignore[no-any-return]


DatabaseDep = Annotated[Database, Depends(get_database)]


def get_uow(request: Request, database: DatabaseDep) -> Iterator[UnitOfWork]:
    """The request's unit of work; a GET reads without taking SQLite's write lock."""
    with database.unit_of_work(readonly=request.method in ("GET", "HEAD")) as uow:
        yield uow


UowDep = Annotated[UnitOfWork, Depends(get_uow)]

_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer pk_...")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="the same key, in its own header")


def _authenticate(database: Database, key: str) -> Principal | None:
    with database.unit_of_work() as uow:
        return ApiKeyRepository(uow.session).authenticate(key)


async def get_principal(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
    api_key: Annotated[str | None, Security(_api_key)] = None,
) -> Principal:
    return await _principal_for(request, bearer.credentials if bearer is not None else api_key)


async def authorise(request: Request, scope: str) -> Principal:
    """For handlers that read their request by hand (hot paths): the caller holding `scope`."""
    authorization = request.headers.get("authorization") or ""
    key = authorization[7:].strip() if authorization.lower().startswith("bearer ") else None
    principal = await _principal_for(request, key or request.headers.get("x-api-key"))
    _check_scope(principal, scope)
    return principal


def _check_scope(principal: Principal, scope: str) -> None:
    if not principal.has(scope):
        raise PermissionDenied(f"this API key lacks the scope {scope!r}", rule=scope)


async def _principal_for(request: Request, key: str | None) -> Principal:
    principal = await principal_for(request.app.state.key_cache, request.app.state.database, key)
    request.state.tenant_id = principal.tenant_id
    return principal


async def principal_for(cache: KeyCache, database: Database, key: str | None) -> Principal:
    """The caller behind an API key: from this process's cache, else from the database."""
    if not key:
        raise Unauthenticated()
    principal = cache.get(key)
    if principal is None:
        principal = await run_in_threadpool(_authenticate, database, key)
        if principal is None:
            raise Unauthenticated()
        cache.put(key, principal)
    return principal


def require_scope(scope: str) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """Dependency: the caller, who must hold `scope`."""

    async def _check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        _check_scope(principal, scope)
        return principal

    _check.__name__ = f"require_{scope.replace(':', '_')}"
    return _check

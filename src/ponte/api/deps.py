"""FastAPI dependencies: the database, the caller, its scopes.

Authentication is a coroutine: a key this process checked recently is taken from memory on the event loop;
any other is looked up in the database in the thread pool. Revocation is shared through the database: every
revocation bumps one version row (``accounts.service.revocation_version``), which each process reads again
whenever its last reading is older than ``KeyCache.recheck`` (a quarter of a second), one primary-key read
shared by all the requests of that moment. A changed version empties the cache, so a key revoked through any
worker stops working on every worker within a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from ponte.accounts import service as accounts
from ponte.accounts.core import Principal
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
    """Keys already authenticated by this process, each for `ttl` seconds, valid while the shared revocation
    version read at most `recheck` seconds ago is the one they were checked under."""

    def __init__(self, ttl: float = 30.0, recheck: float = 0.25) -> None:
        self.ttl = ttl
        self.recheck = recheck
        self._entries: dict[str, tuple[float, Principal]] = {}
        self.version: int | None = None
        self.checked = float("-inf")

    def stale(self) -> bool:
        return time.monotonic() - self.checked >= self.recheck

    def observe(self, version: int) -> None:
        """The shared version as just read: a change means some key was revoked somewhere."""
        if version != self.version:
            self._entries.clear()
            self.version = version
        self.checked = time.monotonic()

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
    with database.unit_of_work(readonly=True) as uow:
        return accounts.authenticate(uow, key)


def _version(database: Database) -> int:
    with database.unit_of_work(readonly=True) as uow:
        return accounts.revocation_version(uow)


def key_active(database: Database, key_id: str) -> bool:
    """For long responses (event streams): the caller's key is still unrevoked."""
    with database.unit_of_work(readonly=True) as uow:
        return accounts.key_active(uow, key_id)


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
    if cache.stale():
        cache.observe(await run_in_threadpool(_version, database))
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

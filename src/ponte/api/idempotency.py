"""`Idempotency-Key` on POSTs that create something.

The first response is stored in the same transaction as what it created, so
either both exist or neither does. A repeat with the same key and the same
body gets the stored response; the same key with another body is refused. Two
concurrent first requests race on the (tenant, key) unique constraint: the
loser's transaction rolls back and it replays the winner's response.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import orjson
from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import Response
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from ponte.accounts.core import Principal
from ponte.kernel.clock import now
from ponte.kernel.errors import ValidationError
from ponte.platform.db import Database, UnitOfWork
from ponte.platform.idempotency import IdempotencyRecord

Handler = Callable[[UnitOfWork], tuple[int, Any]]


def _fingerprint(request: Request, body: bytes) -> str:
    return hashlib.sha256(request.method.encode() + request.url.path.encode() + b"\0" + body).hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.request_fingerprint != fingerprint:
        raise ValidationError(
            "this Idempotency-Key was used with another request; use a new key",
            field="Idempotency-Key",
            rule="same-request-same-key",
        )
    headers = dict(record.headers)
    headers["Idempotent-Replayed"] = "true"
    return Response(
        record.body, status_code=record.status_code, headers=headers, media_type="application/json"
    )


def _serialise(uow: UnitOfWork, tenant_id: str, key: str) -> None:
    """Concurrent requests with one key run one after the other, so every later one replays the first.

    PostgreSQL: a transaction-scoped advisory lock on the (tenant, key). SQLite: the unit of work began
    with the database's single write lock already held."""
    if uow.session.get_bind().dialect.name == "postgresql":
        digest = hashlib.sha256(f"{tenant_id}\0{key}".encode()).digest()
        uow.session.execute(
            text("SELECT pg_advisory_xact_lock(:k)"), {"k": int.from_bytes(digest[:8], "big", signed=True)}
        )


def _find(uow: UnitOfWork, tenant_id: str, key: str) -> IdempotencyRecord | None:
    return uow.session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.tenant_id == tenant_id, IdempotencyRecord.key == key
        )
    )


async def run_idempotent(
    request: Request,
    principal: Principal,
    database: Database,
    handler: Handler,
    for_replay: Callable[[Any], Any] | None = None,
) -> Response:
    """Run ``handler`` in one unit of work, honouring the request's Idempotency-Key.

    ``for_replay`` gives what a repeat is answered with, where the first response holds a secret that
    is shown once and never stored. The database work runs in the thread pool, never on the event loop."""
    key = request.headers.get("Idempotency-Key")
    if key is not None and not (1 <= len(key) <= 200):
        raise ValidationError(
            "Idempotency-Key must have 1 to 200 characters", field="Idempotency-Key", rule="length"
        )
    fingerprint = _fingerprint(request, await request.body())
    return await run_in_threadpool(_run, principal.tenant_id, key, fingerprint, database, handler, for_replay)


def _run(
    tenant_id: str,
    key: str | None,
    fingerprint: str,
    database: Database,
    handler: Handler,
    for_replay: Callable[[Any], Any] | None,
) -> Response:
    with database.unit_of_work() as uow:
        if key is not None:
            _serialise(uow, tenant_id, key)
            existing = _find(uow, tenant_id, key)
            if existing is not None:
                return _replay(existing, fingerprint)
        status, payload = handler(uow)
        body = orjson.dumps(jsonable_encoder(payload))
        if key is not None:
            uow.session.add(
                IdempotencyRecord(
                    tenant_id=tenant_id,
                    key=key,
                    request_fingerprint=fingerprint,
                    status_code=status,
                    body=body if for_replay is None else orjson.dumps(jsonable_encoder(for_replay(payload))),
                    headers={},
                    created_at=now(),
                )
            )
        try:
            uow.commit()
        except IntegrityError:
            if key is None:
                raise
            uow.session.rollback()
            existing = _find(uow, tenant_id, key)
            if existing is None:
                raise
            return _replay(existing, fingerprint)
    return Response(body, status_code=status, media_type="application/json")

"""Orders from CSV files: a small file placed in the request (all or nothing, every bad row reported), a
large one as a background import with its progress and a per-row error report to download."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from ponte.accounts.core import Principal
from ponte.api.deps import DatabaseDep, UowDep, require_scope
from ponte.api.routing import ExactJsonRoute
from ponte.journey import imports
from ponte.kernel.cells import neutralise
from ponte.kernel.clock import now
from ponte.kernel.errors import ValidationError
from ponte.platform.db import Database

router = APIRouter(tags=["orders"], route_class=ExactJsonRoute)
Read = Annotated[Principal, Depends(require_scope("orders:read"))]
Write = Annotated[Principal, Depends(require_scope("orders:write"))]

#: The largest file placed within the request (a larger one is imported in the background).
SYNC_MAX_BYTES = 20_000_000
_CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {"text/csv": {"schema": {"type": "string", "description": "columns: see docs/live.md"}}},
    }
}


class ImportOut(BaseModel):
    id: str
    state: str  # queued | running | done | failed
    rows_total: int
    rows_done: int
    rows_failed: int
    orders_stored: int
    progress: float  # 0..1
    message: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    links: dict[str, str]


def _job_view(request: Request, job: Any) -> ImportOut:
    own = f"{request.scope.get('root_path', '')}/orders/imports/{job.id}"
    p = imports.progress(job)
    return ImportOut(
        id=job.id, state=p.state, rows_total=p.rows_total, rows_done=p.rows_done, rows_failed=p.rows_failed,
        orders_stored=p.orders_stored, progress=round(p.fraction, 4), message=job.message,
        created_at=job.created_at, started_at=job.started_at, finished_at=job.finished_at,
        links={"self": own, "errors": f"{own}/errors"},
    )  # fmt: skip


def _queued(request: Request, database: Database, tenant_id: str, data: bytes) -> JSONResponse:
    with database.unit_of_work() as uow:
        job = imports.submit(uow, tenant_id, data, now())
        view = _job_view(request, job)
        uow.commit()
    return JSONResponse(
        view.model_dump(mode="json"), status_code=202, headers={"Location": view.links["self"]}
    )


def _placed(request: Request, database: Database, tenant_id: str, data: bytes, dry_run: bool) -> JSONResponse:
    ctx = request.app.state.platform.journey
    with database.unit_of_work() as uow:
        done = imports.place_file(uow, tenant_id, data, ctx, now())
        stored = not done.errors and not dry_run
        if stored:
            uow.commit()
    return JSONResponse(
        {
            "stored": stored,
            "orders": done.created if stored else [],
            "valid_orders": len(done.created),
            "errors": [e.as_dict() for e in done.errors],
        },
        status_code=422 if done.errors else (201 if stored else 200),
    )


def _wants_async(request: Request) -> bool:
    return "respond-async" in request.headers.get("Prefer", "").lower()


@router.post(
    "/orders/import",
    summary="Place orders from CSV (one row per line): up to 50,000 rows all or nothing, every bad row reported; "
    "a larger file (or `Prefer: respond-async`) is imported in the background (202, see /orders/imports)",
    responses={
        201: {"description": "every order stored: their ids, states and verdicts"},
        200: {"description": "dry run: every row valid, nothing stored"},
        422: {"description": "row errors; nothing stored"},
        202: {"description": "queued as a background import", "model": ImportOut},
    },
    openapi_extra=_CSV_BODY,
)
async def import_orders(
    request: Request, caller: Write, database: DatabaseDep, dry_run: bool = False
) -> Response:
    data = await request.body()
    if not dry_run and (_wants_async(request) or len(data) > SYNC_MAX_BYTES):
        return await run_in_threadpool(_queued, request, database, caller.tenant_id, data)
    if len(data) > SYNC_MAX_BYTES:
        raise ValidationError("the file is larger than 20 MB", field="file", rule="max-size")
    rows = await run_in_threadpool(imports.rows_in, data)
    if rows > imports.SYNC_MAX_ROWS and not dry_run:
        return await run_in_threadpool(_queued, request, database, caller.tenant_id, data)
    return await run_in_threadpool(_placed, request, database, caller.tenant_id, data, dry_run)


@router.post(
    "/orders/imports",
    status_code=202,
    response_model=ImportOut,
    summary="Import orders from a CSV file in the background: the file is checked whole, then placed chunk by "
    "chunk (good rows go through, bad rows are reported with row, column and rule)",
    responses={422: {"description": "the file refused whole (encoding, header, columns, rows apart)"}},
    openapi_extra=_CSV_BODY,
)
async def submit_import(request: Request, caller: Write, database: DatabaseDep) -> Response:
    data = await request.body()
    return await run_in_threadpool(_queued, request, database, caller.tenant_id, data)


@router.get("/orders/imports/{import_id}", response_model=ImportOut, summary="A background import's progress")
def get_import(import_id: str, request: Request, caller: Read, uow: UowDep) -> ImportOut:
    return _job_view(request, imports.get(uow, caller.tenant_id, import_id))


@router.get(
    "/orders/imports/{import_id}/errors",
    summary="A background import's row errors as CSV: row, field, rule, message",
    responses={200: {"content": {"text/csv": {}}}},
)
def import_errors(import_id: str, caller: Read, uow: UowDep) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["row", "field", "rule", "message"])
    for e in imports.errors(uow, caller.tenant_id, import_id):
        writer.writerow([e.row, neutralise(e.field), neutralise(e.rule), neutralise(e.message)])
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{import_id}-errors.csv"'},
    )

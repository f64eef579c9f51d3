"""CSV order imports: a small file placed in one request, all or nothing; a large one as a background
job, chunk by chunk, with its progress and a per-row error report.

* ``place_file``: the whole file in the caller's unit of work, every bad row reported (the request
  answers at once; the caller commits only when no row is bad);
* ``submit``: the file checked whole (UTF-8, header, columns per row, row limit) and queued as a job;
  ``run_due`` (the background worker) takes queued jobs and places their chunks, one unit of work per
  chunk: a chunk is stored whole with its progress and its row errors, or nothing of it is. Good rows go
  through, bad ones are reported with their row, column and rule. A stopped worker's job is taken up by
  another once its lease runs out, from the first chunk not stored.

Re-sending a file stores no order twice: an external reference the seller already has is a row error
(``unique-per-seller``), as it is for an order placed alone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ponte.journey.bulk_place import Chunk, place_many
from ponte.journey.import_store import ImportRepository, ImportRowError, OrderImport, claimable
from ponte.journey.service import Context
from ponte.kernel.clock import now
from ponte.kernel.ids import new_id
from ponte.orders import csv_stream, csv_upload
from ponte.platform.db import Database, UnitOfWork

__all__ = [
    "CHUNK_ROWS",
    "JOB_MAX_ROWS",
    "SYNC_MAX_ROWS",
    "Progress",
    "errors",
    "get",
    "place_file",
    "progress",
    "rows_in",
    "run_due",
    "submit",
]

log = logging.getLogger("ponte.imports")

#: Rows a request places at once, all or nothing (the upload's limit before imports ran as jobs).
SYNC_MAX_ROWS = 50_000
#: Rows a background import takes (a day of a large seller's orders).
JOB_MAX_ROWS = 2_000_000
#: Rows per chunk: one unit of work, a few statements per table.
CHUNK_ROWS = 5_000
#: How long a worker holds a job without storing a chunk before another may take it.
LEASE = timedelta(minutes=2)


def place_file(uow: UnitOfWork, tenant_id: str, data: bytes, ctx: Context, at: datetime) -> Chunk:
    """Every order of a small file placed in ``uow`` (the caller commits when no row is bad)."""
    csv_stream.scan(data, SYNC_MAX_ROWS)
    parsed, bad = csv_upload.group(row for chunk in csv_stream.chunks(data, SYNC_MAX_ROWS) for row in chunk)
    done = place_many(uow, tenant_id, parsed, ctx, at)
    done.errors = sorted([*bad, *done.errors], key=lambda e: (e.row, e.field))
    return done


def rows_in(data: bytes, together: bool = False) -> int:
    """How many rows a file to import has, checked whole: a broken file (or, with ``together``, one whose
    orders' rows are apart) is refused naming the rule."""
    return csv_stream.scan(data, JOB_MAX_ROWS, together)


def submit(
    uow: UnitOfWork, tenant_id: str, data: bytes, at: datetime, chunk_rows: int = CHUNK_ROWS
) -> OrderImport:
    """Check the file whole and queue it (the caller commits)."""
    total = rows_in(data, together=True)
    job = OrderImport(
        id=new_id("imp"),
        state="queued",
        rows_total=total,
        rows_done=0,
        rows_failed=0,
        orders_stored=0,
        chunk_rows=chunk_rows,
        content=data.decode("utf-8"),
        message="",
        created_at=at,
    )
    return ImportRepository(uow.session, tenant_id).add(job)


def get(uow: UnitOfWork, tenant_id: str, import_id: str) -> OrderImport:
    return ImportRepository(uow.session, tenant_id).get(import_id)


def errors(uow: UnitOfWork, tenant_id: str, import_id: str) -> list[ImportRowError]:
    repo = ImportRepository(uow.session, tenant_id)
    repo.get(import_id)
    return repo.errors(import_id)


@dataclass(frozen=True)
class Progress:
    """A job as its owner sees it."""

    state: str
    rows_total: int
    rows_done: int
    rows_failed: int
    orders_stored: int

    @property
    def fraction(self) -> float:
        return 1.0 if self.rows_total == 0 else min(self.rows_done / self.rows_total, 1.0)


def progress(job: OrderImport) -> Progress:
    return Progress(job.state, job.rows_total, job.rows_done, job.rows_failed, job.orders_stored)


def run_due(
    database: Database, ctx: Context, at: datetime | None = None, claimant: str = "", budget: float = 10.0
) -> int:
    """Work on due jobs for about ``budget`` seconds, a chunk at a time; returns the chunks stored.
    ``claimant`` names the worker (a job it holds is its own to go on with)."""
    claimant = claimant or new_id("wrk")
    started = time.monotonic()
    stored = 0
    with database.unit_of_work(readonly=True) as uow:
        due = claimable(uow.session, at or now(), claimant)
    for job_id, tenant_id in due:
        with database.unit_of_work() as uow:
            moment = at or now()
            if not ImportRepository(uow.session, tenant_id).claim(job_id, claimant, moment, moment + LEASE):
                continue
            uow.commit()
        stored += _work(database, ctx, tenant_id, job_id, claimant, started + budget, at)
        if time.monotonic() >= started + budget:
            break
    return stored


def _work(
    database: Database,
    ctx: Context,
    tenant_id: str,
    job_id: str,
    claimant: str,
    deadline: float,
    at: datetime | None,
) -> int:
    with database.unit_of_work(readonly=True) as uow:
        job = ImportRepository(uow.session, tenant_id).get(job_id)
        if job.content is None:
            return 0
        data, skip, size = job.content.encode("utf-8"), job.rows_done, job.chunk_rows
    stored = 0
    try:
        for rows in csv_stream.chunks(data, size, skip):
            if not _chunk(database, ctx, tenant_id, job_id, claimant, rows, at or now()):
                return stored  # another worker took the job over
            stored += 1
            if time.monotonic() >= deadline:
                return stored  # the next round goes on from here
    except Exception as exc:  # the chunk rolled back; the job says why and stops
        log.exception("order import %s failed", job_id)
        _finish(database, tenant_id, job_id, claimant, "failed", f"{type(exc).__name__}: {exc}"[:500])
        return stored
    _finish(database, tenant_id, job_id, claimant, "done", "")
    return stored


def _chunk(
    database: Database,
    ctx: Context,
    tenant_id: str,
    job_id: str,
    claimant: str,
    rows: Sequence[csv_stream.NumberedRow],
    at: datetime,
) -> bool:
    with database.unit_of_work() as uow:
        parsed, bad = csv_upload.group(rows)
        done = place_many(uow, tenant_id, parsed, ctx, at)
        found = sorted([*bad, *done.errors], key=lambda e: (e.row, e.field))
        placed = {e["external_ref"] for e in done.created}
        ok = sum(len(p.rows) for p in parsed if p.external_ref in placed)
        repo = ImportRepository(uow.session, tenant_id)
        repo.add_errors(job_id, [(e.row, e.field, e.rule, e.message) for e in found])
        if not repo.advance(job_id, claimant, len(rows), len(rows) - ok, len(done.created), at + LEASE):
            return False  # rolled back: the job is no longer this worker's
        uow.commit()
    return True


def _finish(database: Database, tenant_id: str, job_id: str, claimant: str, state: str, message: str) -> None:
    """The job ends; the buyers' details in its file are not kept once it is read."""
    with database.unit_of_work() as uow:
        if ImportRepository(uow.session, tenant_id).finish(job_id, claimant, state, message, now()):
            uow.commit()

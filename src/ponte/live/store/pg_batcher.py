"""PostgreSQL hot path for flash-sale purchases: one all-or-nothing statement, and group commit.

`PURCHASE` either does everything (a bucket decremented, the buyer's counter
raised, the reservation inserted) or nothing, or raises an error: a buyer over
the limit or a sold-out offer changes no row, so many purchases can share one
transaction without savepoints. `PurchaseBatcher` exploits that: one thread
per process owns one connection, takes whatever purchases are waiting (up to
`max_batch`), sends them in one pipeline and commits once. The WAL flush (the
cost that caps a hot row at a few hundred commits per second) is paid once per
batch instead of once per purchase, and the lock on a bucket is held for the
batch's few milliseconds, never across a round trip to a client. If a batch
fails (a rare race of one buyer in two processes, or a repeated
Idempotency-Key) it is rolled back and its purchases run one by one.
"""

from __future__ import annotations

import asyncio
import queue
import random
import re
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from ponte.kernel.errors import ConflictError
from ponte.live.refusals import OfferClosed, OverLimit, SoldOut

_SQL = """
WITH o AS (SELECT closed_early FROM live_offers WHERE id = :o),
prior AS (SELECT coalesce((SELECT bought FROM live_buyer_counts WHERE offer_id = :o AND buyer_ref = :b), 0)
          AS bought),
d AS (UPDATE live_stock_buckets SET available = available - :q
      WHERE offer_id = :o AND available >= :q
        AND bucket = (SELECT bucket FROM live_stock_buckets WHERE offer_id = :o AND available >= :q
                      ORDER BY mod(bucket + :shift, :n) LIMIT 1 {lock})
        AND (SELECT bought FROM prior) + :q <= :lim
        AND NOT (SELECT closed_early FROM o)
      RETURNING bucket),
c AS (INSERT INTO live_buyer_counts (offer_id, buyer_ref, tenant_id, bought) SELECT :o, :b, :t, :q FROM d
      ON CONFLICT (offer_id, buyer_ref) DO UPDATE SET bought = live_buyer_counts.bought + excluded.bought
      WHERE live_buyer_counts.bought + excluded.bought <= :lim RETURNING bought),
r AS (INSERT INTO live_reservations (id, tenant_id, offer_id, session_id, buyer_ref, quantity, bucket, status,
        idempotency_key, created_at, expires_at)
      SELECT :id, :t, :o, :s, :b, :q, d.bucket, 'held', :key, :at, :exp FROM d, c RETURNING id)
SELECT (SELECT count(*) FROM d) AS taken, (SELECT count(*) FROM r) AS reserved,
       (SELECT bought FROM prior) AS bought, (SELECT closed_early FROM o) AS closed,
       (SELECT coalesce(sum(available), 0) FROM live_stock_buckets WHERE offer_id = :o) AS stock_left,
       CASE WHEN (SELECT count(*) FROM d) = 0 THEN 0 ELSE 1 / (SELECT count(*) FROM r) END AS all_or_nothing
"""


def _psycopg(sql: str) -> str:
    return re.sub(r"(?<!:):(\w+)", r"%(\1)s", sql)


PURCHASE_SKIP = _psycopg(_SQL.format(lock="FOR UPDATE SKIP LOCKED"))
PURCHASE_WAIT = _psycopg(_SQL.format(lock=""))


class Busy(ConflictError):
    """Every bucket with enough stock was locked (or none holds the quantity alone)."""

    def __init__(self) -> None:
        super().__init__("the offer is busy; try again", field="offer", rule="retry")


@dataclass(frozen=True)
class Outcome:
    taken: bool
    bought: int
    closed: bool
    stock_left: int


def outcome(row: tuple[Any, ...]) -> Outcome:
    taken, reserved, bought, closed, stock_left, _ = row
    return Outcome(bool(taken and reserved), int(bought or 0), bool(closed), int(stock_left))


def _busy(result: Outcome, params: dict[str, Any]) -> bool:
    q = int(params["q"])
    return (
        not result.taken
        and not result.closed
        and result.bought + q <= int(params["lim"])
        and result.stock_left >= q
    )


def refusal(result: Outcome, quantity: int, limit: int) -> Exception:
    """Why a purchase that changed nothing was refused."""
    if result.closed:
        return OfferClosed()
    if result.bought + quantity > limit:
        return OverLimit(limit)
    if result.stock_left < quantity:
        return SoldOut(result.stock_left)
    return Busy()


@dataclass
class _Job:
    params: dict[str, Any]
    future: Future[Outcome]


class PurchaseBatcher:
    """One connection and one thread per process that commit waiting purchases together."""

    def __init__(self, dsn: str, max_batch: int = 128) -> None:
        self.dsn = dsn.replace("postgresql+psycopg://", "postgresql://", 1)
        self.max_batch = max_batch
        self.shift = random.randrange(1 << 16)  # this batcher's first-choice bucket
        self._queue: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._conn: psycopg.Connection[Any] | None = None
        self._thread = threading.Thread(target=self._run, name="ponte-purchase-batcher", daemon=True)
        self._thread.start()
        self.batches = 0
        self.purchases = 0

    def submit(self, params: dict[str, Any]) -> Future[Outcome]:
        future: Future[Outcome] = Future()
        self._queue.put(_Job(params, future))
        return future

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(self.dsn, autocommit=False, prepare_threshold=0)
        return self._conn

    def _run(self) -> None:
        while True:
            jobs = [self._queue.get()]
            while len(jobs) < self.max_batch:
                try:
                    jobs.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                self._batch(jobs)
            except Exception:  # the batch is undone; each purchase runs alone
                self._alone(jobs)

    def _batch(self, jobs: list[_Job]) -> None:
        conn = self._connection()
        try:
            with conn.pipeline():
                cursors = []
                for job in jobs:
                    cur_job = conn.cursor()
                    cur_job.execute(PURCHASE_SKIP, {**job.params, "shift": self.shift})
                    cursors.append(cur_job)
            rows = [c.fetchone() for c in cursors]
            conn.commit()
        except Exception:
            conn.rollback()
            raise
        self.batches += 1
        self.purchases += len(jobs)
        for job, row in zip(jobs, rows, strict=True):
            assert row is not None
            job.future.set_result(outcome(row))

    def _alone(self, jobs: list[_Job]) -> None:
        conn = self._connection()
        for job in jobs:
            try:
                with conn.cursor() as cur:
                    cur.execute(PURCHASE_SKIP, job.params)
                    row = cur.fetchone()
                conn.commit()
                assert row is not None
                job.future.set_result(outcome(row))
            except Exception as exc:
                conn.rollback()
                job.future.set_exception(exc)


class AsyncPurchaseBatcher:
    """The same group commit for an asyncio server: tasks and async connections per event loop.

    Nothing runs in another thread, so request handling never waits on a
    batcher thread for the GIL. `lanes` batches may be in flight at once, each
    on its own connection: while one waits for its commit to reach the disk,
    the next takes the purchases that arrived meanwhile (SKIP LOCKED keeps the
    lanes on different buckets).
    """

    def __init__(self, dsn: str, max_batch: int = 32, lanes: int = 2) -> None:
        self.dsn = dsn.replace("postgresql+psycopg://", "postgresql://", 1)
        self.max_batch = max_batch
        self.lanes = lanes
        # A batch keeps its locks until its commit, so each lane starts at a bucket of its own
        # and its purchases crowd into that bucket instead of locking every bucket a little.
        self.shifts = [random.randrange(1 << 16) for _ in range(lanes)]
        self._retries: dict[int, int] = {}
        self._queue: asyncio.Queue[tuple[dict[str, Any], asyncio.Future[Outcome]]] = asyncio.Queue()
        self._conns: dict[int, psycopg.AsyncConnection[Any]] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self.batches = 0
        self.purchases = 0

    async def submit(self, params: dict[str, Any]) -> Outcome:
        loop = asyncio.get_running_loop()
        if len(self._tasks) < self.lanes or any(t.done() for t in self._tasks):
            self._tasks = [t for t in self._tasks if not t.done()]
            used = {getattr(t, "lane", -1) for t in self._tasks}
            for lane in range(self.lanes):
                if lane not in used:
                    task = loop.create_task(self._run(lane))
                    task.lane = lane  # type: ignore[attr-defined]
                    self._tasks.append(task)
        future: asyncio.Future[Outcome] = loop.create_future()
        self._queue.put_nowait((params, future))
        return await future

    async def _connection(self, lane: int) -> psycopg.AsyncConnection[Any]:
        conn = self._conns.get(lane)
        if conn is None or conn.closed:
            conn = await psycopg.AsyncConnection.connect(self.dsn, autocommit=False, prepare_threshold=0)
            self._conns[lane] = conn
        return conn

    async def _run(self, lane: int) -> None:
        while True:
            jobs = [await self._queue.get()]
            while len(jobs) < self.max_batch and not self._queue.empty():
                jobs.append(self._queue.get_nowait())
            try:
                await self._batch(lane, jobs)
            except Exception:
                await self._alone(lane, jobs)

    async def _batch(self, lane: int, jobs: list[tuple[dict[str, Any], asyncio.Future[Outcome]]]) -> None:
        conn = await self._connection(lane)
        try:
            async with conn.pipeline():
                cursors = []
                for params, _ in jobs:
                    cur = conn.cursor()
                    await cur.execute(PURCHASE_SKIP, {**params, "shift": self.shifts[lane]})
                    cursors.append(cur)
            rows = [await c.fetchone() for c in cursors]
            await conn.commit()
        except Exception:
            await conn.rollback()
            raise
        self.batches += 1
        self.purchases += len(jobs)
        for (params, future), row in zip(jobs, rows, strict=True):
            if future.done():
                continue
            assert row is not None
            result = outcome(row)
            if _busy(result, params) and self._retries.get(id(future), 0) < 3:
                # every bucket with stock was locked by another lane: try again in the next batch
                self._retries[id(future)] = self._retries.get(id(future), 0) + 1
                self._queue.put_nowait((params, future))
                continue
            self._retries.pop(id(future), None)
            future.set_result(result)

    async def _alone(self, lane: int, jobs: list[tuple[dict[str, Any], asyncio.Future[Outcome]]]) -> None:
        for params, future in jobs:
            conn = None
            try:
                conn = await self._connection(lane)
                async with conn.cursor() as cur:
                    await cur.execute(PURCHASE_SKIP, params)
                    row = await cur.fetchone()
                await conn.commit()
                assert row is not None
                if not future.done():
                    future.set_result(outcome(row))
            except Exception as exc:
                if conn is not None and not conn.closed:
                    await conn.rollback()
                if not future.done():
                    future.set_exception(exc)


def run_one(conn: psycopg.Connection[Any], params: dict[str, Any], wait: bool) -> Outcome:
    """One purchase in its own transaction (the caller's connection, autocommit off)."""
    with conn.cursor() as cur:
        cur.execute(PURCHASE_WAIT if wait else PURCHASE_SKIP, params)
        row = cur.fetchone()
    conn.commit()
    assert row is not None
    return outcome(row)


def params_for(
    offer_id: str,
    tenant_id: str,
    session_id: str,
    buyer_ref: str,
    quantity: int,
    limit: int,
    buckets: int,
    shift: int,
    key: str | None,
    reservation_id: str,
    at: datetime,
    expires: datetime,
) -> dict[str, Any]:
    return {
        "o": offer_id,
        "t": tenant_id,
        "s": session_id,
        "b": buyer_ref,
        "q": quantity,
        "lim": limit,
        "n": buckets,
        "shift": shift,
        "key": key,
        "id": reservation_id,
        "at": at,
        "exp": expires,
    }

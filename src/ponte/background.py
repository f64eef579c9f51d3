"""The background worker: webhook deliveries, the reservation sweeper and CSV order imports, run beside the
server.

Its queue is the database itself: the webhook outbox (``webhooks.store``) is claimed with ``FOR UPDATE SKIP
LOCKED`` and a lease on PostgreSQL, and under SQLite's single write lock, so any number of workers (every
server process, ``ponte worker`` on other machines) share the work and none sends a delivery twice while its
lease runs; reservations are released by conditional updates, so two sweepers give back each unit once.

``Worker`` is one thread with an explicit lifetime (``start``/``stop``); the server starts one per process
(``PONTE_BACKGROUND_WORKER``, on by default, so ``make run`` delivers webhooks and sweeps reservations), the
tests start and stop their own. Each round's failure is logged and the next round runs: one tenant's poisoned
subscription fails its own delivery only (``webhooks.service.deliver_due``). Order imports
(``journey.imports``) are claimed with a compare-and-set and a lease, and stored a chunk per unit of work.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ponte.kernel.ids import new_id
from ponte.live import service as live
from ponte.platform.db import Database
from ponte.webhooks import service as webhooks
from ponte.webhooks.adapters.transport import Transport
from ponte.webhooks.core import RetryPolicy

__all__ = ["Rounds", "Worker"]

log = logging.getLogger("ponte.worker")


@dataclass
class Rounds:
    """What the worker has done since it started (for tests and the health of a deployment)."""

    rounds: int = 0
    delivered: int = 0
    failed: int = 0
    retrying: int = 0
    released: int = 0
    sold_out: int = 0  # open offers the streamer was told have sold out
    import_chunks: int = 0
    errors: list[str] = field(default_factory=list)


class Worker:
    def __init__(
        self,
        database: Database,
        every: float = 5.0,
        policy: RetryPolicy | None = None,
        allow_private: bool = False,
        transport: Transport | None = None,
        imports: Callable[[datetime, str], int] | None = None,
    ) -> None:
        self.database = database
        self.every = every
        self.policy = policy or RetryPolicy()
        self.allow_private = allow_private
        self.transport = transport
        self.imports = imports  # (time, this worker's name) -> chunks stored
        self.name = new_id("wrk")
        self.done = Rounds()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Worker:
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="ponte-worker", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def round(self, at: datetime | None = None) -> None:
        """One round: send the due deliveries, release the overdue reservations, tell of sold-out offers, go
        on with order imports."""
        at = at or datetime.now(UTC)
        try:
            report = webhooks.deliver_due(
                self.database, at, self.transport, self.policy, allow_private=self.allow_private
            )
            self.done.delivered += report.delivered
            self.done.failed += report.failed
            self.done.retrying += report.retrying
        except Exception as exc:  # the next round tries again
            log.exception("webhook round failed")
            self.done.errors.append(f"webhooks: {type(exc).__name__}: {exc}"[:300])
        try:
            self.done.released += live.release_overdue(self.database, at)
            self.done.sold_out += live.notify_sold_out(self.database, at)
        except Exception as exc:
            log.exception("reservation sweep failed")
            self.done.errors.append(f"reservations: {type(exc).__name__}: {exc}"[:300])
        if self.imports is not None:
            try:
                self.done.import_chunks += self.imports(at, self.name)
            except Exception as exc:
                log.exception("order import round failed")
                self.done.errors.append(f"imports: {type(exc).__name__}: {exc}"[:300])
        del self.done.errors[:-50]
        self.done.rounds += 1

    def _run(self) -> None:
        while not self._stop.wait(self.every):  # the first round one interval after the start
            self.round()

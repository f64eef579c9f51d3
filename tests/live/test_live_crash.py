"""A buying process killed mid-burst (SIGKILL) loses no accepted reservation and no unit of stock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from live_stage import NOW
from sqlalchemy import text

from ponte.live.store.ledger import reconcile, release
from ponte.live.store.stock_sql import purchase

CHILD = textwrap.dedent(
    """
    import sys, threading
    from datetime import datetime
    from ponte.platform.db import Database
    from ponte.live.store.pg_batcher import PurchaseBatcher
    from ponte.live.store.stock_sql import finish, load_offer, prepare
    url, tenant, offer_id, now = sys.argv[1:5]
    db = Database(url)
    offer = load_offer(db, tenant, offer_id)
    batcher = PurchaseBatcher(url, max_batch=16)
    lock = threading.Lock()

    def buyer(n):
        for k in range(10_000):
            params = prepare(offer, f"viewer-{n}-{k}", 1, datetime.fromisoformat(now), None)
            try:
                first = batcher.submit(params).result()
            except Exception as exc:
                first = exc
            try:
                held = finish(db, params, first)
            except Exception:
                return
            with lock:  # accepted = committed, then reported
                sys.stdout.write(f"OK {held.reservation_id}\\n")
                sys.stdout.flush()

    threads = [threading.Thread(target=buyer, args=(n,)) for n in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    """
)


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)  # the PostgreSQL hot path
def test_sigkill_mid_burst_loses_nothing(stage) -> None:  # type: ignore[no-untyped-def]
    cap = 5_000
    offer = stage.offer(cap=cap, limit=1, buckets=8)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, stage.database.url, stage.tenant_id, offer.id, NOW.isoformat()],
        stdout=subprocess.PIPE,
        env={**os.environ},
    )
    assert child.stdout is not None
    reported = []
    for line in child.stdout:
        reported.append(line.split()[1].decode())
        if len(reported) >= 300:
            break
    child.send_signal(signal.SIGKILL)
    rest, _ = child.communicate(timeout=30)
    reported += [line.split()[1].decode() for line in rest.splitlines() if line.startswith(b"OK ")]
    assert child.returncode == -signal.SIGKILL
    assert len(reported) < cap, "the child finished before it was killed; nothing was proven"

    with stage.database.engine.connect() as conn:
        stored = set(
            conn.execute(
                text("SELECT id FROM live_reservations WHERE offer_id = :o"), {"o": offer.id}
            ).scalars()
        )
    assert set(reported) <= stored  # every reservation reported as accepted is stored
    report = reconcile(stage.database, stage.tenant_id, offer.id)
    assert report.balanced, report  # no unit lost or doubled
    assert report.held == len(stored)

    # Restarted: buying goes on from the same ledger, and expiry returns every held unit.
    purchase(stage.database, offer, "after-restart", 1, NOW)
    assert release(stage.database, NOW + offer.terms.hold, limit=10_000) == len(stored) + 1
    after = reconcile(stage.database, stage.tenant_id, offer.id)
    assert after.balanced and after.available == cap

"""The background worker the server starts: it sends due webhook deliveries and releases overdue
reservations by itself, one poisoned subscription never stops it, and two workers never send one twice."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from test_webhooks import T0, _events, _subscribe
from test_webhooks import receiver as receiver  # the fixture

from ponte.api.app import create_app
from ponte.background import Worker
from ponte.platform.settings import Settings
from ponte.webhooks.core import verify
from ponte.webhooks.store import WebhookRepository


def _wait(predicate, seconds: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_the_server_delivers_webhooks_by_itself(database, tenants, receiver) -> None:  # type: ignore[no-untyped-def]
    _subscribe(database, tenants.a, receiver.url("/a"), ["DEP"], "a" * 20)
    # a poisoned subscription of another tenant, stored before the checks existed
    with database.unit_of_work() as uow:
        WebhookRepository(uow.session, tenants.b).add("https://xn--/", ["DEP"], "p" * 20, T0)
        uow.commit()
    _events(database, tenants.b, "DEP")
    _events(database, tenants.a, "DEP")
    settings = Settings(
        database_url=database.url, background_every=0.1, webhooks_allow_private=True, rate_limit_per_ip=""
    )
    app = create_app(settings, database)
    with TestClient(app):
        assert _wait(lambda: len(receiver.requests) == 1), "the worker did not deliver"
        worker: Worker = app.state.worker
        assert _wait(lambda: worker.done.failed + worker.done.retrying >= 1)
    path, headers, body, _at = receiver.requests[0]
    assert path == "/a"
    verify(headers["Ponte-Signature"], body, "a" * 20, int(time.time()))
    assert worker._thread is None  # stopped with the server


def test_two_workers_send_each_delivery_once(database, tenants, receiver) -> None:  # type: ignore[no-untyped-def]
    _subscribe(database, tenants.a, receiver.url("/a"), ["*"], "a" * 20)
    for i in range(20):
        _events(database, tenants.a, "DEP", ref=f"P{i}")
    workers = [Worker(database, every=0.05, allow_private=True).start() for _ in range(2)]
    try:
        assert _wait(lambda: len(receiver.requests) >= 20)
        time.sleep(0.5)
    finally:
        for w in workers:
            w.stop()
    ids = [headers["Ponte-Delivery"] for _p, headers, _b, _t in receiver.requests]
    assert len(ids) == 20 and len(set(ids)) == 20


def test_a_worker_round_releases_overdue_reservations(database, tenants) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from live.live_stage import NOW, build_stage
    from ponte.live.store.stock_sql import purchase

    stage = build_stage(database, tenants.a)
    offer = stage.offer(cap=5, hold=60)
    held = purchase(database, offer, "buyer-1", 2, NOW)
    assert held is not None
    worker = Worker(database)
    worker.round(NOW + timedelta(seconds=30))
    assert worker.done.released == 0
    worker.round(NOW + timedelta(minutes=5))
    assert worker.done.released == 1 and worker.done.errors == []

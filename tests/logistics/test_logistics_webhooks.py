"""Webhooks to sellers: subscriptions, an outbox written with the events, signed delivery with retries.

A real HTTP receiver runs on 127.0.0.1 (no other network); it answers with the statuses a test queues.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from ponte.cli import app as cli_app
from ponte.logistics.store.shipments import TrackingRepository
from ponte.logistics.store.webhooks import RetryPolicy, WebhookRepository, deliver_due
from ponte.logistics.tracking import TrackingEvent
from ponte.platform.db import Database

T0 = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)


class Receiver:
    """An HTTP endpoint on 127.0.0.1 that records every request and answers with queued statuses."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.statuses: dict[str, list[int]] = {}  # path -> statuses to answer, in turn (then 200)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.requests.append((self.path, dict(self.headers.items()), body))
                queued = outer.statuses.get(self.path, [])
                status = queued.pop(0) if queued else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def _events(*codes: str, ref: str = "P1") -> list[TrackingEvent]:
    return [TrackingEvent.of("parcel", ref, c, T0 + timedelta(hours=i), "CAN") for i, c in enumerate(codes)]


def _subscribe(database: Database, tenant: str, url: str, kinds: list[str], secret: str) -> str:
    with database.unit_of_work() as uow:
        sub = WebhookRepository(uow.session, tenant).subscribe(url, kinds, T0, secret)
        uow.commit()
        return sub.id


def test_subscriptions_through_the_api(api, tenants, receiver: Receiver) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    r = api.post("/webhook-subscriptions", json={"url": receiver.url(), "kinds": ["dep", "ARR"]}, headers=h)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["kinds"] == ["ARR", "DEP"] and len(created["secret"]) >= 32  # made when none is given
    listed = api.get("/webhook-subscriptions", headers=h).json()["items"]
    assert [s["id"] for s in listed] == [created["id"]] and "secret" not in listed[0]
    bad = api.post(
        "/webhook-subscriptions", json={"url": "http://example.com/hook", "kinds": ["XXX"]}, headers=h
    )
    assert bad.status_code == 422
    rules = {(e["field"] if "field" in e else e.get("pointer"), e["rule"]) for e in bad.json()["errors"]}
    assert {r for _f, r in rules} >= {"https", "fsu-code"}
    b = tenants.headers(tenants.key_b)
    assert api.get("/webhook-subscriptions", headers=b).json()["items"] == []
    assert api.delete(f"/webhook-subscriptions/{created['id']}", headers=b).status_code == 404
    # an event the subscription wants is queued; deleting the subscription cancels it
    event = {"subject": "parcel", "id": "P1", "code": "DEP", "at": "2026-03-03T02:00:00Z", "location": "CAN"}
    assert api.post("/tracking-events", json={"events": [event]}, headers=h).status_code == 201
    gone = api.delete(f"/webhook-subscriptions/{created['id']}", headers=h)
    assert gone.status_code == 200 and gone.json()["cancelled_deliveries"] == 1
    assert api.get("/webhook-subscriptions", headers=h).json()["items"] == []
    assert api.delete(f"/webhook-subscriptions/{created['id']}", headers=h).status_code == 404


def test_the_outbox_is_written_with_the_events_and_rolled_back_with_them(database, tenants, receiver) -> None:  # type: ignore[no-untyped-def]
    sub = _subscribe(database, tenants.a, receiver.url(), ["DEP", "ARR"], "s" * 20)
    _subscribe(database, tenants.b, receiver.url("/b"), ["*"], "b" * 20)
    with database.unit_of_work() as uow:
        TrackingRepository(uow.session, tenants.a).add(_events("RCS", "MAN", "DEP"), T0)
        # not committed: neither the events nor their deliveries exist afterwards
    with database.unit_of_work() as uow:
        assert WebhookRepository(uow.session, tenants.a).deliveries() == []
        assert TrackingRepository(uow.session, tenants.a).events(["P1"]) == []
    with database.unit_of_work() as uow:
        repo = TrackingRepository(uow.session, tenants.a)
        assert repo.add(_events("RCS", "MAN", "DEP"), T0) == 3
        assert repo.add(_events("RCS", "MAN", "DEP"), T0) == 0  # duplicates queue nothing more
        uow.commit()
    with database.unit_of_work() as uow:
        queued = WebhookRepository(uow.session, tenants.a).deliveries()
        assert [(d.subscription_id, d.kind, d.status) for d in queued] == [(sub, "DEP", "pending")]
        assert WebhookRepository(uow.session, tenants.b).deliveries() == []  # tenant B's hook hears nothing


def test_deliveries_are_signed_with_hmac_sha256(database, tenants, receiver: Receiver) -> None:  # type: ignore[no-untyped-def]
    secret = "a-long-shared-secret"
    _subscribe(database, tenants.a, receiver.url(), ["*"], secret)
    with database.unit_of_work() as uow:
        TrackingRepository(uow.session, tenants.a).add(_events("RCS", "DEP"), T0)
        uow.commit()
    with httpx.Client(timeout=5) as client:
        report = deliver_due(database, T0, client=client)
    assert (report.delivered, report.retrying, report.failed) == (2, 0, 0)
    assert [json.loads(body)["code"] for _p, _h, body in receiver.requests] == ["RCS", "DEP"]
    for _path, headers, body in receiver.requests:
        expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        assert headers["Ponte-Signature"] == f"sha256={expected}"
        assert headers["Ponte-Event"] == json.loads(body)["code"]
    with httpx.Client(timeout=5) as client:
        assert deliver_due(database, T0 + timedelta(days=1), client=client).delivered == 0  # sent once
    with database.unit_of_work() as uow:
        sent = WebhookRepository(uow.session, tenants.a).deliveries(status="delivered")
        assert len(sent) == 2 and all(d.attempts == 1 and d.last_status == 200 for d in sent)


def test_a_failing_receiver_is_retried_with_backoff_then_given_up(database, tenants, receiver) -> None:  # type: ignore[no-untyped-def]
    flaky = _subscribe(database, tenants.a, receiver.url("/flaky"), ["DEP"], "f" * 20)
    down = _subscribe(database, tenants.a, receiver.url("/down"), ["DEP"], "d" * 20)
    with database.unit_of_work() as uow:
        TrackingRepository(uow.session, tenants.a).add(_events("DEP"), T0)
        uow.commit()
    policy = RetryPolicy(max_attempts=3, first_delay=timedelta(seconds=30), factor=4)
    # /flaky answers 500 then 200; /down answers 503 every time
    receiver.statuses = {"/flaky": [500], "/down": [503] * 3}
    with httpx.Client(timeout=5) as client:
        first = deliver_due(database, T0, client=client, policy=policy)
        assert (first.delivered, first.retrying, first.failed) == (0, 2, 0)
        early = deliver_due(database, T0 + timedelta(seconds=29), client=client, policy=policy)
        assert (early.delivered, early.retrying) == (0, 0)  # not due before the backoff
        second = deliver_due(database, T0 + timedelta(seconds=30), client=client, policy=policy)
        assert (second.delivered, second.retrying, second.failed) == (1, 1, 0)
        assert deliver_due(database, T0 + timedelta(seconds=149), client=client, policy=policy).retrying == 0
        third = deliver_due(
            database, T0 + timedelta(seconds=150), client=client, policy=policy
        )  # 30 s + 2 min
        assert (third.delivered, third.retrying, third.failed) == (0, 0, 1)
        assert "gave up after 3 attempts" in third.errors[0] and "HTTP 503" in third.errors[0]
    with database.unit_of_work() as uow:
        repo = WebhookRepository(uow.session, tenants.a)
        (ok,) = repo.deliveries(flaky)
        (bad,) = repo.deliveries(down)
    assert (ok.status, ok.attempts, ok.last_status) == ("delivered", 2, 200)
    assert (bad.status, bad.attempts, bad.last_status) == ("failed", 3, 503)
    assert bad.finished_at == T0 + timedelta(seconds=150)
    assert [p for p, _h, _b in receiver.requests].count("/down") == 3


def test_an_unreachable_receiver_records_the_connection_error(database, tenants) -> None:  # type: ignore[no-untyped-def]
    closed = Receiver()
    url = closed.url()
    closed.close()  # nothing listens on that port any more
    _subscribe(database, tenants.a, url, ["*"], "c" * 20)
    with database.unit_of_work() as uow:
        TrackingRepository(uow.session, tenants.a).add(_events("RCS"), T0)
        uow.commit()
    with httpx.Client(timeout=2) as client:
        report = deliver_due(database, T0, client=client, policy=RetryPolicy(max_attempts=1))
    assert report.failed == 1 and "ConnectError" in report.errors[0]
    with database.unit_of_work() as uow:
        (d,) = WebhookRepository(uow.session, tenants.a).deliveries()
    assert d.status == "failed" and d.last_status is None and "ConnectError" in d.last_error


def test_backoff_grows_geometrically() -> None:
    policy = RetryPolicy(first_delay=timedelta(seconds=30), factor=4)
    assert [policy.delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 120, 480, 1920]


def test_ponte_track_deliver_webhooks(database, tenants, receiver, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ponte import bootstrap

    sqlite_database = database
    _subscribe(sqlite_database, tenants.a, receiver.url(), ["*"], "x" * 20)
    with sqlite_database.unit_of_work() as uow:
        TrackingRepository(uow.session, tenants.a).add(_events("RCS"), T0)
        uow.commit()
    monkeypatch.setenv("PONTE_DATABASE_URL", sqlite_database.url)
    bootstrap.reset()
    try:
        result = CliRunner().invoke(cli_app, ["track", "--deliver-webhooks", "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output) == {"delivered": 1, "retrying": 0, "failed": 0, "errors": []}
        assert len(receiver.requests) == 1
        bad = CliRunner().invoke(cli_app, ["track", "--deliver-webhooks", "--max-attempts", "0"])
        assert bad.exit_code == 2 and "max_attempts" in bad.output
        assert CliRunner().invoke(cli_app, ["track"]).exit_code == 2
    finally:
        bootstrap.reset()

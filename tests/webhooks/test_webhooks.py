"""Webhooks to sellers: subscriptions, an outbox written with what it tells, signed timestamped delivery with
retries; one tenant's bad, hostile or slow endpoint never stops or slows another's.

A real HTTP receiver runs on 127.0.0.1 (no other network): deliveries to it need the explicit development
allowance (``allow_private``); without it the same addresses are refused.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from typer.testing import CliRunner

from ponte.cli import app as cli_app
from ponte.kernel.errors import ValidationError
from ponte.logistics import service as logistics
from ponte.platform.db import Database
from ponte.webhooks import service
from ponte.webhooks.adapters import transport as transport_module
from ponte.webhooks.adapters.transport import HttpTransport
from ponte.webhooks.core import RetryPolicy, sign, verify
from ponte.webhooks.store import WebhookDelivery, WebhookRepository

T0 = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)
KINDS = {"RCS", "MAN", "DEP", "ARR", "order.packed", "order.booked"}


class Receiver:
    """An HTTP endpoint on 127.0.0.1 that records every request and answers with queued statuses; paths under
    /slow wait ``delay`` seconds before answering."""

    def __init__(self, delay: float = 0.0) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes, float]] = []
        self.statuses: dict[str, list[int]] = {}
        self.delay = delay
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.requests.append((self.path, dict(self.headers.items()), body, time.monotonic()))
                if self.path.startswith("/slow"):
                    time.sleep(outer.delay)
                queued = outer.statuses.get(self.path, [])
                status = queued.pop(0) if queued else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(delay=3.0)
    yield r
    r.close()


def _subscribe(database: Database, tenant: str, url: str, kinds: list[str], secret: str) -> str:
    with database.unit_of_work() as uow:
        sub = service.subscribe(uow, tenant, url, kinds, T0, KINDS, secret, allow_private=True)
        uow.commit()
        return sub.id


def _events(database: Database, tenant: str, *codes: str, ref: str = "P1") -> None:
    rows = [
        {"subject": "parcel", "id": ref, "code": c, "at": T0 + timedelta(hours=i), "location": "CAN"}
        for i, c in enumerate(codes)
    ]
    with database.unit_of_work() as uow:
        logistics.record_events(uow, tenant, rows, T0)
        uow.commit()


def _deliver(database: Database, at: datetime = T0, **policy: Any) -> Any:
    transport = HttpTransport(allow_private=True)
    try:
        return service.deliver_due(database, at, transport, RetryPolicy(**policy), allow_private=True)
    finally:
        transport.close()


def test_the_outbox_is_written_with_the_events_and_rolled_back_with_them(database, tenants, receiver) -> None:  # type: ignore[no-untyped-def]
    sub = _subscribe(database, tenants.a, receiver.url(), ["DEP", "ARR"], "s" * 20)
    _subscribe(database, tenants.b, receiver.url("/b"), ["*"], "b" * 20)
    rows = [{"subject": "parcel", "id": "P1", "code": "DEP", "at": T0, "location": "CAN"}]
    with database.unit_of_work() as uow:
        logistics.record_events(uow, tenants.a, rows, T0)  # not committed
    with database.unit_of_work() as uow:
        assert WebhookRepository(uow.session, tenants.a).deliveries() == []
    _events(database, tenants.a, "RCS", "MAN", "DEP")
    _events(database, tenants.a, "RCS", "MAN", "DEP")  # duplicates queue nothing more
    with database.unit_of_work() as uow:
        queued = WebhookRepository(uow.session, tenants.a).deliveries()
        assert [(d.subscription_id, d.kind, d.status) for d in queued] == [(sub, "DEP", "pending")]
        assert WebhookRepository(uow.session, tenants.b).deliveries() == []  # tenant B's hook hears nothing


def test_deliveries_are_signed_with_a_timestamp_receivers_can_check(database, tenants, receiver) -> None:  # type: ignore[no-untyped-def]
    secret = "a-long-shared-secret"
    _subscribe(database, tenants.a, receiver.url(), ["*"], secret)
    _events(database, tenants.a, "RCS", "DEP")
    report = _deliver(database)
    assert (report.delivered, report.retrying, report.failed) == (2, 0, 0)
    bodies = [json.loads(body) for _p, _h, body, _t in receiver.requests]
    assert sorted(b["data"]["code"] for b in bodies) == ["DEP", "RCS"] and {b["kind"] for b in bodies} == {
        "RCS",
        "DEP",
    }
    now = int(T0.timestamp())
    for _path, headers, body, _t in receiver.requests:
        header = headers["Ponte-Signature"]
        assert header.startswith(f"t={now},v1=")
        verify(header, body, secret, now)  # what a receiver does
        with pytest.raises(ValidationError) as replay:
            verify(header, body, secret, now + 301)  # the same delivery replayed six minutes later
        assert replay.value.rule == "replay-window"
        with pytest.raises(ValidationError) as forged:
            verify(header, body + b" ", secret, now)
        assert forged.value.rule == "signature"
        assert headers["Ponte-Delivery"].startswith("whd_") and headers["Ponte-Event"] in ("RCS", "DEP")
    assert _deliver(database, T0 + timedelta(days=1)).delivered == 0  # sent once
    assert sign("k", 1, b"x") != sign("k", 2, b"x")


def test_a_failing_receiver_is_retried_with_backoff_then_given_up(database, tenants, receiver) -> None:  # type: ignore[no-untyped-def]
    flaky = _subscribe(database, tenants.a, receiver.url("/flaky"), ["DEP"], "f" * 20)
    down = _subscribe(database, tenants.a, receiver.url("/down"), ["DEP"], "d" * 20)
    _events(database, tenants.a, "DEP")
    policy = {"max_attempts": 3, "first_delay": timedelta(seconds=30), "factor": 4}
    receiver.statuses = {"/flaky": [500], "/down": [503] * 3}
    first = _deliver(database, T0, **policy)
    assert (first.delivered, first.retrying, first.failed) == (0, 2, 0)
    assert (
        _deliver(database, T0 + timedelta(seconds=29), **policy).retrying == 0
    )  # not due before the backoff
    second = _deliver(database, T0 + timedelta(seconds=30), **policy)
    assert (second.delivered, second.retrying, second.failed) == (1, 1, 0)
    third = _deliver(database, T0 + timedelta(seconds=150), **policy)  # 30 s + 2 min
    assert (third.delivered, third.retrying, third.failed) == (0, 0, 1)
    assert "gave up after 3 attempts" in third.errors[0] and "HTTP 503" in third.errors[0]
    with database.unit_of_work() as uow:
        repo = WebhookRepository(uow.session, tenants.a)
        (ok,) = repo.deliveries(flaky)
        (bad,) = repo.deliveries(down)
    assert (ok.status, ok.attempts, ok.last_status) == ("delivered", 2, 200)
    assert (bad.status, bad.attempts, bad.last_status) == ("failed", 3, 503)


def test_one_tenants_poisoned_url_never_stops_the_others(database, tenants, receiver) -> None:  # type: ignore[no-untyped-def]
    """A subscription whose URL no longer parses (``https://xn--/`` made the old deliverer exit on an IDNA
    error and roll every tenant back) fails alone; the other tenant's delivery goes out."""
    _subscribe(database, tenants.b, receiver.url("/b"), ["DEP"], "b" * 20)
    with database.unit_of_work() as uow:
        WebhookRepository(uow.session, tenants.a).add(
            "https://xn--/", ["DEP"], "p" * 20, T0
        )  # as if stored before
        uow.commit()
    _events(database, tenants.a, "DEP")
    _events(database, tenants.b, "DEP")
    report = _deliver(database, max_attempts=1)
    assert (report.delivered, report.failed) == (1, 1)
    assert [p for p, *_ in receiver.requests] == ["/b"]
    with database.unit_of_work() as uow:
        (poisoned,) = WebhookRepository(uow.session, tenants.a).deliveries()
    assert poisoned.status == "failed" and "host" in poisoned.last_error


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("https://127.0.0.1/hook", "public-destination"),
        ("https://[::1]/hook", "public-destination"),
        ("https://169.254.169.254/latest/meta-data", "public-destination"),
        ("https://10.1.2.3/", "public-destination"),
        ("https://192.168.0.10/", "public-destination"),
        ("https://[::ffff:10.0.0.1]/", "public-destination"),
        ("https://localhost/hook", "public-destination"),
        ("http://example.com/hook", "https"),
        ("https://xn--/", "host"),
        ("https://[::1/", "url"),
        ("ftp://example.com/", "url"),
    ],
)
def test_subscriptions_to_internal_or_broken_destinations_are_refused(database, tenants, url, rule) -> None:  # type: ignore[no-untyped-def]
    with database.unit_of_work() as uow, pytest.raises(ValidationError) as exc:
        service.subscribe(uow, tenants.a, url, ["*"], T0, KINDS, None, allow_private=False)
    assert exc.value.violations[0].field == "url" and exc.value.violations[0].rule == rule


def test_dns_rebinding_is_refused_at_delivery(database, tenants, receiver, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The name resolves to a public address when subscribed, then to 127.0.0.1: the deliverer resolves again
    before it connects and refuses; nothing reaches the internal receiver."""
    port = receiver.server.server_address[1]
    answers = {"hooks.example.test": "93.184.216.34"}
    real = socket.getaddrinfo

    def fake(host: str, *args: Any, **kwargs: Any) -> Any:
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(transport_module.socket, "getaddrinfo", fake)
    with database.unit_of_work() as uow:
        service.subscribe(
            uow, tenants.a, f"https://hooks.example.test:{port}/hook", ["*"], T0, KINDS, "r" * 20
        )
        uow.commit()
    answers["hooks.example.test"] = "127.0.0.1"
    _events(database, tenants.a, "RCS")
    guarded = HttpTransport(allow_private=False)
    try:
        report = service.deliver_due(database, T0, guarded, RetryPolicy(max_attempts=1))
    finally:
        guarded.close()
    assert report.failed == 1 and "DestinationRefused" in report.errors[0] and "loopback" in report.errors[0]
    assert receiver.requests == []


def test_a_slow_receiver_delays_only_its_own_tenant(database, tenants, receiver) -> None:  # type: ignore[no-untyped-def]
    _subscribe(database, tenants.a, receiver.url("/slow"), ["*"], "a" * 20)
    _subscribe(database, tenants.b, receiver.url("/fast"), ["*"], "b" * 20)
    _events(database, tenants.a, "RCS", "MAN", "DEP", "ARR")
    _events(database, tenants.b, "RCS")
    started = time.monotonic()
    report = _deliver(database, timeout_seconds=1.0, per_tenant=1, workers=4, max_attempts=5)
    elapsed = time.monotonic() - started
    fast = [t for p, _h, _b, t in receiver.requests if p == "/fast"]
    assert len(fast) == 1 and fast[0] - started < 1.0  # B is not queued behind A's four slow deliveries
    assert (
        report.delivered == 1 and report.retrying == 4 and all("Timeout" in e or True for e in report.errors)
    )
    assert elapsed < 4 * 3.0  # each slow delivery was cut at its timeout, not waited out
    with database.unit_of_work() as uow:
        slow = WebhookRepository(uow.session, tenants.a).deliveries()
    assert all(d.status == "pending" and "Timeout" in d.last_error for d in slow)


def test_subscriptions_through_the_api(database, tenants, receiver) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from ponte.api.app import attach, create_api
    from ponte.api.deps import KeyCache
    from ponte.bootstrap import Platform
    from ponte.platform.settings import Settings

    def client(allow: bool) -> TestClient:
        app = create_api()
        settings = Settings(database_url=database.url, webhooks_allow_private=allow)
        attach(app, Platform(settings, _database=database), KeyCache())
        return TestClient(app, raise_server_exceptions=False)

    h = tenants.headers(tenants.key_a)
    with client(False) as strict:
        refused = strict.post("/webhook-subscriptions", json={"url": receiver.url()}, headers=h)
        assert refused.status_code == 422 and refused.json()["errors"][0]["rule"] == "https"
        internal = strict.post("/webhook-subscriptions", json={"url": "https://[::1]:8/x"}, headers=h)
        assert internal.status_code == 422 and internal.json()["errors"][0]["rule"] == "public-destination"
        assert (
            strict.post("/webhook-subscriptions", json={"url": "https://[::1/"}, headers=h).status_code == 422
        )
    with client(True) as api:
        r = api.post(
            "/webhook-subscriptions",
            json={"url": receiver.url(), "kinds": ["dep", "order.packed"]},
            headers=h,
        )
        assert r.status_code == 201, r.text
        created = r.json()
        assert created["kinds"] == ["DEP", "order.packed"] and len(created["secret"]) >= 32
        listed = api.get("/webhook-subscriptions", headers=h).json()["items"]
        assert [s["id"] for s in listed] == [created["id"]] and "secret" not in listed[0]
        bad = api.post("/webhook-subscriptions", json={"url": receiver.url(), "kinds": ["XXX"]}, headers=h)
        assert bad.status_code == 422 and bad.json()["errors"][0]["rule"] == "webhook-kind"
        b = tenants.headers(tenants.key_b)
        assert api.get("/webhook-subscriptions", headers=b).json()["items"] == []
        assert api.delete(f"/webhook-subscriptions/{created['id']}", headers=b).status_code == 404
        event = {
            "subject": "parcel",
            "id": "P1",
            "code": "DEP",
            "at": "2026-03-03T02:00:00Z",
            "location": "CAN",
        }
        assert api.post("/tracking-events", json={"events": [event]}, headers=h).status_code == 201
        gone = api.delete(f"/webhook-subscriptions/{created['id']}", headers=h)
        assert gone.status_code == 200 and gone.json()["cancelled_deliveries"] == 1
        assert api.get("/webhook-subscriptions", headers=h).json()["items"] == []


def test_the_journey_notifies_order_moves_in_its_own_unit_of_work(database, tenants, receiver) -> None:  # type: ignore[no-untyped-def]
    _subscribe(database, tenants.a, receiver.url(), ["order.packed"], "o" * 20)
    with database.unit_of_work() as uow:
        n = service.notify(uow, tenants.a, "order.packed", {"order": "ord_1"}, T0, "evt_1")
        assert n == 1
        assert service.notify(uow, tenants.a, "order.booked", {"order": "ord_1"}, T0, "evt_2") == 0
        uow.commit()
    assert _deliver(database).delivered == 1
    body = json.loads(receiver.requests[0][2])
    assert body == {
        "id": "evt_1",
        "kind": "order.packed",
        "created_at": T0.isoformat(),
        "data": {"order": "ord_1"},
    }


def test_ponte_track_deliver_webhooks(database, tenants, receiver, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ponte import bootstrap

    _subscribe(database, tenants.a, receiver.url(), ["*"], "x" * 20)
    _events(database, tenants.a, "RCS")
    monkeypatch.setenv("PONTE_DATABASE_URL", database.url)
    monkeypatch.setenv("PONTE_WEBHOOKS_ALLOW_PRIVATE", "true")
    bootstrap.reset()
    try:
        result = CliRunner().invoke(cli_app, ["track", "--deliver-webhooks", "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output) == {"delivered": 1, "retrying": 0, "failed": 0, "errors": []}
        bad = CliRunner().invoke(cli_app, ["track", "--deliver-webhooks", "--max-attempts", "0"])
        assert bad.exit_code == 2 and "max_attempts" in bad.output
    finally:
        bootstrap.reset()


def test_backoff_grows_geometrically() -> None:
    policy = RetryPolicy(first_delay=timedelta(seconds=30), factor=4)
    assert [policy.delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 120, 480, 1920]
    assert WebhookDelivery.__tablename__ == "webhook_deliveries"

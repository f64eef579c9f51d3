"""The webhooks' use cases: subscribe, list, delete, ``notify`` (staged in the caller's unit of work) and
``deliver_due`` (the deliverer: claim, send outside any transaction, record each result on its own).

One tenant cannot break or slow the others: a delivery's failure of any kind (a URL that no longer parses, a
host that resolves to a refused address, a timeout, a crash while recording) ends that delivery's attempt only;
deliveries run in parallel with at most ``policy.per_tenant`` of one tenant at once, each with its timeouts.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from ponte.kernel.errors import NotFoundError, ValidationError
from ponte.kernel.ids import new_id
from ponte.platform.db import Database, UnitOfWork
from ponte.webhooks.adapters.transport import HttpTransport, Outcome, Transport, resolved_refusal
from ponte.webhooks.core import (
    SIGNATURE_HEADER,
    DeliveryReport,
    RetryPolicy,
    WebhookError,
    check_subscription,
    check_url,
    outcome,
    sign,
    wants,
)
from ponte.webhooks.store import WebhookDelivery, WebhookRepository, WebhookSubscription, claim_due, delivery

__all__ = ["delete", "deliver_due", "notify", "notify_many", "subscribe", "subscriptions"]


def subscribe(
    uow: UnitOfWork,
    tenant_id: str,
    url: str,
    kinds: Collection[str],
    at: datetime,
    known: Collection[str],
    secret: str | None = None,
    allow_private: bool = False,
) -> WebhookSubscription:
    """Stage a subscription (the caller commits); its secret is made when none is given."""
    destination, codes = check_subscription(url, kinds, secret, known, allow_private)
    refusal = None if allow_private else resolved_refusal(destination.host)
    if refusal:
        raise ValidationError(
            f"webhooks go to public addresses: {destination.host} resolves to {refusal}",
            field="url",
            rule=WebhookError.DESTINATION,
        )
    return WebhookRepository(uow.session, tenant_id).add(
        destination.url, codes, secret or secrets.token_urlsafe(32), at
    )


def subscriptions(uow: UnitOfWork, tenant_id: str) -> list[dict[str, Any]]:
    """Live subscriptions without their secrets, with their deliveries counted by status."""
    repo = WebhookRepository(uow.session, tenant_id)
    counts = repo.counts()
    return [{**view(row), "deliveries": counts.get(row.id, {})} for row in repo.subscriptions()]


def view(row: WebhookSubscription) -> dict[str, Any]:
    return {"id": row.id, "url": row.url, "kinds": row.kind_list, "created_at": row.created_at.isoformat()}


def delete(uow: UnitOfWork, tenant_id: str, subscription_id: str, at: datetime) -> int:
    """Stop a subscription; its pending deliveries are cancelled. Returns how many were cancelled."""
    repo = WebhookRepository(uow.session, tenant_id)
    row = repo.live(subscription_id)
    row.deleted_at = at
    pending = repo.deliveries(subscription_id, status="pending")
    for d in pending:
        d.status, d.finished_at = "cancelled", at
    uow.session.flush()
    return len(pending)


def notify(
    uow: UnitOfWork,
    tenant_id: str,
    kind: str,
    payload: Mapping[str, Any],
    at: datetime,
    event_id: str,
    event_at: datetime | None = None,
) -> int:
    """Queue ``payload`` for every live subscription of the tenant that wants ``kind``, in the caller's unit of
    work. The body is ``{"id", "kind", "created_at", "data"}``. Returns how many deliveries were queued."""
    repo = WebhookRepository(uow.session, tenant_id)
    body = _body(kind, payload, at, event_id, event_at)
    queued = 0
    for sub in repo.subscriptions():
        if wants(sub.kind_list, kind):
            repo.queue(sub.id, event_id, event_at or at, kind, body, at)
            queued += 1
    return queued


def notify_many(
    uow: UnitOfWork, tenant_id: str, events: Sequence[tuple[str, Mapping[str, Any]]], at: datetime
) -> int:
    """``notify`` for many events of one tenant at once (kind, payload): the subscriptions are read once and
    each event a subscription wants is given its id; in the caller's unit of work. Returns how many
    deliveries were queued."""
    repo = WebhookRepository(uow.session, tenant_id)
    subs = list(repo.subscriptions())
    queued = 0
    for kind, payload in events if subs else ():
        wanting = [s for s in subs if wants(s.kind_list, kind)]
        if not wanting:
            continue
        event_id = new_id("evt")
        body = _body(kind, payload, at, event_id, None)
        for sub in wanting:
            repo.queue(sub.id, event_id, at, kind, body, at)
            queued += 1
    return queued


def _body(
    kind: str, payload: Mapping[str, Any], at: datetime, event_id: str, event_at: datetime | None
) -> str:
    return json.dumps(
        {"id": event_id, "kind": kind, "created_at": (event_at or at).isoformat(), "data": dict(payload)},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )


def signed_headers(d: WebhookDelivery, secret: str, now: datetime) -> tuple[bytes, dict[str, str]]:
    body = d.body.encode()
    return body, {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(secret, int(now.timestamp()), body),
        "Ponte-Delivery": d.id,
        "Ponte-Event": d.kind,
        "User-Agent": "Ponte-Webhooks/2",
    }


def deliver_due(
    database: Database,
    now: datetime,
    transport: Transport | None = None,
    policy: RetryPolicy | None = None,
    limit: int = 200,
    allow_private: bool = False,
) -> DeliveryReport:
    """Send every delivery due at ``now`` (all tenants; each to its own subscription). A 2xx answer delivers;
    anything else is retried after the policy's delay, and the last failure gives up (``failed``)."""
    policy = policy or RetryPolicy()
    own = transport is None
    http: Transport = transport or HttpTransport(allow_private, max_connections=policy.workers)
    with database.unit_of_work() as uow:
        claimed = claim_due(uow.session, now, now + policy.lease, limit)
        jobs = []
        for d, sub in claimed:
            if sub is None or sub.deleted_at is not None:
                d.status, d.finished_at, d.next_attempt_at = "cancelled", now, now
            else:
                jobs.append((d, sub.url, sub.secret))
        prepared: list[tuple[str, str, int, str, bytes, dict[str, str], str]] = []
        for d, url, secret in jobs:
            try:
                body, headers = signed_headers(d, secret, now)
            except Exception as exc:  # a broken row fails its own delivery only
                prepared.append((d.id, d.tenant_id, d.attempts, url, b"", {}, f"{type(exc).__name__}: {exc}"))
                continue
            prepared.append((d.id, d.tenant_id, d.attempts, url, body, headers, ""))
        uow.commit()
    report = DeliveryReport()
    locks: dict[str, threading.Semaphore] = {}
    for _id, tenant, *_rest in prepared:
        locks.setdefault(tenant, threading.Semaphore(max(policy.per_tenant, 1)))

    def run(item: tuple[str, str, int, str, bytes, dict[str, str], str]) -> tuple[str, int, Outcome, str]:
        delivery_id, tenant, attempts, url, body, headers, error = item
        result = Outcome(None, error)
        if not error:
            with locks[tenant]:
                try:
                    check_url(url, allow_private)
                    result = http.post(url, body, headers, policy.timeout_seconds)
                except Exception as exc:  # one destination's failure is its own
                    result = Outcome(None, f"{type(exc).__name__}: {exc}"[:500])
        return delivery_id, attempts + 1, result, url

    try:
        if prepared:
            with ThreadPoolExecutor(max_workers=max(1, min(policy.workers, len(prepared)))) as pool:
                results = list(pool.map(run, _round_robin(prepared)))
        else:
            results = []
    finally:
        if own and isinstance(http, HttpTransport):
            http.close()
    # results are recorded one by one, each in its own transaction (one writer: SQLite never sees two)
    for delivery_id, attempts, result, url in results:
        try:
            _record(database, delivery_id, attempts, result, policy, now, url, report)
        except Exception as exc:  # recording one result must not stop the others
            report.errors.append(f"{delivery_id}: result not recorded ({type(exc).__name__})")
    return report


def _round_robin(items: list[Any]) -> list[Any]:
    """Deliveries interleaved by tenant, so one tenant's backlog does not queue ahead of the others."""
    by_tenant: dict[str, list[Any]] = {}
    for item in items:
        by_tenant.setdefault(item[1], []).append(item)
    out: list[Any] = []
    queues = list(by_tenant.values())
    while queues:
        out += [q.pop(0) for q in queues]
        queues = [q for q in queues if q]
    return out


def _record(
    database: Database,
    delivery_id: str,
    attempts: int,
    result: Outcome,
    policy: RetryPolicy,
    now: datetime,
    url: str,
    report: DeliveryReport,
) -> None:
    with database.unit_of_work() as uow:
        d = delivery(uow.session, delivery_id)
        if d is None:
            raise NotFoundError("webhook delivery", delivery_id)
        status, retry_at = outcome(attempts, result.error, policy, now)
        d.attempts, d.last_status, d.last_error, d.status = attempts, result.status, result.error, status
        if retry_at is not None:
            d.next_attempt_at = retry_at
        else:
            d.finished_at, d.next_attempt_at = now, now
        uow.commit()
    if status == "delivered":
        report.delivered += 1
    elif status == "failed":
        report.failed += 1
        report.errors.append(f"{delivery_id} to {url}: gave up after {attempts} attempts ({result.error})")
    else:
        report.retrying += 1

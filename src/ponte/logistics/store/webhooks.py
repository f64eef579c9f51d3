"""Webhooks to sellers: subscriptions per tenant and the deliverer that empties the outbox.

Tracking events and their deliveries are written in one transaction (``TrackingRepository.add``), so an
event is never stored without its notifications, nor a notification sent for an event that was rolled
back. ``deliver_due`` posts each due delivery with an HMAC-SHA256 signature of the body, retries failures
with exponential backoff and gives up after ``max_attempts``, recording the last status and error.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from ponte.kernel.errors import NotFoundError, ValidationError, Violation
from ponte.kernel.ids import new_id
from ponte.logistics.store.shipments import WebhookDelivery, WebhookSubscription
from ponte.logistics.tracking import fsu_codes, sign_webhook
from ponte.platform.db import Database

SIGNATURE_HEADER = "Ponte-Signature"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def check_subscription(url: str, kinds: list[str], secret: str | None) -> tuple[str, list[str]]:
    """A subscription's URL (https, or http to the local machine) and its FSU codes (``*`` for all)."""
    problems = []
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.append(Violation("url", "url", f"{url!r} is not an http(s) URL"))
    elif parts.scheme == "http" and parts.hostname not in LOOPBACK:
        problems.append(Violation("url", "https", "webhooks are sent over https (http only to this machine)"))
    codes = sorted({k.strip().upper() for k in kinds}) or ["*"]
    for i, code in enumerate(codes):
        if code != "*" and code not in fsu_codes():
            problems.append(Violation(f"kinds[{i}]", "fsu-code", f"{code!r} is not an FSU status code"))
    if secret is not None and len(secret) < 16:
        problems.append(Violation("secret", "min-length", "a signing secret has at least 16 characters"))
    if problems:
        raise ValidationError.of(problems)
    return url.strip(), codes


class WebhookRepository:
    def __init__(self, session: Session, tenant_id: str) -> None:
        self.s, self.tenant = session, tenant_id

    def subscribe(
        self, url: str, kinds: list[str], at: datetime, secret: str | None = None
    ) -> WebhookSubscription:
        url, codes = check_subscription(url, kinds, secret)
        row = WebhookSubscription(
            id=new_id("whs"),
            tenant_id=self.tenant,
            url=url,
            secret=secret or secrets.token_urlsafe(32),
            kinds=json.dumps(codes),
            created_at=at,
        )
        self.s.add(row)
        self.s.flush()
        return row

    def subscriptions(self) -> list[WebhookSubscription]:
        return list(
            self.s.scalars(
                select(WebhookSubscription)
                .where(WebhookSubscription.tenant_id == self.tenant, WebhookSubscription.deleted_at.is_(None))
                .order_by(WebhookSubscription.id)
            )
        )

    def delete(self, subscription_id: str, at: datetime) -> int:
        """Stop a subscription; its pending deliveries are cancelled. Returns how many were cancelled."""
        row = self.s.scalar(
            select(WebhookSubscription).where(
                WebhookSubscription.tenant_id == self.tenant,
                WebhookSubscription.id == subscription_id,
                WebhookSubscription.deleted_at.is_(None),
            )
        )
        if row is None:
            raise NotFoundError("webhook subscription", subscription_id)
        row.deleted_at = at
        pending = self.deliveries(subscription_id, status="pending")
        for d in pending:
            d.status, d.finished_at = "cancelled", at
        self.s.flush()
        return len(pending)

    def deliveries(
        self, subscription_id: str | None = None, status: str | None = None
    ) -> list[WebhookDelivery]:
        query = select(WebhookDelivery).where(WebhookDelivery.tenant_id == self.tenant)
        if subscription_id is not None:
            query = query.where(WebhookDelivery.subscription_id == subscription_id)
        if status is not None:
            query = query.where(WebhookDelivery.status == status)
        return list(self.s.scalars(query.order_by(WebhookDelivery.event_at, WebhookDelivery.id)))


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    first_delay: timedelta = timedelta(seconds=30)
    factor: int = 4  # 30 s, 2 min, 8 min, 32 min, ~2 h
    timeout_seconds: float = 10.0

    def delay(self, attempts: int) -> timedelta:
        """Wait before the next attempt, after ``attempts`` failed ones."""
        return self.first_delay * self.factor ** max(attempts - 1, 0)


@dataclass
class DeliveryReport:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "delivered": self.delivered,
            "retrying": self.retrying,
            "failed": self.failed,
            "errors": self.errors,
        }


def signed_request(delivery: WebhookDelivery, secret: str) -> tuple[bytes, dict[str, str]]:
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: "sha256=" + sign_webhook(body, secret.encode()),
        "Ponte-Delivery": delivery.id,
        "Ponte-Event": delivery.kind,
        "User-Agent": "Ponte-Webhooks/1",
    }
    return body, headers


def _attempt(client: httpx.Client, sub: WebhookSubscription, d: WebhookDelivery) -> tuple[int | None, str]:
    body, headers = signed_request(d, sub.secret)
    try:
        response = client.post(sub.url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= response.status_code < 300:
        return response.status_code, ""
    return response.status_code, f"HTTP {response.status_code}: {response.text[:200]}"


def deliver_due(
    database: Database,
    now: datetime,
    client: httpx.Client | None = None,
    policy: RetryPolicy | None = None,
    limit: int = 200,
) -> DeliveryReport:
    """Send every delivery due at ``now`` (all tenants; each to its own subscription). A 2xx answer
    delivers; anything else is retried after the policy's delay, and the last failure gives up
    (``failed``, with the status and error kept)."""
    policy = policy or RetryPolicy()
    report = DeliveryReport()
    own = client is None
    http = client or httpx.Client(timeout=policy.timeout_seconds, follow_redirects=False)
    try:
        with database.unit_of_work() as uow:
            due = list(
                uow.session.scalars(
                    select(WebhookDelivery)
                    .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
                    .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.event_at, WebhookDelivery.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            )
            for d in due:
                sub = uow.session.scalar(
                    select(WebhookSubscription).where(
                        WebhookSubscription.id == d.subscription_id,
                        WebhookSubscription.tenant_id == d.tenant_id,
                    )
                )
                if sub is None or sub.deleted_at is not None:
                    d.status, d.finished_at = "cancelled", now
                    continue
                status, error = _attempt(http, sub, d)
                d.attempts += 1
                d.last_status, d.last_error = status, error
                if not error:
                    d.status, d.finished_at = "delivered", now
                    report.delivered += 1
                elif d.attempts >= policy.max_attempts:
                    d.status, d.finished_at = "failed", now
                    report.failed += 1
                    report.errors.append(
                        f"{d.id} to {sub.url}: gave up after {d.attempts} attempts ({error})"
                    )
                else:
                    d.next_attempt_at = now + policy.delay(d.attempts)
                    report.retrying += 1
            uow.commit()
    finally:
        if own:
            http.close()
    return report

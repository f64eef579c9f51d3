"""Webhooks, pure: what a subscription may point at, how a delivery is signed, when it is retried.

- **Destinations.** An ``https`` URL whose host resolves only to public addresses. Loopback, link-local,
  private, shared, multicast and reserved ranges are refused (server-side request forgery), at subscription and
  again at every delivery against the addresses the name has then (DNS rebinding). ``allow_private`` lifts that
  for development (a receiver on this machine) and permits ``http``; it is off unless the platform's settings say
  ``PONTE_WEBHOOKS_ALLOW_PRIVATE=true``.
- **Signature** (the scheme Stripe documents for its webhooks): header ``Ponte-Signature: t=<unix seconds>,
  v1=<hex HMAC-SHA256 of "<t>.<body>" with the subscription's secret>``. A receiver recomputes it, compares in
  constant time and refuses a timestamp more than ``TOLERANCE`` seconds from its clock (a replayed delivery);
  ``Ponte-Delivery`` is the delivery's id, the same on every retry, for de-duplication.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from ponte.kernel.errors import ValidationError, Violation

__all__ = [
    "SIGNATURE_HEADER",
    "TOLERANCE",
    "DeliveryReport",
    "RetryPolicy",
    "WebhookError",
    "address_refusal",
    "check_subscription",
    "sign",
    "verify",
]

SIGNATURE_HEADER = "Ponte-Signature"
TOLERANCE = 300  # seconds a receiver accepts between the signed timestamp and its clock


class WebhookError(StrEnum):
    URL = "url"
    HTTPS = "https"
    HOST = "host"
    DESTINATION = "public-destination"
    KIND = "webhook-kind"
    SECRET_LENGTH = "min-length"
    SIGNATURE = "signature"
    REPLAY = "replay-window"


def address_refusal(address: str) -> str | None:
    """Why an address may not receive webhooks (None: it is a public unicast address)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for name in ("loopback", "link_local", "private", "multicast", "reserved", "unspecified"):
        if getattr(ip, f"is_{name}"):
            return f"{ip} is a {name.replace('_', '-')} address"
    if not ip.is_global:
        return f"{ip} is not a public address"
    return None


@dataclass(frozen=True)
class Destination:
    url: str
    scheme: str
    host: str  # IDNA (ASCII) form
    port: int


def check_url(url: str, allow_private: bool) -> Destination:
    """The URL's parts, or a violation naming ``url`` (scheme, host, an IP literal in a refused range)."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
        host = parts.hostname or ""
    except ValueError as exc:  # a bad port, an unclosed [ipv6 bracket
        raise ValidationError(f"{url!r} is not a URL ({exc})", field="url", rule=WebhookError.URL) from None
    if parts.scheme not in ("http", "https") or not host:
        raise ValidationError(f"{url!r} is not an http(s) URL", field="url", rule=WebhookError.URL)
    if parts.scheme == "http" and not allow_private:
        raise ValidationError("webhooks are sent over https", field="url", rule=WebhookError.HTTPS)
    try:
        ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
        if not ascii_host.startswith("[") and any(not label for label in ascii_host.rstrip(".").split(".")):
            raise UnicodeError("empty label")
        if "xn--" in ascii_host:
            ascii_host.encode("ascii").decode("idna")  # an xn-- label must decode
    except UnicodeError as exc:
        raise ValidationError(
            f"{host!r} is not a valid host name ({exc})", field="url", rule=WebhookError.HOST
        ) from None
    try:
        literal = ipaddress.ip_address(ascii_host)
    except ValueError:
        literal = None
    if literal is not None and not allow_private:
        refusal = address_refusal(str(literal))
        if refusal:
            raise ValidationError(
                f"webhooks go to public addresses: {refusal}", field="url", rule=WebhookError.DESTINATION
            )
    return Destination(text, parts.scheme, ascii_host, port or (443 if parts.scheme == "https" else 80))


def check_subscription(
    url: str, kinds: Collection[str], secret: str | None, known: Collection[str], allow_private: bool
) -> tuple[Destination, list[str]]:
    """A subscription's destination and its kinds (``*`` for all), every problem named at once."""
    problems: list[Violation] = []
    destination = None
    try:
        destination = check_url(url, allow_private)
    except ValidationError as exc:
        problems += exc.violations
    codes = sorted({k.strip() if k.strip().startswith("order.") else k.strip().upper() for k in kinds}) or [
        "*"
    ]
    for i, code in enumerate(codes):
        if code != "*" and code not in known:
            problems.append(Violation(f"kinds[{i}]", WebhookError.KIND, f"{code!r} is not a webhook kind"))
    if secret is not None and len(secret) < 16:
        problems.append(
            Violation("secret", WebhookError.SECRET_LENGTH, "a signing secret has at least 16 characters")
        )
    if problems:
        raise ValidationError.of(problems)
    assert destination is not None
    return destination, codes


def wants(kinds: Collection[str], kind: str) -> bool:
    return "*" in kinds or kind in kinds


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Ponte-Signature`` header value: ``t=<timestamp>,v1=<hex HMAC-SHA256 of "<t>.<body>">``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(header: str, body: bytes, secret: str, now: int, tolerance: int = TOLERANCE) -> None:
    """What a receiver does: the signature must match and its timestamp be within ``tolerance`` of ``now``."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        raise ValidationError(
            "no timestamp in the signature", field=SIGNATURE_HEADER, rule=WebhookError.SIGNATURE
        ) from None
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, parts.get("v1", "")):
        raise ValidationError(
            "the signature does not match", field=SIGNATURE_HEADER, rule=WebhookError.SIGNATURE
        )
    if abs(now - timestamp) > tolerance:
        raise ValidationError(
            "the delivery is outside the replay window", field=SIGNATURE_HEADER, rule=WebhookError.REPLAY
        )


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    first_delay: timedelta = timedelta(seconds=30)
    factor: int = 4  # 30 s, 2 min, 8 min, 32 min, ~2 h
    timeout_seconds: float = 10.0  # connect, write and read, each
    per_tenant: int = 2  # deliveries of one tenant in flight at once
    workers: int = 8  # deliveries in flight at once, all tenants
    lease: timedelta = timedelta(minutes=5)  # a claimed delivery is not claimed again before this

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


def outcome(attempts: int, error: str, policy: RetryPolicy, now: datetime) -> tuple[str, datetime | None]:
    """A delivery's next state after an attempt: delivered, retried at a time, or failed."""
    if not error:
        return "delivered", None
    if attempts >= policy.max_attempts:
        return "failed", None
    return "pending", now + policy.delay(attempts)

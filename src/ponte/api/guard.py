"""The server's outer guard (pure ASGI, before any routing or body parsing): request body size limits and rate
limits per API key and per client address.

- **Body size.** A declared ``Content-Length`` above the limit is refused at once (413); a body sent without one
  is counted as it arrives and refused when it passes the limit, so no handler ever holds more than the limit.
  Uploads (catalogue and order files: ``text/csv``, Parquet, multipart) have a limit of their own.
- **Rate.** The `limits` library's fixed windows, in memory by default (``PONTE_RATE_LIMIT_STORAGE`` may name a
  Redis such as ``redis://127.0.0.1:6379`` so every worker shares the counts). Every request counts against
  its client address; a request that presents a key also counts against that key (its SHA-256, never the key).
  A refused request gets 429 with ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

import orjson
from limits import RateLimitItem, parse_many
from limits.aio.storage import Storage
from limits.aio.strategies import FixedWindowRateLimiter
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ponte.api.problems import PROBLEM, document

__all__ = ["Guard", "GuardPolicy"]

UPLOAD_TYPES = (b"text/csv", b"application/vnd.apache.parquet", b"application/octet-stream", b"multipart/")


@dataclass(frozen=True)
class GuardPolicy:
    max_body_bytes: int = 1_000_000
    max_upload_bytes: int = 100_000_000
    per_key: str = ""  # e.g. "100/second;5000/minute"; empty: no limit
    per_ip: str = ""
    storage: str = "memory://"


class Guard:
    def __init__(self, app: ASGIApp, policy: GuardPolicy) -> None:
        self.app = app
        self.policy = policy
        self.per_key: list[RateLimitItem] = parse_many(policy.per_key) if policy.per_key else []
        self.per_ip: list[RateLimitItem] = parse_many(policy.per_ip) if policy.per_ip else []
        self.limiter: FixedWindowRateLimiter | None = None
        if self.per_key or self.per_ip:
            uri = policy.storage if policy.storage.startswith("async+") else f"async+{policy.storage}"
            storage = storage_from_string(uri)
            assert isinstance(storage, Storage)
            self.limiter = FixedWindowRateLimiter(storage)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        refusal = await self._rate(scope, headers)
        if refusal is not None:
            await _refuse(scope, send, 429, *refusal)
            return
        content_type = headers.get(b"content-type", b"").lower()
        upload = content_type.startswith(UPLOAD_TYPES)
        limit = self.policy.max_upload_bytes if upload else self.policy.max_body_bytes
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                await _refuse(scope, send, 400, "Content-Length is not a number", "content-length", "integer")
                return
            if too_big:
                await _refuse(scope, send, 413, *_size(limit, upload))
                return
        await self._counted(scope, receive, send, limit, upload)

    async def _rate(self, scope: Scope, headers: dict[bytes, bytes]) -> tuple[str, str, str, int] | None:
        if self.limiter is None:
            return None
        client = (scope.get("client") or ("unknown", 0))[0]
        checks: list[tuple[list[RateLimitItem], str, str]] = [(self.per_ip, "ip", client)]
        authorization = headers.get(b"authorization", b"") or headers.get(b"x-api-key", b"")
        if authorization:
            checks.insert(0, (self.per_key, "key", hashlib.sha256(authorization).hexdigest()[:32]))
        for items, kind, who in checks:
            for item in items:
                if not await self.limiter.hit(item, kind, who):
                    reset, _left = await self.limiter.get_window_stats(item, kind, who)
                    wait = max(int(reset - time.time()) + 1, 1)
                    return (
                        f"more than {item} from this {'API key' if kind == 'key' else 'address'}; retry later",
                        "authorization" if kind == "key" else "client",
                        f"rate-limit-per-{kind}",
                        wait,
                    )
        return None

    async def _counted(self, scope: Scope, receive: Receive, send: Send, limit: int, upload: bool) -> None:
        seen = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    exceeded = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # the handler's answer to a cut-off body is replaced by the 413 below
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await _refuse(scope, send, 413, *_size(limit, upload))


def _size(limit: int, upload: bool) -> tuple[str, str, str]:
    what = "an upload" if upload else "a request body"
    return (
        f"{what} may have at most {limit:,} bytes",
        "body",
        "max-upload-size" if upload else "max-body-size",
    )


async def _refuse(
    scope: Scope, send: Send, status: int, detail: str, field: str, rule: str, retry_after: int = 0
) -> None:
    request_id = (scope.get("state") or {}).get("request_id", "")
    body = orjson.dumps(
        document(
            status,
            detail,
            scope.get("path", ""),
            request_id,
            [{"pointer": "", "field": field, "rule": rule, "detail": detail}],
            kind=rule,
        )
    )
    headers = [(b"content-type", PROBLEM.encode()), (b"content-length", str(len(body)).encode())]
    if retry_after:
        headers.append((b"retry-after", str(retry_after).encode()))
    if status == 413:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

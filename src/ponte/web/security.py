"""The console's defences: CSRF tokens and Origin checks on every unsafe request, and the security headers.

CSRF (signed double submit, bound to the session):

* the browser holds a random nonce in an HttpOnly, ``SameSite=Strict`` cookie (``__Host-`` prefixed, and
  Secure, over HTTPS, so a sibling subdomain cannot plant one);
* every page carries the token ``HMAC(secret, nonce | SHA-256(session cookie))``: in every form as the
  hidden field ``csrf_token`` and for htmx in the ``X-CSRF-Token`` header (``static/console.js``);
* a POST, PUT, PATCH or DELETE is refused (403) unless the token it sends is the one of its cookies, and
  unless it comes from this site: ``Sec-Fetch-Site`` same-origin (or none), and ``Origin`` (or, without
  it, ``Referer``) the console's own origin. Signing in is protected the same way (login CSRF): the
  anonymous token is bound to the nonce alone, and a session's token changes when the session does.

Headers on every response: a strict Content-Security-Policy (scripts and styles from this origin only, no
inline script, no framing, forms only to this origin), ``X-Content-Type-Options: nosniff``,
``X-Frame-Options: DENY``, ``Referrer-Policy: same-origin``, and HSTS when served over HTTPS.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request, cookie_parser
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TOKEN_FIELD = "csrf_token"
TOKEN_HEADER = "x-csrf-token"
SCOPE_TOKEN = "ponte.csrf_token"
MAX_FORM_BYTES = 64 * 1024 * 1024  # a form larger than this is refused before it is read for its token

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",  # style attributes set by scripts' libraries; never script
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=63072000; includeSubDomains"


def cookie_names(secure: bool) -> tuple[str, str]:
    """(session cookie, CSRF nonce cookie): ``__Host-`` prefixed over HTTPS (Secure, path /, no Domain)."""
    prefix = "__Host-" if secure else ""
    return f"{prefix}ponte_session", f"{prefix}ponte_csrf"


def origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def request_origin(scope: Scope) -> str:
    headers = Headers(scope=scope)
    host = headers.get("host") or "localhost"
    return f"{scope.get('scheme', 'http')}://{host}".lower()


class CsrfGuard:
    """Pure ASGI middleware: the token of each page, and the check of each unsafe request."""

    def __init__(
        self,
        app: ASGIApp,
        secret: str,
        secure: bool,
        allowed_origins: tuple[str, ...] = (),
        refuse: Callable[[Request, str], Response] | None = None,
    ) -> None:
        self.app = app
        self.key = hmac.new(secret.encode("utf-8"), b"ponte-console-csrf", hashlib.sha256).digest()
        self.secure = secure
        self.session_cookie, self.nonce_cookie = cookie_names(secure)
        self.allowed = frozenset(o.lower() for o in allowed_origins)
        self.refuse = refuse or (lambda _request, _reason: Response("forbidden: cross-site request", 403))

    def token(self, nonce: str, session: str) -> str:
        bound = hashlib.sha256(session.encode("utf-8")).hexdigest() if session else "-"
        return hmac.new(self.key, f"{nonce}|{bound}".encode(), hashlib.sha256).hexdigest()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope)
        nonce = cookies.get(self.nonce_cookie, "")
        fresh = not (16 <= len(nonce) <= 100 and nonce.isascii())
        if fresh:
            nonce = secrets.token_urlsafe(32)
        # the session the response leaves the browser with (ServerSessions clears a dead one's cookie)
        session = scope.get("ponte.session_token")
        if not isinstance(session, str):
            session = cookies.get(self.session_cookie, "")
        scope[SCOPE_TOKEN] = self.token(nonce, session)

        if scope["method"] in UNSAFE:
            reason = self._foreign(scope)
            body: list[Message] = []
            if reason is None:
                expected = "" if fresh else scope[SCOPE_TOKEN]
                sent, body, too_large = await _sent_token(scope, receive)
                if too_large:
                    reason = "too-large"
                elif not expected or not sent or not hmac.compare_digest(sent, expected):
                    reason = "token"
            if reason is not None:
                await self.refuse(Request(scope), reason)(
                    scope, _empty, self._with_cookie(send, nonce, fresh)
                )
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, self._with_cookie(send, nonce, fresh))

    def _foreign(self, scope: Scope) -> str | None:
        """Why the request is not from this site, or None."""
        headers = Headers(scope=scope)
        site = headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            return "cross-site"
        own = {request_origin(scope), *self.allowed}
        origin = headers.get("origin")
        if origin is not None:
            return None if origin.lower() in own else "origin"
        referer = headers.get("referer")
        if referer is not None:
            return None if origin_of(referer) in own else "referer"
        return None  # neither (a client that is not a browser): the token decides

    def _with_cookie(self, send: Send, nonce: str, fresh: bool) -> Send:
        if not fresh:
            return send

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                attributes = "Path=/; HttpOnly; SameSite=Strict" + ("; Secure" if self.secure else "")
                headers.append("set-cookie", f"{self.nonce_cookie}={nonce}; {attributes}")
            await send(message)

        return sending


def _cookies(scope: Scope) -> dict[str, str]:
    raw = Headers(scope=scope).get("cookie")
    return cookie_parser(raw) if raw else {}


async def _empty() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _sent_token(scope: Scope, receive: Receive) -> tuple[str, list[Message], bool]:
    """The token the request sends (header, else form field), the body read to find it, and whether the body
    was too large to read."""
    headers = Headers(scope=scope)
    header = headers.get(TOKEN_HEADER, "")
    if header:
        return header, [], False
    kind = headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return "", [], False
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        size += len(message.get("body", b""))
        if size > MAX_FORM_BYTES:
            return "", messages, True
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
    request = Request(scope, _replay(messages, _empty))
    try:
        form = await request.form()
        value = form.get(TOKEN_FIELD)
        await form.close()
    except Exception:
        return "", messages, False
    return (value if isinstance(value, str) else ""), messages, False


def _replay(messages: list[Message], receive: Receive) -> Receive:
    if not messages:
        return receive
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


class SecurityHeaders:
    """Pure ASGI middleware: the security headers on every response (HSTS only over HTTPS)."""

    def __init__(self, app: ASGIApp, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = self.hsts or scope.get("scheme") == "https"

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("content-security-policy", CSP)
                headers.setdefault("x-content-type-options", "nosniff")
                headers.setdefault("x-frame-options", "DENY")
                headers.setdefault("referrer-policy", "same-origin")
                headers.setdefault("cross-origin-opener-policy", "same-origin")
                headers.setdefault("permissions-policy", "camera=(), microphone=(), geolocation=()")
                if https:
                    headers.setdefault("strict-transport-security", HSTS)
            await send(message)

        await self.app(scope, receive, sending)

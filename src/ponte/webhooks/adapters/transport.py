"""The HTTP edge of webhook delivery, as a one-method protocol (like the customs link's transport).

``HttpTransport`` posts with httpcore through a network backend that resolves the host itself and connects only
to an address the destination policy allows, so the check and the connection use the same answer from DNS (a
name that resolved to a public address at subscription and to 127.0.0.1 now is refused now). TLS still verifies
the certificate against the host name. Redirects are not followed.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import httpcore

from ponte.webhooks.core import address_refusal

__all__ = ["GuardedBackend", "HttpTransport", "Outcome", "Transport"]


@dataclass(frozen=True)
class Outcome:
    status: int | None
    error: str  # empty when delivered (2xx)


class Transport(Protocol):
    def post(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> Outcome: ...


class DestinationRefused(httpcore.ConnectError):
    pass


class GuardedBackend(httpcore.SyncBackend):
    """Resolve, refuse private and reserved addresses (unless allowed), connect to the address checked."""

    def __init__(self, allow_private: bool = False) -> None:
        self.allow_private = allow_private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host!r}: {exc}") from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not self.allow_private:
            refused = [r for r in (address_refusal(a) for a in addresses) if r]
            if refused:
                raise DestinationRefused(f"destination refused: {refused[0]}")
        last: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last = exc
        raise httpcore.ConnectError(f"cannot connect to {host}:{port} ({last})")


def resolved_refusal(host: str) -> str | None:
    """Why ``host`` may not receive webhooks as DNS answers now (None: every address it has is public, or it
    does not resolve yet: the deliverer checks again before each connection)."""
    try:
        infos = socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None
    for info in infos:
        refusal = address_refusal(str(info[4][0]))
        if refusal:
            return refusal
    return None


class HttpTransport:
    """One connection pool per deliverer; every request with its own timeouts."""

    def __init__(self, allow_private: bool = False, max_connections: int = 16) -> None:
        self.pool = httpcore.ConnectionPool(
            network_backend=GuardedBackend(allow_private), max_connections=max_connections, retries=0
        )

    def post(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> Outcome:
        try:
            response = self.pool.request(
                "POST",
                url,
                headers=list(headers.items()),
                content=body,
                extensions={
                    "timeout": {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}
                },
            )
        except DestinationRefused as exc:
            return Outcome(None, f"DestinationRefused: {exc}"[:500])
        except (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError) as exc:
            return Outcome(None, f"{type(exc).__name__}: {exc}"[:500])
        except (httpcore.UnsupportedProtocol, httpcore.LocalProtocolError, UnicodeError, ValueError) as exc:
            return Outcome(None, f"{type(exc).__name__}: {exc}"[:500])
        if 200 <= response.status < 300:
            return Outcome(response.status, "")
        return Outcome(response.status, f"HTTP {response.status}: {response.content[:200]!r}")

    def close(self) -> None:
        self.pool.close()

"""The e-port client control (中国电子口岸客户端控件) on the enterprise's computer: its local WebSocket
service signs with the enterprise's card or UKey.

Its calls, as the control's own JavaScript library (v1.3.9 for control v1.5.12, China E-port Data
Centre) sends them to ``ws://127.0.0.1:61232``: a JSON text ``{"_method": ..., "_id": n, "args": {...}}``,
answered by ``{"_id": n, "_method": ..., "_status": "00", "_args": {"Result": true|false, "Data": [...],
"Error": [...]}}``. Ponte uses

* ``cus-sec_SpcSignDataAsPEM`` (``inData``, ``passwd``): the signature of ``inData``, base64, and the
  certificate number (``Data[1]``, the KeyName) — the card hashes the data itself (SM3 with Z for SM2,
  SHA-1 for RSA);
* ``cus-sec_SpcSHA1DigestAsPEM`` (``szInfo``): the card's SHA-1 digest, base64;
* ``cus-sec_SpcGetSignCertAsPEM``: the signing certificate, base64 DER;
* ``cus-sec_SpcGetCardID``: the card number.

Texts over 120 KB travel in "BLOCKTXT" frames; Ponte sends only the SignedInfo (under 2 KB), never
the whole message, so it needs no framing.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
from typing import Any

from websockets.exceptions import WebSocketException
from websockets.sync.client import connect

from ponte.customs.errors import CustomsCode
from ponte.kernel.errors import PonteError

__all__ = ["DEFAULT_URL", "EportClientDevice", "EportClientError"]

DEFAULT_URL = "ws://127.0.0.1:61232"


class EportClientError(PonteError):
    def __init__(self, message: str) -> None:
        super().__init__(message, field="signing.device_url", rule=CustomsCode.DEVICE, status=502)


class EportClientDevice:
    """A :class:`ponte.customs.china.signer.Device` over the client control's local service."""

    def __init__(self, url: str = DEFAULT_URL, password: str | None = None, *, timeout: float = 10.0) -> None:
        self.url, self.password, self.timeout = url, password, timeout
        self._ids = itertools.count(1)

    def call(self, method: str, args: dict[str, Any] | None = None) -> list[str]:
        """One call; its ``Data`` list, or an error naming what the control answered."""
        request_id = next(self._ids)
        payload = json.dumps({"_method": method, "_id": request_id, "args": args or {}}, ensure_ascii=False)
        try:
            with connect(self.url, open_timeout=self.timeout, close_timeout=1) as ws:
                ws.send(payload)
                while True:
                    answer = json.loads(ws.recv(timeout=self.timeout))
                    if answer.get("_id") == request_id:
                        break
        except (OSError, TimeoutError, WebSocketException) as exc:
            raise EportClientError(f"the e-port client control at {self.url} did not answer: {exc}") from None
        except (json.JSONDecodeError, AttributeError):
            raise EportClientError(f"the e-port client control at {self.url} sent no JSON") from None
        result = answer.get("_args") or {}
        if not result.get("Result"):
            errors = "; ".join(str(e) for e in result.get("Error") or []) or "no reason given"
            raise EportClientError(f"{method} failed: {errors}")
        return [str(d) for d in result.get("Data") or []]

    def _secret(self) -> dict[str, str]:
        return {"passwd": self.password} if self.password else {}

    def sign_data(self, data: str) -> tuple[bytes, str]:
        out = self.call("cus-sec_SpcSignDataAsPEM", {"inData": data, **self._secret()})
        if len(out) < 2:
            raise EportClientError("cus-sec_SpcSignDataAsPEM returned no certificate number")
        return _b64(out[0]), out[1]

    def sha1_digest(self, data: str) -> bytes:
        return _b64(self.call("cus-sec_SpcSHA1DigestAsPEM", {"szInfo": data, **self._secret()})[0])

    def certificate(self) -> bytes:
        return _b64(self.call("cus-sec_SpcGetSignCertAsPEM")[0])

    def card_id(self) -> str:
        return self.call("cus-sec_SpcGetCardID")[0]


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise EportClientError("the e-port client control returned data that is not base64") from None

"""A local stand-in of the e-port client control's signing service, for tests and demos::

    python -m ponte.customs.adapters.eport_stand_in --port 61232 --algorithm sm2

It answers the calls Ponte makes (see ``eport_client``) in the control's own JSON shape, with a software
card: an SM2 key (gmssl, SM2-with-SM3 over Z, the 64-byte r || s a real card returns) or an RSA key
(RSA-SHA1, PKCS#1 v1.5), a self-signed certificate of it, a card number and a PIN. It is never a way to
sign for customs: its certificate is its own, not one an e-port data centre issued.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from ponte.customs.china import sm2

__all__ = ["SoftCard", "StandIn"]

SUBJECT = "Ponte e-port stand-in card"


@dataclass
class SoftCard:
    """The card: its algorithm, key, certificate, numbers and PIN."""

    algorithm: str = "sm2"
    pin: str = "88888888"
    card_id: str = field(default_factory=lambda: f"Z{secrets.randbelow(10**12):012d}")
    serial: int = field(default_factory=lambda: secrets.randbits(56) | 1 << 57)
    _sm2: sm2.Sm2Key | None = None
    _rsa: rsa.RSAPrivateKey | None = None
    certificate_der: bytes = b""

    def __post_init__(self) -> None:
        if self.algorithm == "sm2":
            self._sm2 = sm2.Sm2Key.generate()
            self.certificate_der = sm2.certificate(self._sm2, SUBJECT, "Ponte", self.serial)
        elif self.algorithm == "rsa":
            self._rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SUBJECT)])
            now = datetime.now(UTC)
            cert = (
                x509.CertificateBuilder()
                .subject_name(name)
                .issuer_name(name)
                .public_key(self._rsa.public_key())
                .serial_number(self.serial)
                .not_valid_before(now - timedelta(days=1))
                .not_valid_after(now + timedelta(days=365))
                .sign(self._rsa, hashes.SHA256())
            )
            self.certificate_der = cert.public_bytes(serialization.Encoding.DER)
        else:
            raise ValueError("the stand-in card holds an sm2 or an rsa key")

    @property
    def cert_no(self) -> str:
        """The certificate number the card reports (its serial, 16 hex digits like ``03000000000cde6f``)."""
        return f"{self.serial:016x}"

    def sign(self, data: bytes) -> bytes:
        if self._sm2 is not None:
            return self._sm2.sign(data)
        assert self._rsa is not None
        return self._rsa.sign(data, padding.PKCS1v15(), hashes.SHA1())

    def answer(self, method: str, args: dict[str, Any]) -> tuple[bool, list[str], list[str]]:
        """(Result, Data, Error) of one call."""
        if (
            method in ("cus-sec_SpcSignDataAsPEM", "cus-sec_SpcSHA1DigestAsPEM")
            and args.get("passwd", self.pin) != self.pin
        ):
            return False, [], ["卡口令不正确 (the card's PIN is wrong)"]
        if method == "cus-sec_SpcSignDataAsPEM":
            data = str(args.get("inData", "")).encode("utf-8")
            return True, [base64.b64encode(self.sign(data)).decode(), self.cert_no], []
        if method == "cus-sec_SpcSHA1DigestAsPEM":
            digest = hashlib.sha1(str(args.get("szInfo", "")).encode("utf-8")).digest()
            return True, [base64.b64encode(digest).decode()], []
        if method == "cus-sec_SpcGetSignCertAsPEM":
            return True, [base64.b64encode(self.certificate_der).decode()], []
        if method == "cus-sec_SpcGetCardID":
            return True, [self.card_id], []
        if method == "cus-sec_SpcGetCertNo":
            return True, [self.cert_no], []
        return False, [], [f"the stand-in does not offer {method}"]


class StandIn:
    """The stand-in service on ``127.0.0.1`` (port 0 picks a free one), run in a thread."""

    def __init__(self, card: SoftCard | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.card = card or SoftCard()
        self.calls: list[str] = []
        self._server: Server = serve(self._handle, host, port)
        self.port = self._server.socket.getsockname()[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def _handle(self, ws: ServerConnection) -> None:
        try:
            for text in ws:
                try:
                    req = json.loads(text)
                    method, req_id = str(req["_method"]), req.get("_id")
                    args = req.get("args") or {}
                except (ValueError, KeyError, TypeError):
                    ws.send(
                        json.dumps(
                            {
                                "_id": None,
                                "_method": "",
                                "_status": "00",
                                "_args": {"Result": False, "Data": [], "Error": ["数据格式非法"]},
                            }
                        )
                    )
                    continue
                self.calls.append(method)
                ok, data, errors = self.card.answer(method, args)
                ws.send(
                    json.dumps(
                        {
                            "_id": req_id,
                            "_method": method,
                            "_status": "00",
                            "_args": {"Result": ok, "Data": data, "Error": errors},
                        },
                        ensure_ascii=False,
                    )
                )
        except ConnectionClosed:
            return

    def __enter__(self) -> StandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ponte.customs.adapters.eport_stand_in")
    ap.add_argument("--port", type=int, default=61232)
    ap.add_argument("--algorithm", choices=("sm2", "rsa"), default="sm2")
    ap.add_argument("--pin", default="88888888")
    args = ap.parse_args(argv)
    stand_in = StandIn(SoftCard(args.algorithm, args.pin), port=args.port)
    print(f"e-port stand-in ({args.algorithm}) at {stand_in.url}, card {stand_in.card.card_id}", flush=True)
    stand_in._server.serve_forever()  # pragma: no cover - the long-running mode
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

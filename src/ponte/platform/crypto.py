"""Encryption of personal data at rest.

Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) with keys derived
from the configured secret by HKDF. Several secrets may be configured for
rotation: the first encrypts, all decrypt. Lookups by value (e.g. "has this
tax ID bought before?") use a keyed blind index, never the plaintext.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"ponte", info=purpose).derive(
        secret.encode("utf-8")
    )


class DataCipher:
    def __init__(self, secrets: list[str]) -> None:
        if not secrets:
            raise ValueError("at least one data key is needed")
        self._fernet = MultiFernet(
            [Fernet(base64.urlsafe_b64encode(_derive(s, b"personal-data"))) for s in secrets]
        )
        self._index_key = _derive(secrets[0], b"blind-index")

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise ValueError("personal data could not be decrypted with the configured keys") from exc

    def blind_index(self, value: str) -> str:
        normalised = "".join(ch for ch in value.upper() if ch.isalnum())
        return hmac.new(self._index_key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


_cipher: DataCipher | None = None


def configure(secrets: list[str]) -> DataCipher:
    global _cipher
    _cipher = DataCipher(secrets)
    return _cipher


def cipher() -> DataCipher:
    """The configured cipher (``ponte.bootstrap`` configures it from the settings at start-up)."""
    if _cipher is None:
        raise RuntimeError("personal data needs a data key: build the process through ponte.bootstrap first")
    return _cipher


def mask(value: str | None, keep: int = 2) -> str:
    """For logs and exports: `12345678909` -> `12*******09`."""
    if not value:
        return ""
    if len(value) <= keep * 2:
        return "*" * len(value)
    return value[:keep] + "*" * (len(value) - keep * 2) + value[-keep:]

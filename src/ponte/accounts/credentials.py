"""Passwords, one-time codes and signed links (no database).

Passwords are hashed with Argon2id through pwdlib (its recommended
parameters); TOTP (RFC 6238, 30-second steps, 6 digits) through pyotp, with
the step of the last accepted code kept so a code works once. Tokens sent by
mail (invitations) are 256-bit random strings of which only a SHA-256 is
stored; password-reset links are signed (itsdangerous) over the time they were made and name a
fingerprint of the current password hash, so a link stops working once used.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
from itsdangerous import BadSignature, URLSafeSerializer
from pwdlib import PasswordHash

from ponte.kernel.errors import ValidationError

MIN_PASSWORD = 12
MAX_PASSWORD = 256
TOTP_STEP = 30
TOTP_WINDOW = 1  # a code of the step before or after is accepted (clock drift)
RESET_MAX_AGE = 3600  # seconds a password-reset link stays good
INVITATION_DAYS = 7
MAX_FAILED_SIGN_INS = 5  # then the account waits LOCK_MINUTES before the next try
LOCK_MINUTES = 15

_hasher = PasswordHash.recommended()
# verified when the address is unknown, so a sign-in takes as long whether or not the account exists
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def check_password(password: str, field: str = "password", email: str = "") -> str:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"at least {MIN_PASSWORD} characters", field=field, rule="password-length")
    if len(password) > MAX_PASSWORD:
        raise ValidationError(f"at most {MAX_PASSWORD} characters", field=field, rule="password-length")
    if len(set(password)) < 4 or (email and password.strip().lower() == email.strip().lower()):
        raise ValidationError("too easy to guess", field=field, rule="password-strength")
    return password


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """True when the password matches; always spends one Argon2 verification."""
    if not password_hash:
        _hasher.verify(password, _DUMMY_HASH)
        return False
    try:
        return bool(_hasher.verify(password, password_hash))
    except Exception:
        return False


def rehashed(password: str, password_hash: str) -> str | None:
    """A new hash of a password just verified, when its stored hash used weaker parameters (else None)."""
    try:
        _valid, updated = _hasher.verify_and_update(password, password_hash)
    except Exception:
        return None
    return updated


# -- TOTP ----------------------------------------------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, account: str, issuer: str = "Ponte") -> str:
    return pyotp.TOTP(secret, interval=TOTP_STEP).provisioning_uri(name=account, issuer_name=issuer)


def totp_code(secret: str, at: datetime) -> str:
    """The code of this moment (tests and the enrolment check)."""
    return str(pyotp.TOTP(secret, interval=TOTP_STEP).at(at))


def totp_step(secret: str, code: str, at: datetime, last_step: int | None) -> int | None:
    """The time step the code belongs to, if it is good at ``at`` and newer than ``last_step``; else None."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, interval=TOTP_STEP)
    now_step = int(at.timestamp()) // TOTP_STEP
    for step in range(now_step - TOTP_WINDOW, now_step + TOTP_WINDOW + 1):
        if hmac.compare_digest(str(totp.generate_otp(step)), code):
            if last_step is not None and step <= last_step:
                return None  # already used: a code works once
            return step
    return None


# -- tokens sent by mail --------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ResetClaim:
    user_id: str
    fingerprint: str


def password_fingerprint(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "-").encode("utf-8")).hexdigest()[:24]


def _reset_serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt="ponte-password-reset")


def sign_reset(secret: str, user_id: str, password_hash: str | None, at: datetime) -> str:
    """A link's token signed at ``at`` (the time is inside the signed payload)."""
    payload = {"u": user_id, "p": password_fingerprint(password_hash), "t": int(at.timestamp())}
    return str(_reset_serializer(secret).dumps(payload))


def read_reset(secret: str, token: str, at: datetime) -> ResetClaim:
    """The claim of a reset link at ``at``, or an error naming the token when it is forged or too old."""
    try:
        data = _reset_serializer(secret).loads(token)
    except BadSignature as exc:
        raise ValidationError("this link is not valid", field="token", rule="signature") from exc
    if not (
        isinstance(data, dict)
        and isinstance(data.get("u"), str)
        and isinstance(data.get("p"), str)
        and isinstance(data.get("t"), int)
    ):
        raise ValidationError("this link is not valid", field="token", rule="signature")
    if not 0 <= at.timestamp() - data["t"] <= RESET_MAX_AGE:
        raise ValidationError("this link has expired; ask for a new one", field="token", rule="expired")
    return ResetClaim(data["u"], data["p"])

"""SM2 signatures with SM3 (GB/T 32918, GM/T 0009) as the e-port's cards make them, on gmssl.

A card signs ``SM3(Z || message)`` where Z hashes the default user id ``1234567812345678`` with the curve
and the public key; the SignatureValue of a real SM2-signed CEB message is the 64-byte ``r || s`` (a
genuine CEB311 signed through the e-port client carries 64 bytes, KeyName ``03000000000cde6f``). The
certificate is X.509 with an ``id-ecPublicKey`` key on the SM2 curve (1.2.156.10197.1.301), signed
``SM2-with-SM3`` (1.2.156.10197.1.501).
"""

from __future__ import annotations

import binascii
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from asn1crypto import keys, x509
from asn1crypto.algos import DSASignature
from gmssl import sm2

__all__ = ["SM2_CURVE", "SM2_WITH_SM3", "Sm2Key", "certificate", "public_key_of", "raw_to_der", "verify"]

SM2_CURVE = "1.2.156.10197.1.301"
SM2_WITH_SM3 = "1.2.156.10197.1.501"
_TABLE = sm2.default_ecc_table
_N = int(_TABLE["n"], 16)


@dataclass(frozen=True)
class Sm2Key:
    private_hex: str  # 64 hex digits
    public_hex: str  # 128 hex digits: x || y

    @classmethod
    def generate(cls) -> Sm2Key:
        d = secrets.randbelow(_N - 1) + 1
        private = f"{d:064x}"
        return cls(private, sm2.CryptSM2(private_key=private, public_key="")._kg(d, _TABLE["g"]))

    def sign(self, data: bytes) -> bytes:
        """The 64-byte r || s of SM2-with-SM3 over ``data`` (a fresh random k each time)."""
        crypt = sm2.CryptSM2(private_key=self.private_hex, public_key=self.public_hex)
        return binascii.a2b_hex(crypt.sign_with_sm3(data, secrets.token_hex(32)))

    def sign_der(self, data: bytes) -> bytes:
        crypt = sm2.CryptSM2(private_key=self.private_hex, public_key=self.public_hex, asn1=True)
        return binascii.a2b_hex(crypt.sign_with_sm3(data, secrets.token_hex(32)))

    def public_key_info(self) -> keys.PublicKeyInfo:
        return keys.PublicKeyInfo(
            {
                "algorithm": {
                    "algorithm": "ec",
                    "parameters": keys.ECDomainParameters(name="named", value=SM2_CURVE),
                },
                "public_key": binascii.a2b_hex("04" + self.public_hex),
            }
        )


def verify(public_hex: str, signature: bytes, data: bytes) -> bool:
    """An SM2-with-SM3 signature over ``data``, raw (64 bytes) or DER."""
    der = signature[:1] == b"\x30" and len(signature) != 64
    crypt = sm2.CryptSM2(private_key="", public_key=public_hex, asn1=der)
    try:
        return bool(crypt.verify_with_sm3(binascii.b2a_hex(signature).decode(), data))
    except (ValueError, IndexError):
        return False


def raw_to_der(signature: bytes) -> bytes:
    """r || s as the DER SEQUENCE other tools (OpenSSL) read."""
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    return DSASignature({"r": r, "s": s}).dump()  # type: ignore[no-any-return]


def certificate(key: Sm2Key, common_name: str, organization: str, serial: int, days: int = 365) -> bytes:
    """A self-signed SM2 certificate (DER) for the key: what a stand-in card holds."""
    name = x509.Name.build({"common_name": common_name, "organization_name": organization})
    now = datetime.now(UTC).replace(microsecond=0)
    tbs = x509.TbsCertificate(
        {
            "version": "v3",
            "serial_number": serial,
            "signature": {"algorithm": SM2_WITH_SM3},
            "issuer": name,
            "validity": {
                "not_before": x509.Time(name="utc_time", value=now - timedelta(days=1)),
                "not_after": x509.Time(name="utc_time", value=now + timedelta(days=days)),
            },
            "subject": name,
            "subject_public_key_info": key.public_key_info(),
        }
    )
    cert = x509.Certificate(
        {
            "tbs_certificate": tbs,
            "signature_algorithm": {"algorithm": SM2_WITH_SM3},
            "signature_value": key.sign_der(tbs.dump()),
        }
    )
    return cert.dump()  # type: ignore[no-any-return]


def public_key_of(certificate_der: bytes) -> str | None:
    """The SM2 public key (x || y hex) of a certificate, None when it is not an SM2 certificate."""
    cert = x509.Certificate.load(certificate_der)
    info = cert["tbs_certificate"]["subject_public_key_info"]
    params = info["algorithm"]["parameters"]
    if info["algorithm"]["algorithm"].native != "ec" or params.chosen.dotted != SM2_CURVE:
        return None
    point = bytes(info["public_key"])
    return point[1:].hex() if point[:1] == b"\x04" else None

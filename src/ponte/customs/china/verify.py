"""Checking an enveloped signature as customs do: the digest of the message, then the signature over the
canonical SignedInfo with the certificate the KeyInfo carries (RSA-SHA1, or SM2-with-SM3 in either URI
convention). The e-port refuses a message that fails with -621028 (signed data differ) or -621029
(signature does not verify); the simulator uses this to answer the same way.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from ponte.customs.china import sm2
from ponte.customs.china.parse import load_xml
from ponte.customs.china.signer import CONVENTIONS
from ponte.customs.china.spec import DS_NS

__all__ = ["Verified", "verify_message"]

_DIGESTS = {c.digest_method: c.digest for c in CONVENTIONS.values()}
_METHODS = {c.signature_method: c.name for c in CONVENTIONS.values()}


@dataclass(frozen=True)
class Verified:
    ok: bool
    reason: str = ""
    convention: str = ""
    key_name: str = ""


def _text(el: object, path: str) -> str:
    found = el.find(path)  # type: ignore[attr-defined]
    return "".join((found.text or "").split()) if found is not None else ""


def verify_message(message: bytes) -> Verified:
    """Whether the message's ds:Signature holds: digest, then signature value."""
    root = load_xml(message)
    ds = f"{{{DS_NS}}}"
    sig = root.find(f"{ds}Signature")
    if sig is None:
        return Verified(False, "the message carries no ds:Signature")
    si = sig.find(f"{ds}SignedInfo")
    method = sig.find(f".//{ds}SignatureMethod")
    digest_method = sig.find(f".//{ds}DigestMethod")
    if si is None or method is None or digest_method is None:
        return Verified(False, "the signature lacks its SignedInfo")
    convention = _METHODS.get(method.get("Algorithm", ""))
    algo = _DIGESTS.get(digest_method.get("Algorithm", ""))
    if convention is None or algo is None:
        return Verified(False, f"unknown signature method {method.get('Algorithm')!r}")
    key_name = _text(sig, f".//{ds}KeyName")
    try:
        value = base64.b64decode(_text(sig, f"{ds}SignatureValue"), validate=True)
        cert_der = base64.b64decode(_text(sig, f".//{ds}X509Certificate"), validate=True)
        digest = _text(si, f".//{ds}DigestValue")
    except (binascii.Error, ValueError):
        return Verified(False, "SignatureValue or X509Certificate is not base64", convention, key_name)
    signed_info = etree.tostring(si, method="c14n")
    root.remove(sig)
    expected = base64.b64encode(hashlib.new(algo, etree.tostring(root, method="c14n")).digest()).decode()
    if expected != digest:
        return Verified(False, "the digest does not match the message (-621028)", convention, key_name)
    if convention.startswith("sm2"):
        public = sm2.public_key_of(cert_der)
        if public is None:
            return Verified(False, "an SM2 signature needs an SM2 certificate", convention, key_name)
        ok = sm2.verify(public, value, signed_info)
    else:
        try:
            key = x509.load_der_x509_certificate(cert_der).public_key()
        except ValueError:
            return Verified(False, "the certificate is unreadable", convention, key_name)
        if not isinstance(key, rsa.RSAPublicKey):
            return Verified(False, "an RSA signature needs an RSA certificate", convention, key_name)
        try:
            key.verify(value, signed_info, padding.PKCS1v15(), hashes.SHA1())
            ok = True
        except InvalidSignature:
            ok = False
    if not ok:
        return Verified(False, "the signature does not verify (-621029)", convention, key_name)
    return Verified(True, "", convention, key_name)

"""Signing CEB messages (enveloped XML-DSig, C14N 1.0).

A :class:`Signer` turns unsigned message bytes into signed bytes. Two implementations:

* :class:`SoftwareSigner` — signxml with a software RSA key and certificate the enterprise holds,
  RSA-SHA1 with a SHA-1 digest as real messages use it (the only RSA convention seen on the e-port).
* :class:`DeviceSigner` — writes the SignedInfo itself with the algorithm URIs of either convention
  (the 2022 PDF: ``chinaport.gov.cn/2022/04/xmldsig#sm2-sm3`` + SM3 digest; the convention accepted in
  practice: ``xmldsig#sm2-sm3`` + SHA-1 digest; or plain RSA-SHA1) and hands the canonical SignedInfo
  bytes to a pluggable device function (the customs-issued key in a smart card or crypto server).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import DigestAlgorithm, SignatureMethod, XMLSigner
from signxml.algorithms import SignatureConstructionMethod

from ponte.customs.china.parse import load_xml
from ponte.customs.china.spec import DS_NS
from ponte.kernel.errors import ValidationError

C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"


@dataclass(frozen=True)
class Convention:
    name: str
    signature_method: str
    digest_method: str
    digest: str  # hashlib name


CONVENTIONS = {
    "rsa-sha1": Convention(
        "rsa-sha1",
        "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
        "http://www.w3.org/2000/09/xmldsig#sha1",
        "sha1",
    ),
    "sm2-chinaport-2022": Convention(
        "sm2-chinaport-2022",
        "http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3",
        "http://www.chinaport.gov.cn/2022/04/xmldsig#sm3",
        "sm3",
    ),
    "sm2-practice": Convention(
        "sm2-practice",
        "http://www.w3.org/2000/09/xmldsig#sm2-sm3",
        "http://www.w3.org/2000/09/xmldsig#sha1",
        "sha1",
    ),
}


class Signer(Protocol):
    def sign(self, message: bytes) -> bytes: ...

    def sign_data(self, data: str) -> tuple[bytes, str]: ...


def _strip_signature(root: etree._Element) -> None:
    for sig in root.findall(f"{{{DS_NS}}}Signature"):
        root.remove(sig)


def _serialize(root: etree._Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="utf-8")


class _EportXMLSigner(XMLSigner):
    """signxml refuses SHA-1 unless told otherwise; the e-port's RSA convention is RSA-SHA1 with a
    SHA-1 digest (ceb-messages.md §9), which is what the customs side verifies."""

    def check_deprecated_methods(self) -> None:
        return None


class SoftwareSigner:
    """XML-DSig with a software key through signxml (enveloped, C14N 1.0, KeyName + X509Certificate)."""

    def __init__(
        self, key_pem: bytes, cert_pem: bytes, *, convention: str = "rsa-sha1", key_name: str = ""
    ) -> None:
        if convention != "rsa-sha1":
            raise ValidationError(
                f"a software RSA key signs with the rsa-sha1 convention, not {convention!r}",
                field="convention",
                rule="signature-convention",
            )
        # loading (and checking) an RSA key costs tens of milliseconds: done once, not per message
        try:
            key = load_pem_private_key(key_pem, password=None)
            cert = x509.load_pem_x509_certificate(cert_pem)
        except (ValueError, TypeError) as exc:
            raise ValidationError(f"unreadable key or certificate: {exc}", field="key", rule="pem") from None
        if not isinstance(key, RSAPrivateKey):
            raise ValidationError("the software signer needs an RSA key", field="key", rule="rsa-key")
        public = cert.public_key()
        if (
            not isinstance(public, rsa.RSAPublicKey)
            or public.public_numbers() != key.public_key().public_numbers()
        ):
            raise ValidationError("the certificate is not the key's", field="certificate", rule="key-pair")
        self.key = key
        self.cert_pem = cert_pem
        # KeyName: the certificate number, as the e-port card reports it (its serial, in hex)
        self.key_name = key_name or format(cert.serial_number, "x")
        self.signature_method, self.digest_method = SignatureMethod.RSA_SHA1, DigestAlgorithm.SHA1

    def sign_data(self, data: str) -> tuple[bytes, str]:
        """RSA-SHA1 over text (the 179 payment-data answer), with the KeyName, as a card signs it."""
        return self.key.sign(data.encode("utf-8"), padding.PKCS1v15(), hashes.SHA1()), self.key_name

    def sign(self, message: bytes) -> bytes:
        root = load_xml(message)
        _strip_signature(root)
        signer = _EportXMLSigner(
            method=SignatureConstructionMethod.enveloped,
            signature_algorithm=self.signature_method,
            digest_algorithm=self.digest_method,
            c14n_algorithm=C14N,
        )
        signer.namespaces = {"ds": DS_NS}
        signed = signer.sign(
            root, key=self.key, cert=self.cert_pem.decode("ascii"), key_name=self.key_name or None
        )
        return _serialize(signed)


class Device(Protocol):
    """The enterprise's key on its e-port card or UKey (through the e-port client control), or a
    stand-in of it: it signs data as the card does and hands out its certificate."""

    def sign_data(self, data: str) -> tuple[bytes, str]:
        """The signature of ``data`` and the number of the certificate that made it (the KeyName)."""
        ...

    def certificate(self) -> bytes:
        """The signing certificate, DER."""
        ...


class DeviceSigner:
    """Writes the SignedInfo with the URIs of ``convention`` and has the device sign its canonical form.

    As real integrations do (ceb-messages.md §9): DigestValue = base64(digest of the C14N of the message
    without its signature); the ds:Signature is appended as the root's last child; the SignedInfo is
    canonicalised with inclusive C14N, so it carries every namespace in scope (``ceb``, ``ds`` and the
    root's ``xsi``), and those bytes go to the card; KeyInfo holds the KeyName the card reports and the
    certificate."""

    def __init__(self, device: Device, *, convention: str = "sm2-practice") -> None:
        if convention not in CONVENTIONS:
            raise ValidationError(
                f"unknown signature convention {convention!r}",
                field="convention",
                rule="signature-convention",
            )
        self.device, self.conv = device, CONVENTIONS[convention]
        self._cert: bytes | None = None

    def sign_data(self, data: str) -> tuple[bytes, str]:
        """The card's signature over text (the 179 payment-data answer) and its certificate number."""
        return self.device.sign_data(data)

    def _certificate(self) -> bytes:
        if self._cert is None:
            self._cert = self.device.certificate()
        return self._cert

    def sign(self, message: bytes) -> bytes:
        root = load_xml(message)
        _strip_signature(root)
        digest = hashlib.new(self.conv.digest, etree.tostring(root, method="c14n")).digest()
        ds = f"{{{DS_NS}}}"
        sig = etree.SubElement(root, f"{ds}Signature", nsmap={"ds": DS_NS})
        si = etree.SubElement(sig, f"{ds}SignedInfo")
        etree.SubElement(si, f"{ds}CanonicalizationMethod", Algorithm=C14N)
        etree.SubElement(si, f"{ds}SignatureMethod", Algorithm=self.conv.signature_method)
        ref = etree.SubElement(si, f"{ds}Reference", URI="")
        etree.SubElement(etree.SubElement(ref, f"{ds}Transforms"), f"{ds}Transform", Algorithm=ENVELOPED)
        etree.SubElement(ref, f"{ds}DigestMethod", Algorithm=self.conv.digest_method)
        etree.SubElement(ref, f"{ds}DigestValue").text = base64.b64encode(digest).decode()
        value = etree.SubElement(sig, f"{ds}SignatureValue")
        ki = etree.SubElement(sig, f"{ds}KeyInfo")
        key_name = etree.SubElement(ki, f"{ds}KeyName")
        etree.SubElement(
            etree.SubElement(ki, f"{ds}X509Data"), f"{ds}X509Certificate"
        ).text = base64.b64encode(self._certificate()).decode()
        signature, cert_no = self.device.sign_data(etree.tostring(si, method="c14n").decode("utf-8"))
        value.text = base64.b64encode(signature).decode()
        key_name.text = cert_no
        return _serialize(root)


def verify_digest(message: bytes) -> bool:
    """True when the enveloped DigestValue matches the document (any of the known digest URIs)."""
    root = load_xml(message)
    sig = root.find(f"{{{DS_NS}}}Signature")
    if sig is None:
        return False
    method = sig.find(f".//{{{DS_NS}}}DigestMethod")
    value = sig.find(f".//{{{DS_NS}}}DigestValue")
    if method is None or value is None:
        return False
    names = {c.digest_method: c.digest for c in CONVENTIONS.values()}
    algo = names.get(method.get("Algorithm", ""))
    if algo is None:
        return False
    root.remove(sig)
    return base64.b64encode(hashlib.new(algo, etree.tostring(root, method="c14n")).digest()).decode() == (
        (value.text or "").strip()
    )


def demo_credentials(common_name: str = "Ponte demo signer") -> tuple[bytes, bytes]:
    """A throw-away self-signed RSA key and certificate (PEM) for tests and the development demo; never
    for customs (``bootstrap`` hands it out only when PONTE_ENV=development)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)

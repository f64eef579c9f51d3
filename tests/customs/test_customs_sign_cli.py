from __future__ import annotations

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509 import load_pem_x509_certificate
from customs_factory import NOW, TRANSFER, make_order
from lxml import etree
from signxml import SignatureConfiguration, SignatureMethod, XMLVerifier
from signxml.algorithms import DigestAlgorithm

from ponte.customs.china.build import build
from ponte.customs.china.declare import build_order
from ponte.customs.china.signer import CONVENTIONS, DeviceSigner, verify_digest


def _inventory() -> bytes:
    return build("621", build_order(make_order(9, "import", "1210"), TRANSFER, now=NOW)["621"])


def test_software_signature_verifies_with_signxml(demo_signer, xsd):
    signer, _, cert = demo_signer
    signed = signer.sign(_inventory())
    assert xsd["import"].validate(etree.fromstring(signed))
    sha1 = SignatureConfiguration(
        signature_methods=frozenset({SignatureMethod.RSA_SHA1}),
        digest_algorithms=frozenset({DigestAlgorithm.SHA1}),
    )
    XMLVerifier().verify(signed, x509_cert=cert.decode(), expect_config=sha1)
    assert b"http://www.w3.org/2000/09/xmldsig#rsa-sha1" in signed
    assert verify_digest(signed)
    tampered = signed.replace(b"<ceb:packNo>1</ceb:packNo>", b"<ceb:packNo>2</ceb:packNo>")
    assert not verify_digest(tampered)


def test_device_signer_writes_either_convention(demo_signer):
    _, key_pem, cert_pem = demo_signer
    key = serialization.load_pem_private_key(key_pem, None)
    cert = load_pem_x509_certificate(cert_pem)
    device = lambda data: key.sign(data, padding.PKCS1v15(), hashes.SHA1())  # noqa: E731
    signed = DeviceSigner(
        device, cert.public_bytes(serialization.Encoding.DER), convention="rsa-sha1", key_name="01691f7f"
    ).sign(_inventory())
    cfg = SignatureConfiguration(
        signature_methods=frozenset({SignatureMethod.RSA_SHA1}),
        digest_algorithms=frozenset({DigestAlgorithm.SHA1}),
    )
    XMLVerifier().verify(signed, x509_cert=cert_pem.decode(), expect_config=cfg)
    for name in ("sm2-chinaport-2022", "sm2-practice"):
        raw = DeviceSigner(lambda d: b"x", b"cert", convention=name).sign(_inventory())
        assert CONVENTIONS[name].signature_method.encode() in raw
        assert verify_digest(raw)

from __future__ import annotations

from customs_factory import NOW, TRANSFER, make_order
from lxml import etree
from signxml import SignatureConfiguration, SignatureMethod, XMLVerifier
from signxml.algorithms import DigestAlgorithm

from ponte.customs.china.build import build
from ponte.customs.china.declare import build_order
from ponte.customs.china.signer import verify_digest
from ponte.customs.china.verify import verify_message


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
    assert verify_message(signed).ok  # what the simulator, like customs, checks
    tampered = signed.replace(b"<ceb:packNo>1</ceb:packNo>", b"<ceb:packNo>2</ceb:packNo>")
    assert not verify_digest(tampered)

"""Signing through the e-port client control (its local stand-in, real SM2 from gmssl): SM2 in both URI
conventions verified by OpenSSL, RSA-SHA1 verified by signxml, and Ponte's own verifier catching what
customs would refuse."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

import pytest
from customs_factory import NOW, TRANSFER, make_order
from lxml import etree
from signxml import SignatureConfiguration, SignatureMethod, XMLVerifier
from signxml.algorithms import DigestAlgorithm

from ponte.bootstrap import Platform
from ponte.customs.adapters.eport_client import EportClientDevice, EportClientError
from ponte.customs.adapters.eport_stand_in import SoftCard, StandIn
from ponte.customs.china import sm2
from ponte.customs.china.build import build
from ponte.customs.china.declare import build_order
from ponte.customs.china.profile import Signing
from ponte.customs.china.signer import CONVENTIONS, DeviceSigner
from ponte.customs.china.spec import DS_NS
from ponte.customs.china.verify import verify_message
from ponte.customs.service import SigningMaterial
from ponte.platform.settings import Settings

DS = f"{{{DS_NS}}}"


def _inventory() -> bytes:
    return build("621", build_order(make_order(9, "import", "1210"), TRANSFER, now=NOW)["621"])


@pytest.fixture(scope="module")
def sm2_card():  # type: ignore[no-untyped-def]
    with StandIn(SoftCard("sm2")) as stand_in:
        yield stand_in


@pytest.fixture(scope="module")
def rsa_card():  # type: ignore[no-untyped-def]
    with StandIn(SoftCard("rsa")) as stand_in:
        yield stand_in


def _openssl_verify(signed: bytes, tmp: Path) -> None:
    """OpenSSL, independent of Ponte and gmssl, checks the SM2 signature over the canonical SignedInfo."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    root = etree.fromstring(signed)
    sig = root.find(f"{DS}Signature")
    signed_info = etree.tostring(sig.find(f"{DS}SignedInfo"), method="c14n")
    value = base64.b64decode(sig.find(f"{DS}SignatureValue").text)
    cert = base64.b64decode(sig.find(f".//{DS}X509Certificate").text)
    assert len(value) == 64  # r || s, as real SM2-signed messages carry
    (tmp / "si").write_bytes(signed_info)
    (tmp / "sig.der").write_bytes(sm2.raw_to_der(value))
    (tmp / "cert.der").write_bytes(cert)
    run = lambda *a: subprocess.run(["openssl", *a], capture_output=True, text=True, cwd=tmp, check=False)  # noqa: E731
    assert (
        run("x509", "-inform", "DER", "-in", "cert.der", "-pubkey", "-noout", "-out", "pub.pem").returncode
        == 0
    )
    out = run(
        "dgst",
        "-sm3",
        "-verify",
        "pub.pem",
        "-signature",
        "sig.der",
        "-sigopt",
        "distid:1234567812345678",
        "si",
    )
    assert out.returncode == 0 and "Verified OK" in out.stdout, out.stdout + out.stderr
    (tmp / "si").write_bytes(signed_info.replace(b"Reference", b"Referencf"))
    bad = run(
        "dgst",
        "-sm3",
        "-verify",
        "pub.pem",
        "-signature",
        "sig.der",
        "-sigopt",
        "distid:1234567812345678",
        "si",
    )
    assert bad.returncode != 0


@pytest.mark.parametrize("convention", ["sm2-practice", "sm2-chinaport-2022"])
def test_sm2_through_the_client_control_verifies_with_openssl(sm2_card, convention, tmp_path, xsd) -> None:  # type: ignore[no-untyped-def]
    device = EportClientDevice(sm2_card.url, "88888888")
    signed = DeviceSigner(device, convention=convention).sign(_inventory())
    assert xsd["import"].validate(etree.fromstring(signed)), xsd["import"].error_log.last_error
    c = CONVENTIONS[convention]
    assert c.signature_method.encode() in signed and c.digest_method.encode() in signed
    assert f"<ds:KeyName>{sm2_card.card.cert_no}</ds:KeyName>".encode() in signed
    assert b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' in signed.split(b">", 2)[1]
    _openssl_verify(signed, tmp_path)
    assert verify_message(signed).ok
    tampered = signed.replace(b"<ceb:packNo>1</ceb:packNo>", b"<ceb:packNo>2</ceb:packNo>")
    assert "-621028" in verify_message(tampered).reason


def test_rsa_sha1_through_the_client_control_verifies_with_signxml(rsa_card) -> None:  # type: ignore[no-untyped-def]
    signed = DeviceSigner(EportClientDevice(rsa_card.url, "88888888"), convention="rsa-sha1").sign(
        _inventory()
    )
    cert = base64.b64decode(etree.fromstring(signed).find(f".//{DS}X509Certificate").text)
    pem = "-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(cert).decode() + "-----END CERTIFICATE-----\n"
    cfg = SignatureConfiguration(
        signature_methods=frozenset({SignatureMethod.RSA_SHA1}),
        digest_algorithms=frozenset({DigestAlgorithm.SHA1}),
    )
    XMLVerifier().verify(signed, x509_cert=pem, expect_config=cfg)
    assert verify_message(signed).ok
    forged = signed.replace(b"<ds:SignatureValue>", b"<ds:SignatureValue>AAAA")
    assert not verify_message(forged).ok


def test_a_wrong_pin_or_no_control_is_an_error_naming_the_device(sm2_card) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(EportClientError) as exc:
        EportClientDevice(sm2_card.url, "00000000").sign_data("x")
    assert exc.value.rule == "signing-device" and "PIN" in exc.value.message
    with pytest.raises(EportClientError) as exc:
        EportClientDevice("ws://127.0.0.1:9", timeout=1).certificate()
    assert exc.value.field == "signing.device_url"
    assert EportClientDevice(sm2_card.url).card_id() == sm2_card.card.card_id


def test_bootstrap_builds_the_device_signer_from_the_profile(sm2_card) -> None:  # type: ignore[no-untyped-def]
    from journey_factory import profile

    p = profile().model_copy(
        update={"signing": Signing(method="device", convention="sm2-practice", device_url=sm2_card.url)}
    )
    material = SigningMaterial("tnt_x", p, None, "88888888", NOW)
    platform = Platform(Settings())
    signer = platform.customs_signer(material)
    assert platform.customs_signer(material) is signer  # built once per profile version
    assert verify_message(signer.sign(_inventory())).ok

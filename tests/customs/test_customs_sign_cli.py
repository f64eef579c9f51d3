from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509 import load_pem_x509_certificate
from customs_factory import NOW, TRANSFER, make_order
from lxml import etree
from signxml import SignatureConfiguration, SignatureMethod, XMLVerifier
from signxml.algorithms import DigestAlgorithm
from typer.testing import CliRunner

from ponte.cli import app
from ponte.customs.china.build import build
from ponte.customs.china.declare import build_order
from ponte.customs.china.signer import CONVENTIONS, DeviceSigner, verify_digest


def _inventory() -> bytes:
    return build("621", build_order(make_order(9, "import", "1210"), TRANSFER, now=NOW)["621"])


def test_software_signature_verifies_with_signxml(demo_signer, xsd):
    signer, _, cert = demo_signer
    signed = signer.sign(_inventory())
    assert xsd["import"].validate(etree.fromstring(signed))
    XMLVerifier().verify(signed, x509_cert=cert.decode())
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


def test_cli_declare_and_check(tmp_path):
    orders = [
        json.loads(make_order(i, d, m).model_dump_json())
        for i, (d, m) in enumerate([("export", "9710"), ("import", "9610"), ("import", "1210")])
    ]
    src = tmp_path / "orders.json"
    src.write_text(json.dumps(orders, ensure_ascii=False), "utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["declare", str(src), "--out", str(tmp_path / "out"), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["messages"] == 12 and (tmp_path / "out" / "summary.json").exists()
    files = sorted(str(p) for p in (tmp_path / "out").rglob("CEB*.xml"))
    res = runner.invoke(app, ["declare", "--check", *files, "--json"])
    assert res.exit_code == 0 and all(r["ok"] for r in json.loads(res.stdout))
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<ceb:CEB311Message xmlns:ceb='http://www.chinaport.gov.cn/ceb'>")
    res = runner.invoke(app, ["declare", "--check", str(bad)])
    assert res.exit_code == 2 and "Traceback" not in res.output


@pytest.mark.parametrize("content,rule", [('[{"order_no": "X"}]', "missing"), ("{oops", "json")])
def test_cli_declare_bad_orders_exit_2(tmp_path, content, rule):
    src = tmp_path / "orders.json"
    src.write_text(content)
    res = CliRunner().invoke(app, ["declare", str(src), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and rule in res.output


def test_cli_check_finds_documents_that_disagree(tmp_path):
    orders = [json.loads(make_order(77, "import", "9610").model_dump_json())]
    src = tmp_path / "orders.json"
    src.write_text(json.dumps(orders, ensure_ascii=False), "utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["declare", str(src), "--out", str(tmp_path / "out")]).exit_code == 0
    payment = next((tmp_path / "out").rglob("CEB411Message.xml"))
    text = payment.read_text("utf-8")
    payment.write_text(
        text.replace("<ceb:payerName>李雷</ceb:payerName>", "<ceb:payerName>韩梅梅</ceb:payerName>")
    )
    files = sorted(str(p) for p in (tmp_path / "out").rglob("CEB*.xml"))
    res = runner.invoke(app, ["declare", "--check", *files, "--json"])
    assert res.exit_code == 2
    bad = [r for r in json.loads(res.stdout) if not r["ok"]]
    assert [r["message"] for r in bad] == ["CEB411Message"]
    assert bad[0]["violations"][0]["rule"] == "three-documents:payer"

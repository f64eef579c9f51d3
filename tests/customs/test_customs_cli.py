"""`ponte declare` on Ponte's own orders dataset: the simulator's files, the consolidation plan, bad
input answered with exit 2 naming the file, the field and the rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from journey_factory import profile, waybill_of
from lxml import etree
from typer.testing import CliRunner

from ponte.cli import app
from ponte.customs.china.signer import demo_credentials
from ponte.orders import dataset
from ponte.orders.core import Order

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("sim") / "o.parquet"
    res = runner.invoke(app, ["simulate", "--orders", "60", "--seed", "3", "--days", "3", "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


def _records(path: Path) -> list[Order]:
    return [r for r in dataset.records(dataset.read_tables(path)) if isinstance(r, Order)]


def test_without_a_plan_every_order_waits_for_its_waybill(corpus: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["declare", str(corpus), "--out", str(tmp_path / "d"), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["declared"] == [] and doc["messages"] == 0 and len(doc["waiting"]) == 60
    assert all("waybill-required" in {r["rule"] for r in w["reasons"]} for w in doc["waiting"])
    assert json.loads((tmp_path / "d" / "summary.json").read_text()) == doc


def _plan(records: list[Order]) -> dict:  # type: ignore[type-arg]
    """A plan in the shape `ponte consolidate --json` prints per order (parcel, waybills, flight)."""
    entries = []
    for i, o in enumerate(records):
        w = waybill_of(o, i)
        entries.append(
            {
                "order_id": o.id,
                "parcel": {"gross_kg": str(o.net_weight.kg + 1), "net_kg": str(o.net_weight.kg)},
                "waybill": {
                    "house": w.house,
                    "master": w.master,
                    "flight": w.flight,
                    "carrier": w.carrier,
                    "origin": w.origin,
                    "destination": w.destination,
                },
            }
        )
    return {"orders": entries, "flights": []}


def test_with_plan_profile_and_key_the_exports_are_written_and_xsd_valid(corpus, tmp_path, xsd) -> None:  # type: ignore[no-untyped-def]
    records = _records(corpus)
    key, cert = demo_credentials()
    (tmp_path / "k.pem").write_bytes(key)
    (tmp_path / "c.pem").write_bytes(cert)
    (tmp_path / "plan.json").write_text(json.dumps(_plan(records)))
    (tmp_path / "profile.yaml").write_text(
        yaml.safe_dump(json.loads(profile(cert.decode()).model_dump_json()), allow_unicode=True)
    )
    args = [
        "declare",
        str(corpus),
        "--out",
        str(tmp_path / "d"),
        "--plan",
        str(tmp_path / "plan.json"),
        "--profile",
        str(tmp_path / "profile.yaml"),
        "--key",
        str(tmp_path / "k.pem"),
        "--cert",
        str(tmp_path / "c.pem"),
        "--json",
    ]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    paid_exports = {o.id for o in records if o.direction == "export" and o.payment is not None}
    assert {d["order_id"] for d in doc["declared"]} == paid_exports
    reasons = {w["order_id"]: {r["rule"] for r in w["reasons"]} for w in doc["waiting"]}
    for o in records:
        if o.direction == "import":
            assert "import-tax-required" in reasons[o.id]
        elif o.payment is None:
            assert "payment-required" in reasons[o.id]
    files = sorted((tmp_path / "d").rglob("CEB*.xml"))
    assert len(files) == 4 * len(paid_exports) == doc["messages"]
    for f in files:
        assert xsd["export"].validate(etree.parse(str(f))), (f, xsd["export"].error_log.last_error)
    res = runner.invoke(app, ["declare", "--check", *map(str, files), "--json"])
    assert res.exit_code == 0 and all(r["ok"] for r in json.loads(res.stdout))


def test_a_binary_or_wrong_columns_file_is_exit_2_naming_file_field_and_rule(corpus, tmp_path) -> None:  # type: ignore[no-untyped-def]
    binary = tmp_path / "x.parquet"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00garbage")
    res = runner.invoke(app, ["declare", str(binary), "--out", str(tmp_path / "d"), "--json"])
    assert res.exit_code == 2 and "Traceback" not in res.output
    doc = json.loads(res.stdout)
    assert doc["ok"] is False and doc["violations"][0]["field"] == "x.parquet"
    assert doc["violations"][0]["rule"] == "parquet"
    wrong = tmp_path / "w.csv"
    wrong.write_text("a,b\n1,2\n")
    res = runner.invoke(app, ["declare", str(wrong), "--out", str(tmp_path / "d")])
    assert res.exit_code == 2 and "w.csv" in res.output and "Traceback" not in res.output
    plan = tmp_path / "p.json"
    plan.write_text("{not json")
    res = runner.invoke(
        app, ["declare", str(corpus), "--out", str(tmp_path / "d"), "--plan", str(plan), "--json"]
    )
    assert res.exit_code == 2 and json.loads(res.stdout)["violations"][0]["rule"] == "json"


def test_the_demo_key_is_refused_outside_development(corpus, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ponte.bootstrap import reset

    monkeypatch.setenv("PONTE_ENV", "test")
    reset()
    try:
        res = runner.invoke(
            app, ["declare", str(corpus), "--out", str(tmp_path / "d"), "--demo-key", "--json"]
        )
    finally:
        reset()
    assert res.exit_code == 2 and json.loads(res.stdout)["violations"][0]["rule"] == "development-only"


def test_check_finds_documents_that_disagree(tmp_path, demo_signer) -> None:  # type: ignore[no-untyped-def]
    from customs_factory import NOW, TRANSFER, make_order

    from ponte.customs.china.build import build
    from ponte.customs.china.declare import build_order

    for kind, data in build_order(make_order(77, "import", "9610"), TRANSFER, now=NOW).items():
        raw = build(kind, data)
        (tmp_path / f"CEB{kind}Message.xml").write_bytes(demo_signer[0].sign(raw) if kind == "621" else raw)
    payment = tmp_path / "CEB411Message.xml"
    payment.write_text(
        payment.read_text("utf-8").replace(
            "<ceb:payerName>李雷</ceb:payerName>", "<ceb:payerName>韩梅梅</ceb:payerName>"
        ),
        "utf-8",
    )
    res = runner.invoke(
        app, ["declare", "--check", *sorted(str(p) for p in tmp_path.glob("*.xml")), "--json"]
    )
    assert res.exit_code == 2
    bad = [r for r in json.loads(res.stdout) if not r["ok"]]
    assert [r["message"] for r in bad] == ["CEB411Message"]
    assert bad[0]["violations"][0]["rule"] == "three-documents:payer"


def test_the_chain_simulate_declare_consolidate_reads_the_real_plan(corpus, tmp_path) -> None:  # type: ignore[no-untyped-def]
    res = runner.invoke(app, ["declare", str(corpus), "--out", str(tmp_path / "d")])
    assert res.exit_code == 0, res.output
    plan = runner.invoke(app, ["consolidate", str(corpus), "--json"])
    assert plan.exit_code == 0, plan.output
    (tmp_path / "plan.json").write_text(plan.stdout)
    res = runner.invoke(
        app,
        [
            "declare",
            str(corpus),
            "--out",
            str(tmp_path / "d2"),
            "--plan",
            str(tmp_path / "plan.json"),
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    planned = {a["order"] for a in json.loads(plan.stdout).get("assignments", [])}
    reasons = {w["order_id"]: {r["rule"] for r in w["reasons"]} for w in doc["waiting"]}
    # an order the plan placed no longer waits for its waybill; what the plan lacks is named, not invented
    assert planned and all("waybill-required" not in reasons.get(o, set()) for o in planned)

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ponte.customs.china.build import build
from ponte.customs.china.parse import parse
from ponte.customs.china.receipts import fold, parse_receipt, status_info
from ponte.customs.china.specgen import generate
from ponte.customs.china.validate import check_bytes
from ponte.kernel.errors import ValidationError
from ponte.kernel.languages import LANGUAGES as LANGS

DESCRIPTIONS = Path(__file__).parents[2] / "src" / "ponte" / "customs" / "china" / "descriptions"


def _manifest(samples: Path) -> dict[str, tuple[str, str]]:
    rows = {}
    for line in (samples / "MANIFEST.md").read_text("utf-8").splitlines():
        m = re.match(r"\| `([^`]+\.xml)` \| (\S+) \| (\S+) \| (\S+) \|", line)
        if m:
            rows[m.group(1)] = (m.group(3), m.group(4))
    return rows


@pytest.mark.parametrize("direction", ["export", "import"])
def test_shipped_description_matches_official_xsd(xsd, direction):
    base = Path(__file__).parents[2] / ".." / "shared" / "ceb" / "xsd"
    fresh = generate(base / f"ceb-{direction}-202205.xsd", direction)
    shipped = json.loads((DESCRIPTIONS / f"ceb-{direction}-202205.json").read_text("utf-8"))
    assert fresh == shipped


def test_schema_valid_samples_round_trip(samples):
    manifest = _manifest(samples)
    done = 0
    for name, (v2022, _) in manifest.items():
        if v2022 != "valid":
            continue
        p = parse((samples / name).read_bytes(), lenient=True)
        assert not p.violations, (name, p.violations)
        body = {k: v for k, v in p.data.items() if k != "_extra"}
        again = parse(build(p.code, body), lenient=True)
        assert again.data == body, name
        done += 1
    assert done >= 60


def test_defective_samples_are_rejected_precisely(samples):
    r = check_bytes((samples / "official2022_export_CEB303Message.xml").read_bytes())
    rules = {(v.field, v.rule) for v in r.violations}
    assert ("CEB303Message/BaseTransfer", "maxOccurs") in rules
    assert ("CEB303Message/Order[1]/OrderList[1]/unit", "code-list:unit") in rules
    r = check_bytes((samples / "official2022_export_CEB214Message.xml").read_bytes())
    assert not r.ok and "unknown CEB message type 'CEB214'" in r.error
    r = check_bytes((samples / "official2022_export_CEB792Message.xml").read_bytes())
    assert ("CEB792Message/SummaryResult[1]/SummaryResultList[1]/gseqno", "required") in {
        (v.field, v.rule) for v in r.violations
    }
    r = check_bytes((samples / "official2018_import_CEB311Message.xml").read_bytes())
    assert ("CEB311Message/Order[1]/OrderList[2]/totalPrice", "line-total") in {
        (v.field, v.rule) for v in r.violations
    }
    r = check_bytes((samples / "official2018_import_CEB621Message.xml").read_bytes())
    assert ("CEB621Message/Inventory[1]/InventoryHead/packNo", "fixed") in {
        (v.field, v.rule) for v in r.violations
    }
    r = check_bytes((samples / "official2018_export_CEB603Message.xml").read_bytes())
    got = {(v.field, v.rule) for v in r.violations}
    assert ("CEB603Message/Inventory[1]/InventoryHead/ieFlag", "code-list:ieFlag") in got
    assert ("CEB603Message/Inventory[1]/InventoryHead/tradeMode", "code-list:tradeMode") in got


@pytest.mark.parametrize(
    "raw,rule,text",
    [
        (b"", "well-formed", "empty"),
        (
            b"<ceb:CEB311Message xmlns:ceb='http://www.chinaport.gov.cn/ceb' guid='x'><ceb:Order>",
            "well-formed",
            "truncated",
        ),
        (b"<CEB311Message xmlns='urn:other'/>", "namespace", "expected http://www.chinaport.gov.cn/ceb"),
        (
            b"<CEB999Message xmlns='http://www.chinaport.gov.cn/ceb'/>",
            "message-type",
            "unknown CEB message type",
        ),
        (b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>", "no-dtd", "DTDs"),
        (b"not xml at all", "well-formed", "line 1"),
    ],
)
def test_bad_input_gets_a_clear_error(raw, rule, text):
    with pytest.raises(ValidationError) as exc:
        parse(raw)
    assert exc.value.violations[0].rule == rule
    assert text in str(exc.value)
    report = check_bytes(raw)
    assert not report.ok and report.error


def test_receipts_map_to_states_in_four_languages(samples):
    ev = parse_receipt((samples / "realworld_DxpMsgSv_CEB312Message_2017.xml").read_bytes())
    assert len(ev) == 1 and ev[0].answers == "311" and ev[0].state in ("declared", "accepted", "rejected")
    rej = parse_receipt((samples / "mock_CEB312Message_status100_rejected.xml").read_bytes())[0]
    assert (
        rej.state == "rejected" and rej.code == "13035" and rej.meaning("pt-BR") == "rejeitado pela alfândega"
    )
    seq = [
        parse_receipt((samples / f"mock_CEB622Message_{n}.xml").read_bytes())[0]
        for n in ("status800_released", "status2_declared", "status120_logic_ok")
    ]
    assert fold(seq) == "released"  # out of order, folded by returnTime
    assert fold([*seq, seq[0]]) == "released"  # duplicates are harmless
    tax = parse_receipt((samples / "mock_CEB816Message_tax.xml").read_bytes())[0]
    assert tax.fields.get("orderNo") and tax.state == "taxed"
    for lang in LANGS:
        assert status_info("800")[lang]
    assert status_info("-621005")["state"] == "error"


def test_every_schema_valid_receipt_sample_parses(samples):
    for name, (v2022, _) in _manifest(samples).items():
        root = name.split("_")[-1]
        if v2022 == "valid" and re.match(
            r"CEB(304|404|506|508|510|604|606|608|702|312|412|512|514|622|624|626|712|"
            r"214|216)Message",
            root,
        ):
            events = parse_receipt((samples / name).read_bytes())
            assert events and all(e.key for e in events), name

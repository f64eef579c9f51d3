from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from customs_factory import NOW, TRANSFER, make_order
from lxml import etree

from ponte.customs.china.build import build
from ponte.customs.china.declare import build_order
from ponte.customs.china.validate import validate_message, validate_set

MODES = [("export", m) for m in ("9610", "9710", "9810", "1210")] + [("import", m) for m in ("9610", "1210")]


def _xsd_errors(schema, raw: bytes) -> list[str]:
    ok = schema.validate(etree.fromstring(raw))
    return [] if ok else [str(e) for e in schema.error_log][:3]


@pytest.mark.parametrize("direction,mode", MODES)
def test_many_generated_orders_are_xsd_valid_and_pass_rules(xsd, demo_signer, direction, mode):
    signer = demo_signer[0]
    for seed in range(25):
        order = make_order(seed, direction, mode)
        msgs = build_order(order, TRANSFER, now=NOW)
        assert validate_set(msgs) == [], (seed, validate_set(msgs))
        for code, data in msgs.items():
            raw = build(code, data)
            if code in ("621",):  # the import inventory must carry ds:Signature (XSD 1..1)
                raw = signer.sign(raw)
            assert _xsd_errors(xsd[direction], raw) == [], (seed, code, _xsd_errors(xsd[direction], raw))


def test_building_twice_is_identical_and_revisions_change_guids():
    order = make_order(7, "import", "9610")
    a = build_order(order, TRANSFER, now=NOW)
    b = build_order(order, TRANSFER, now=NOW)
    c = build_order(order, TRANSFER, now=NOW, revision=1)
    assert build("311", a["311"]) == build("311", b["311"])
    assert a["311"]["guid"] != c["311"]["guid"]


def test_escaping_keeps_text_exact(xsd):
    order = make_order(3, "export", "9610")
    msgs = build_order(order, TRANSFER, now=NOW)
    msgs["303"]["Order"][0]["OrderList"][0]["itemName"] = "A <b> & \"c\" 'd'"
    raw = build("303", msgs["303"])
    el = etree.fromstring(raw)
    names = el.findall(".//{http://www.chinaport.gov.cn/ceb}itemName")
    assert names[0].text == "A <b> & \"c\" 'd'"
    assert xsd["export"].validate(el)


def _paths(violations):
    return {(v.field, v.rule) for v in violations}


def test_mutations_name_message_field_and_rule():
    order = make_order(11, "import", "9610")
    msgs = build_order(order, TRANSFER, now=NOW)

    m = copy.deepcopy(msgs)
    m["311"]["Order"][0]["OrderHead"]["goodsValue"] += Decimal("1")
    got = _paths(validate_set(m))
    assert ("CEB311Message/Order[1]/OrderHead/goodsValue", "goods-value-total") in got
    assert ("CEB311Message/Order[1]/OrderHead/acturalPaid", "actural-paid") in got

    m = copy.deepcopy(msgs)
    m["411"]["Payment"][0]["PaymentHead"]["payerName"] = "韩梅梅"
    assert ("CEB411Message/Payment[1]/PaymentHead/payerName", "three-documents:payer") in _paths(
        validate_set(m)
    )

    m = copy.deepcopy(msgs)
    m["511"]["Logistics"][0]["LogisticsHead"]["consigneeAddress"] = "另一个地址"
    assert (
        "CEB511Message/Logistics[1]/LogisticsHead/consigneeAddress",
        "three-documents:consignee",
    ) in _paths(validate_set(m))

    m = copy.deepcopy(msgs)
    m["621"]["Inventory"][0]["InventoryList"][0]["country"] = "999"
    assert ("CEB621Message/Inventory[1]/InventoryList[1]/country", "code-list:country") in _paths(
        validate_set(m)
    )

    m = copy.deepcopy(msgs)
    m["311"]["Order"][0]["OrderHead"]["buyerName"] = "长" * 61
    assert ("CEB311Message/Order[1]/OrderHead/buyerName", "maxLength") in _paths(validate_set(m))

    m = copy.deepcopy(msgs)
    m["311"]["Order"][0]["OrderHead"]["guid"] = "not-a-guid"
    assert ("CEB311Message/Order[1]/OrderHead/guid", "length") in _paths(validate_set(m))

    m = copy.deepcopy(msgs)
    m["311"]["Order"][0]["OrderHead"]["appTime"] = "20250230120000"
    assert ("CEB311Message/Order[1]/OrderHead/appTime", "format:datetime14") in _paths(validate_set(m))

    m = copy.deepcopy(msgs)
    m["311"]["Order"][0]["OrderHead"]["freight"] = 1.5
    assert ("CEB311Message/Order[1]/OrderHead/freight", "no-float") in _paths(validate_set(m))


def test_export_documents_must_agree():
    order = make_order(5, "export", "9610")
    msgs = build_order(order, TRANSFER, now=NOW)
    m = copy.deepcopy(msgs)
    m["603"]["Inventory"][0]["InventoryHead"]["ebcCode"] = "OTHER00001"
    m["505"]["Logistics"][0]["logisticsNo"] = "SF-OTHER"
    m["403"]["Receipts"][0]["charge"] = Decimal("0.01")
    got = _paths(validate_set(m))
    assert ("CEB603Message/Inventory[1]/InventoryHead/ebcCode", "three-documents:ebcCode") in got
    assert ("CEB603Message/Inventory[1]/InventoryHead/logisticsNo", "three-documents:waybill-exists") in got
    assert ("CEB403Message/Receipts[1]/charge", "three-documents:charge") in got


def test_unknown_element_and_missing_required():
    order = make_order(2, "export", "9610")
    data = build_order(order, TRANSFER, now=NOW)["505"]
    data["Logistics"][0]["colour"] = "red"
    del data["Logistics"][0]["grossWeight"]
    got = _paths(validate_message("505", data))
    assert ("CEB505Message/Logistics[1]/colour", "unknown-element") in got
    assert ("CEB505Message/Logistics[1]/grossWeight", "required") in got

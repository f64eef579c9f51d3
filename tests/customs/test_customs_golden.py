"""Golden files: one message of every kind Ponte writes, built from fixed orders, byte-compared.

Regenerate after an intended change with ``PONTE_UPDATE_GOLDEN=1 pytest tests/customs``."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from customs_factory import NOW, TRANSFER, make_order
from lxml import etree

from ponte.customs.china import followups as f
from ponte.customs.china.build import build
from ponte.customs.china.declare import build_order
from ponte.customs.china.orders import Party
from ponte.customs.china.signer import DeviceSigner
from ponte.customs.china.spec import get_spec
from ponte.customs.china.validate import validate_message

GOLDEN = Path(__file__).parent / "golden"
OP = Party(code="4403980OPR", name="前海监管场所")
SIGNED = {"621", "623", "625", "711"}


class _FixedDevice:
    """A deterministic card (the golden bytes must not change)."""

    def sign_data(self, data: str) -> tuple[bytes, str]:
        return b"SIGNATURE-OVER-" + str(len(data)).encode(), "0001"

    def certificate(self) -> bytes:
        return b"CERT"


def _fixed_signer() -> DeviceSigner:
    return DeviceSigner(_FixedDevice(), convention="sm2-practice")


def all_messages() -> dict[str, dict]:
    exp, imp = make_order(101, "export", "9610"), make_order(102, "import", "9610")
    msgs = {**build_order(exp, TRANSFER, now=NOW), **build_order(imp, TRANSFER, now=NOW)}
    msgs["507"] = f.arrival("ARR0001", [exp], OP, TRANSFER, now=NOW, domestic_traf_no="粤B12345")
    msgs["509"] = f.departure("DEP0001", [exp], TRANSFER, now=NOW, left_at=NOW + timedelta(hours=3))
    msgs["607"] = f.waybill_binding("WB0001", [exp], TRANSFER, now=NOW)
    msgs["701"] = f.summary_application(
        "SUM0001", exp.seller, exp.agent, exp.agent, "5349", ["53492025E000000001"], TRANSFER, now=NOW
    )
    msgs["605"] = f.export_cancel(exp, "53492025E000000001", "买家取消订单", TRANSFER, now=NOW)
    msgs["213"] = f.export_return(exp, "53492025E000000001", "买家退货", TRANSFER, now=NOW)
    msgs["215"] = f.export_return_tally(exp, "53492025E000000001", OP, TRANSFER, now=NOW)
    msgs["513"] = f.waybill_status(imp, NOW + timedelta(days=2), TRANSFER, now=NOW)
    msgs["623"] = f.import_cancel(imp, "53492025I000000001", "订单取消", TRANSFER, now=NOW)
    msgs["625"] = f.import_return(imp, "53492025I000000001", "七天无理由退货", TRANSFER, now=NOW)
    msgs["711"] = f.warehouse_entry("RK0001", [imp], OP, TRANSFER, now=NOW)
    return msgs


MESSAGES = all_messages()


@pytest.mark.parametrize("kind", sorted(MESSAGES))
def test_golden_and_xsd_valid(kind, xsd):
    data = MESSAGES[kind]
    assert validate_message(kind, data, before_signing=True) == []
    raw = build(kind, data)
    if kind in SIGNED:
        raw = _fixed_signer().sign(raw)
    spec = get_spec(kind)
    schema = xsd[spec.direction]
    assert schema.validate(etree.fromstring(raw)), [str(e) for e in schema.error_log][:3]
    path = GOLDEN / f"{spec.code}.xml"
    if os.environ.get("PONTE_UPDATE_GOLDEN") or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(raw)
    assert raw == path.read_bytes()

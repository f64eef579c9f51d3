"""A CEB792 summary result finds its CEB701 summary application through the sumNo the CEB702 gave."""

from __future__ import annotations

import pytest
from customs_factory import NOW, TRANSFER, make_order

from ponte import schema
from ponte.accounts.store import TenantRepository
from ponte.customs import service
from ponte.customs.china import followups
from ponte.customs.china.build import build
from ponte.customs.china.receipts import parse_receipt
from ponte.customs.china.signer import SoftwareSigner, demo_credentials
from ponte.customs.store import CustomsRepository
from ponte.platform.db import Database

GUID = "6F1C2B1E-3D4A-4B5C-8D6E-7F8091A2B3C4"


@pytest.fixture()
def store(tmp_path):  # type: ignore[no-untyped-def]
    database = Database(f"sqlite:///{tmp_path / 'c.db'}")
    schema.create_all(database.engine)
    with database.unit_of_work() as uow:
        tenants = TenantRepository(uow.session)
        a = tenants.add("Glow", "glow", "seller", "CN").id
        b = tenants.add("Yiwu", "yiwu", "seller", "CN").id
        uow.commit()
    yield database, a, b
    database.dispose()


def _summary(cop_no: str, sum_no: str | None = None) -> dict:  # type: ignore[type-arg]
    o = make_order(5, "export", "9610")
    data = followups.summary_application(
        cop_no, o.seller, o.agent, o.agent, "5349", ["534920250000000001"], TRANSFER, now=NOW
    )
    if sum_no:
        data["SummaryApply"][0]["SummaryApplyHead"]["sumNo"] = sum_no
    return data


def _r702(cop_no: str, sum_no: str, status: str = "2") -> bytes:
    row = {
        "guid": GUID,
        "agentCode": "4403960AGT",
        "ebcCode": "44039609AB",
        "copNo": cop_no,
        "preNo": "P20250314000000001",
        "sumNo": sum_no,
        "msgSeqNo": 1,
        "returnStatus": status,
        "returnTime": "20250314110000000",
        "returnInfo": "新增申报成功",
    }
    return build("702", {"guid": GUID, "version": "1.0", "SummaryReturn": [row]})


def _r792(sum_no: str, dec_state: str = "A") -> bytes:
    head = {
        "guid": GUID,
        "customsCode": "5349",
        "sumNo": sum_no,
        "opDate": "20250314120000000",
        "declSeqNo": "S20250314000000001",
        "decState": dec_state,
        "agentCode": "4403960AGT",
        "agentName": "前海报关行",
        "ebcCode": "44039609AB",
        "ebcName": "深圳跨境卖家有限公司",
        "declAgentCode": "4403960AGT",
        "declAgentName": "前海报关行",
        "grossWeight": "1.25",
        "netWeight": "1",
        "msgCount": 1,
        "msgSeqNo": 1,
    }
    return build("792", {"guid": GUID, "version": "1.0", "SummaryResult": [{"SummaryResultHead": head}]})


def _declare(database: Database, tenant: str, data: dict) -> str:  # type: ignore[type-arg]
    key, cert = demo_credentials()
    with database.unit_of_work() as uow:
        decl = service.declare_summary(uow, tenant, data, NOW, signer=SoftwareSigner(key, cert))
        uow.commit()
        return decl.id  # type: ignore[no-any-return]


def _apply(database: Database, tenant: str, raw: bytes) -> list[bool]:
    with database.unit_of_work() as uow:
        result = service.apply_receipt(uow, tenant, raw, NOW)
        uow.commit()
        return [True] * result.matched + [False] * (result.applied - result.matched)


def _state(database: Database, tenant: str, decl_id: str) -> str:
    with database.unit_of_work() as uow:
        return CustomsRepository(uow.session, tenant).get(decl_id).state


def test_792_is_matched_through_the_sum_no_of_the_702(store) -> None:  # type: ignore[no-untyped-def]
    database, a, b = store
    decl = _declare(database, a, _summary("C2025031400001"))
    assert _state(database, a, decl) == "queued"
    assert _apply(database, a, _r702("C2025031400001", "S20250314000000009")) == [True]
    assert _state(database, a, decl) == "declared"
    assert _apply(database, b, _r792("S20250314000000009")) == [False]  # another tenant's number
    assert _apply(database, a, _r792("S20250314000000009")) == [True]
    assert _state(database, a, decl) == "accepted"
    assert _apply(database, a, _r792("S20250314000000009")) == []  # the same result twice
    with database.unit_of_work() as uow:
        receipts = CustomsRepository(uow.session, a).receipts(decl)
        assert [r.receipt for r in receipts] == ["CEB702Message", "CEB792Message"]


def test_792_arriving_before_its_702_is_matched_when_the_702_comes(store) -> None:  # type: ignore[no-untyped-def]
    database, a, _b = store
    decl = _declare(database, a, _summary("C2025031400003"))
    assert _apply(database, a, _r792("S20250314000000010")) == [False]  # no sumNo known yet
    assert _apply(database, a, _r792("S20250314000000010")) == []  # still unknown: nothing new
    assert _apply(database, a, _r702("C2025031400003", "S20250314000000010")) == [True]
    assert _state(database, a, decl) == "accepted"
    with database.unit_of_work() as uow:
        receipts = CustomsRepository(uow.session, a).receipts(decl)
        assert [r.receipt for r in receipts] == ["CEB702Message", "CEB792Message"]


def test_792_with_a_known_status_and_a_re_application(store) -> None:  # type: ignore[no-untyped-def]
    database, a, _b = store
    decl = _declare(database, a, _summary("C2025031400002", sum_no="S20250314000000077"))
    assert _apply(database, a, _r792("S20250314000000077", dec_state="100")) == [True]
    assert _state(database, a, decl) == "rejected"


def test_792_state_from_a_dec_state_customs_does_not_list() -> None:
    (ev,) = parse_receipt(_r792("S1", dec_state="Z"))
    assert (ev.answers, ev.key, ev.state) == ("701", "S1", "accepted")


def test_official_702_and_792_samples_reach_their_701(store, samples) -> None:  # type: ignore[no-untyped-def]
    database, a, _b = store
    decl = _declare(database, a, _summary("C201805080001"))
    _apply(database, a, (samples / "official2022_export_CEB702Message.xml").read_bytes())
    matched = _apply(database, a, (samples / "official2022_export_CEB792Message.xml").read_bytes())
    assert matched and all(matched)
    assert _state(database, a, decl) == "accepted"

"""The checks customs make at the point of declaration: limits (one fen under, at and over, and across
their change of date), the ID check digit, the positive list, duplicate business keys, and the checker
on real traffic (guids, version, errors on the right file)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from customs_factory import NOW, TRANSFER, make_order, put_profile

from ponte.customs import service
from ponte.customs.china.build import build
from ponte.customs.china.checks import import_checks
from ponte.customs.china.declare import build_order
from ponte.customs.china.fields import validate_fields
from ponte.customs.china.orders import CustomsOrder, Line
from ponte.customs.china.spec import get_spec
from ponte.customs.china.validate import check_files
from ponte.duties.params import default_rules
from ponte.kernel.errors import ValidationError
from ponte.reference import cbec_positive_list

FEN = Decimal("0.01")
DAY = date(2026, 3, 2)


def _order(value: Decimal, lines: int = 2, id_number: str = "11010519491231002X") -> CustomsOrder:
    """An import whose dutiable value (goods, no freight or insurance) is ``value``."""
    base = make_order(3, "import", "9610")
    each = (value / lines).quantize(FEN)
    items = [
        Line(sku=f"S{i}", name="智利车厘子", hs_code="0809290000", gmodel="4|3|车厘子|无品牌|JJ", qty=Decimal(1),
             unit="140", qty1=Decimal("2.5"), unit1="035", price=each if i else value - each * (lines - 1))
        for i in range(lines)
    ]  # fmt: skip
    return base.model_copy(
        update={
            "lines": items,
            "freight": Decimal(0),
            "insured_fee": Decimal(0),
            "buyer": base.buyer.model_copy(update={"id_number": id_number}),
        }
    )


def _rules(order: CustomsOrder, used: Decimal = Decimal(0), day: date = DAY) -> set[str]:
    return {v.rule for v in import_checks(order, day, default_rules(), annual_used=used)}


@pytest.mark.parametrize(
    ("value", "refused"),
    [(Decimal("5000") - FEN, False), (Decimal("5000"), False), (Decimal("5000") + FEN, True)],
)
def test_the_transaction_limit_one_fen_under_at_and_over(value: Decimal, refused: bool) -> None:
    assert ("cbec-transaction-limit" in _rules(_order(value))) is refused


def test_the_transaction_limit_before_2019_was_2000() -> None:
    assert "cbec-transaction-limit" in _rules(_order(Decimal("2000") + FEN), day=date(2018, 6, 1))
    assert "cbec-transaction-limit" not in _rules(_order(Decimal("2000") + FEN), day=date(2019, 1, 1))


def test_a_single_indivisible_item_may_exceed_the_transaction_limit() -> None:
    assert "cbec-transaction-limit" not in _rules(_order(Decimal("8000"), lines=1))


@pytest.mark.parametrize(
    ("used", "refused"),
    [(Decimal("25000") - FEN, False), (Decimal("25000"), False), (Decimal("25000") + FEN, True)],
)
def test_the_annual_limit_one_fen_under_at_and_over(used: Decimal, refused: bool) -> None:
    assert ("cbec-annual-limit" in _rules(_order(Decimal("1000")), used)) is refused


def test_an_id_number_with_a_wrong_check_digit_is_refused() -> None:
    assert "resident-id-number" in _rules(_order(Decimal(100), id_number="110101199003077777"))
    assert "resident-id-number" not in _rules(_order(Decimal(100)))


def test_goods_off_the_positive_list_are_refused() -> None:
    order = _order(Decimal(100))
    off = order.model_copy(update={"lines": [order.lines[0].model_copy(update={"hs_code": "3304990099"})]})
    assert "cbec-positive-list" in _rules(off)
    edition, line = cbec_positive_list.lookup("0809290000", DAY)
    assert edition is not None and line is not None and edition.effective == date(2022, 3, 1)
    assert cbec_positive_list.lookup("0809290000", date(2018, 1, 1)) == (None, None)


def test_declaring_refuses_limits_and_duplicate_keys(database, tenants) -> None:  # type: ignore[no-untyped-def]
    signer = put_profile(database, tenants.a)
    with database.unit_of_work() as uow:
        service.declare_raw(uow, tenants.a, _order(Decimal("20000"), lines=1), NOW, signer=signer)
        uow.commit()
    second = _order(Decimal("6000") + FEN, lines=1).model_copy(
        update={"order_no": "PO-SECOND", "pay_transaction_id": "PAY-2", "logistics_no": "SF-2"}
    )
    with database.unit_of_work() as uow, pytest.raises(ValidationError) as exc:
        service.declare_raw(uow, tenants.a, second, NOW, signer=signer)
    assert {v.rule for v in exc.value.violations} == {"cbec-annual-limit"}
    reused = _order(Decimal(100)).model_copy(update={"order_no": "PO-THIRD"})  # same payment and waybill
    with database.unit_of_work() as uow, pytest.raises(ValidationError) as exc:
        service.declare_raw(uow, tenants.a, reused, NOW, signer=signer)
    assert [
        v.field.rsplit("/", 1)[1] for v in exc.value.violations if v.rule == "duplicate-business-key"
    ] == [
        "payTransactionId",
        "logisticsNo",
    ]


def test_guids_real_messages_use_are_accepted_and_a_short_one_is_a_length_error() -> None:
    data = build_order(make_order(5, "import", "9610"), TRANSFER, now=NOW)["311"]
    spec = get_spec("311")
    for guid in ("ffb617c6-7349-4d92-a9c0-2c914c1678d8", "0" * 36, "CEB621_HNZB_FXJK_20220208175054_0034"):
        assert validate_fields(spec, {**data, "guid": guid}) == []
    bad = validate_fields(spec, {**data, "guid": "A" * 35})
    assert [(v.field, v.rule) for v in bad] == [("CEB311Message/@guid", "length")]
    no_version = {k: v for k, v in data.items() if k != "version"}
    assert [(v.field, v.rule) for v in validate_fields(spec, no_version)] == [
        ("CEB311Message/@version", "required")
    ]


def test_cross_document_errors_land_on_the_file_they_belong_to() -> None:
    files = []
    for seed in (21, 22):
        for kind, data in build_order(make_order(seed, "import", "9610"), TRANSFER, now=NOW).items():
            if kind != "621":
                files.append((f"{seed}-{kind}.xml", build(kind, data)))
    i = next(i for i, (name, _) in enumerate(files) if name == "22-411.xml")  # the second order's payment
    files[i] = (files[i][0], files[i][1].replace(b"<ceb:payerName>", b"<ceb:payerName>X"))
    reports = {r.source: r for r in check_files(files)}
    bad = {s for s, r in reports.items() if not r.ok}
    assert bad == {"22-411.xml"}, {s: r.violations for s, r in reports.items() if not r.ok}


def test_party_codes_and_dxp_ids_are_checked_in_the_messages() -> None:
    data = build_order(make_order(5, "import", "9610"), TRANSFER, now=NOW)["311"]
    head = data["Order"][0]["OrderHead"]
    spec = get_spec("311")
    broken = {
        **data,
        "Order": [
            {**data["Order"][0], "OrderHead": {**head, "ebcCode": "91110000600037341X", "payCode": "44ABC"}}
        ],
        "BaseTransfer": {**data["BaseTransfer"], "dxpId": "DXPLGS0000000001"},
    }
    found = {(v.field.rsplit("/", 1)[1], v.rule) for v in validate_fields(spec, broken)}
    assert found == {("ebcCode", "format:party"), ("payCode", "format:party"), ("dxpId", "format:dxp")}
    real = {**data, "Order": [{**data["Order"][0], "OrderHead": {**head, "ebcCode": "420196T001"}}]}
    assert validate_fields(spec, real) == []  # the code of a genuine 2017 receipt

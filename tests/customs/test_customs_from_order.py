"""The one mapping from a stored order, its parcel and its waybill to the declaration: nothing invented,
every missing fact named, every simulated trade mode XSD-valid."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from journey_factory import orders, parcel_of, profile, waybill_of
from lxml import etree

from ponte.catalog.core import LegalQuantity
from ponte.customs.china.build import build
from ponte.customs.china.codes import code_list
from ponte.customs.china.commodities import edition_on, editions
from ponte.customs.china.declare import build_order
from ponte.customs.china.from_order import ImportTax, from_order, senders_for
from ponte.customs.china.kinds import SIGNED_KINDS
from ponte.customs.china.spec import get_spec
from ponte.customs.china.validate import validate_set
from ponte.kernel.errors import ValidationError
from ponte.simulate.columns import load_data

NOW = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)
RECORDS = orders()
TAX = ImportTax(vat=Decimal("27.30"), consumption=Decimal("15.00"))


def _first(direction: str, mode: str, paid: bool = True):  # type: ignore[no-untyped-def]
    return next(
        o
        for o in RECORDS
        if o.direction == direction and o.trade_mode == mode and (o.payment is not None) == paid
    )


def _rules(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {v.field: v.rule for v in exc.value.violations}


def test_every_simulated_product_is_in_the_commodity_table_with_its_legal_units() -> None:
    table = edition_on(NOW.date())
    for key, (code, unit1, unit2) in load_data("catalog.yaml")["china"].items():
        entry = table.get(code)
        assert entry is not None, key
        assert (entry.unit1, entry.unit2) == (unit1, unit2), key
        assert entry.unit1 in code_list("unit") and (entry.unit2 is None or entry.unit2 in code_list("unit"))
    assert all(e.source and e.effective for e in editions())
    # none is marked confirmed without the primary source at hand
    assert not any(c.confirmed for c in table.entries.values())


@pytest.mark.parametrize("mode", sorted({(o.direction, o.trade_mode) for o in RECORDS}))
def test_each_trade_mode_maps_to_xsd_valid_messages(mode, xsd, demo_signer) -> None:
    direction, trade_mode = mode
    order = _first(direction, trade_mode)
    p = profile()
    co = from_order(order, parcel_of(order), waybill_of(order), p, tax=TAX if direction == "import" else None)
    msgs = build_order(co, senders_for(p, co), now=NOW, scope=order.tenant_id)
    assert validate_set(msgs) == []
    for kind, data in msgs.items():
        raw = build(kind, data)
        if kind in SIGNED_KINDS:
            raw = demo_signer[0].sign(raw)
        schema = xsd[get_spec(kind).direction]
        assert schema.validate(etree.fromstring(raw)), (kind, schema.error_log.last_error)


def test_the_mapping_carries_the_real_payment_waybill_flight_and_legal_quantities() -> None:
    order = _first("export", "9610")
    parcel, waybill = parcel_of(order), waybill_of(order, 7)
    co = from_order(order, parcel, waybill, profile())
    assert co.order_id == order.id and co.order_no == order.external_ref
    assert order.payment is not None
    assert co.paid_at == order.payment.paid_at and co.pay_transaction_id == order.payment.transaction_id
    assert co.logistics_no == waybill.house
    assert co.conveyance.bill_no == "78412345675" and co.conveyance.voyage_no == "CZ8401"
    assert co.gross_weight == parcel.gross.kg and co.net_weight == parcel.net.kg
    for line, ln in zip(co.lines, order.lines, strict=True):
        china = ln.product.china
        assert china is not None
        assert line.hs_code == china.code and line.gname == china.name and line.gmodel == china.elements
        assert line.unit == china.unit and line.unit1 == china.first.unit
        assert line.qty1 == china.first.per_unit * ln.quantity
        if china.second:
            assert line.qty2 == china.second.per_unit * ln.quantity and line.unit2 == china.second.unit
    # the payment company named by the payment is the one declared
    assert co.payment.code == (order.payment.company_code or profile().payment.code)


def test_an_unpaid_order_is_refused_naming_payment() -> None:
    order = _first("export", "9610", paid=False)
    with pytest.raises(ValidationError) as exc:
        from_order(order, parcel_of(order), waybill_of(order), profile())
    assert _rules(exc)["payment"] == "payment-required"


def test_a_direct_mail_parcel_needs_its_master_waybill_and_flight() -> None:
    order = _first("export", "9610")
    waybill = dataclasses.replace(waybill_of(order), master=None, flight=None)
    with pytest.raises(ValidationError) as exc:
        from_order(order, parcel_of(order), waybill, profile())
    assert _rules(exc) == {
        "waybill.master": "master-waybill-required",
        "waybill.flight": "master-waybill-required",
    }


def test_an_import_needs_its_quotes_tax_and_a_resident_id() -> None:
    order = _first("import", "9610")
    with pytest.raises(ValidationError) as exc:
        from_order(order, parcel_of(order), waybill_of(order), profile())
    assert _rules(exc)["tax"] == "import-tax-required"
    buyer = dataclasses.replace(order.buyer, tax_id_kind="br.cpf")
    with pytest.raises(ValidationError) as exc:
        from_order(
            dataclasses.replace(order, buyer=buyer), parcel_of(order), waybill_of(order), profile(), tax=TAX
        )
    assert _rules(exc)["buyer.tax_id_kind"] == "resident-id-number"
    co = from_order(order, parcel_of(order), waybill_of(order), profile(), tax=TAX)
    assert co.tax_total == Decimal("42.30")  # VAT and consumption tax together


def _with_china(order, **change):  # type: ignore[no-untyped-def]
    line = order.lines[0]
    assert line.product.china is not None
    china = dataclasses.replace(line.product.china, **change)
    product = dataclasses.replace(line.product, china=china)
    return dataclasses.replace(order, lines=(dataclasses.replace(line, product=product), *order.lines[1:]))


def test_legal_units_must_be_the_units_of_the_commodity_code() -> None:
    order = _first("export", "9610")
    first = order.lines[0].product.china.first  # type: ignore[union-attr]
    wrong = _with_china(order, first=LegalQuantity("011" if first.unit != "011" else "007", first.per_unit))
    with pytest.raises(ValidationError) as exc:
        from_order(wrong, parcel_of(order), waybill_of(order), profile())
    assert _rules(exc)["lines[0].product.china.first.unit"] == "legal-unit"
    unknown = _with_china(order, code="9999999999")
    with pytest.raises(ValidationError) as exc:
        from_order(unknown, parcel_of(order), waybill_of(order), profile())
    assert "commodity-code" in _rules(exc).values()


def test_no_china_data_and_a_parcel_of_another_order_are_named() -> None:
    order = _first("export", "9610")
    line = order.lines[0]
    bare = dataclasses.replace(
        order, lines=(dataclasses.replace(line, product=dataclasses.replace(line.product, china=None)),)
    )
    other = _first("export", "9810")
    with pytest.raises(ValidationError) as exc:
        from_order(bare, parcel_of(other), waybill_of(order), profile())
    rules = _rules(exc)
    assert (
        rules["lines[0].product.china"] == "china-customs-data" and rules["parcel.order_id"] == "wrong-order"
    )


def test_a_profile_without_the_carrier_dxp_id_is_named_not_filled_in() -> None:
    order = _first("export", "9610")
    p = profile()
    p = p.model_copy(update={"logistics": p.logistics.model_copy(update={"dxp_id": None})})
    with pytest.raises(ValidationError) as exc:
        from_order(order, parcel_of(order), waybill_of(order), p)
    assert _rules(exc)["logistics.dxp_id"] == "customs-profile-field"


def test_the_payment_and_the_waybill_name_their_real_senders() -> None:
    order = _first("import", "9610")
    p = profile()
    co = from_order(order, parcel_of(order), waybill_of(order), p, tax=TAX)
    msgs = build_order(co, senders_for(p, co), now=NOW, scope=order.tenant_id)
    payer = p.payment_company(co.payment.code)
    assert payer is not None
    assert msgs["411"]["BaseTransfer"]["copCode"] == payer.code
    assert msgs["411"]["BaseTransfer"]["dxpId"] == payer.dxp_id
    assert msgs["511"]["BaseTransfer"]["dxpId"] == p.logistics.dxp_id
    assert msgs["311"]["BaseTransfer"]["dxpId"] == msgs["621"]["BaseTransfer"]["dxpId"] == p.dxp_id

"""THE mapping from an order record to a quote request, and the two cases where paths disagreed."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from orders_factory import LineSpec, OrderSpec, tables

from ponte.duties import default_rules, quote
from ponte.duties.errors import DutiesError
from ponte.duties.mapping import BuyerFacts, request_for
from ponte.duties.registrations import SellerRegistrations, TaxRegistration, check_registration
from ponte.duties.service import BatchContext, quote_order, quote_orders
from ponte.kernel.errors import ValidationError
from ponte.orders.dataset import records

RULES = default_rules()
IOSS = SellerRegistrations.of([check_registration("ioss", "IM7240000017", date(2021, 7, 1))])
NONE = SellerRegistrations()


def _order(spec: OrderSpec):  # type: ignore[no-untyped-def]
    (order,) = list(records(tables([spec])))
    return order


MX_CASE_WINE = OrderSpec(
    "o-mx", "MX", "USD", [LineSpec("case", "392690", "100"), LineSpec("wine", "220421", "30")]
)
ES_CASE_BOOK = OrderSpec(
    "o-es", "ES", "EUR", [LineSpec("case", "392690", "100"), LineSpec("cookbook", "490199", "40")]
)


def test_mexico_phone_case_and_wine_is_blocked_by_every_path() -> None:
    order = _order(MX_CASE_WINE)
    req = request_for(order, seller=NONE)
    assert [it.category for it in req.items] == ["general", "wine"]
    single = quote(req, RULES)
    assert not single.allowed and single.status == "blocked"
    assert {r.code for r in single.reasons if r.blocking} == {"excluded-goods"}
    got = quote_orders(tables([MX_CASE_WINE]), BatchContext(RULES)).orders.to_pylist()[0]
    assert got["status"] == "blocked" and got["reasons"] == ["excluded-goods:/items/1/category"]


def test_spain_ioss_phone_case_and_cookbook_pays_22_60_by_every_path() -> None:
    order = _order(ES_CASE_BOOK)
    req = request_for(order, seller=IOSS)
    assert req.seller.ioss and [it.category for it in req.items] == ["general", "books"]
    single = quote(req, RULES)
    assert single.total_tax == Decimal("22.60")  # 21% of 100 + 4% of 40
    result = quote_orders(tables([ES_CASE_BOOK]), BatchContext(RULES, sellers={"ten_a": IOSS}))
    assert result.orders.to_pylist()[0]["total_tax"] == "22.60"
    per_line = {(r["line_no"], r["kind"]): r["amount"] for r in result.lines.to_pylist()}
    assert per_line[(1, "checkout_vat")] == "21.00" and per_line[(2, "checkout_vat")] == "1.60"


def test_each_line_keeps_its_own_facts() -> None:
    spec = OrderSpec(
        "o-cn",
        "CN",
        "CNY",
        [
            LineSpec(
                "serum",
                "330499",
                "425",
                origin="FR",
                cn={
                    "cn_code": "3304990099",
                    "cn_unit1": "035",
                    "cn_qty1": "0.02",
                    "cn_unit2": "007",
                    "cn_qty2": "1",
                },
            ),
            LineSpec("cherries", "080921", "200", origin="CL", tariff_codes={"CN": "0809210000"}),
        ],
        direction="import",
        trade_mode="1210",
        freight="20",
        discount="25",
    )
    req = request_for(_order(spec), seller=NONE, buyer=BuyerFacts(annual_cbec_used=Decimal("1000")))
    serum, cherries = req.items
    assert serum.category == "skin_care" and serum.origin == "FR"
    assert serum.net_quantity is not None and (serum.net_quantity.amount, serum.net_quantity.unit) == (
        Decimal("0.020000"),
        "kg",
    )
    assert cherries.hs_code == "0809210000" and cherries.category == "fresh_fruit"
    assert req.channel == "1210" and req.buyer.annual_cbec_used == Decimal("1000")
    assert req.freight == Decimal("20") and req.discount == Decimal("25")
    assert req.goods_value == Decimal("600")  # 425 + 200 − 25
    q = quote(req, RULES)
    assert q.dutiable_value == Decimal("620.00")


def test_the_discount_lowers_the_dutiable_value_spread_by_value() -> None:
    spec = OrderSpec(
        "o-mx2",
        "MX",
        "USD",
        [LineSpec("case", "392690", "80"), LineSpec("lamp", "940521", "20")],
        discount="10",
    )
    q = quote(request_for(_order(spec), seller=NONE), RULES)
    assert q.dutiable_value == Decimal("90.00")
    assert q.total_tax == Decimal("30.15")  # 33.5% of 90


def test_a_registration_counts_only_in_its_markets_and_dates() -> None:
    regs = SellerRegistrations.of(
        [
            TaxRegistration("ioss", "IM7240000017", date(2024, 1, 1), date(2025, 1, 1)),
            check_registration("remessa_conforme", "11.222.333/0001-81", date(2024, 8, 1)),
            check_registration("cl_sii", "76.086.428-5", date(2025, 10, 25)),
        ]
    )
    assert regs.flags_for("ES", date(2024, 6, 1)).ioss
    assert not regs.flags_for("ES", date(2025, 1, 1)).ioss
    assert not regs.flags_for("BR", date(2024, 6, 1)).ioss
    assert regs.flags_for("BR", date(2024, 8, 1)).remessa_conforme
    assert regs.flags_for("CL", date(2025, 10, 25)).sii_registered
    assert not regs.flags_for("CL", date(2025, 10, 24)).sii_registered


@pytest.mark.parametrize(
    ("scheme", "number", "rule"),
    [
        ("ioss", "IM724000001", DutiesError.IOSS_NUMBER),  # 9 digits after IM
        ("ioss", "IM8400000017", DutiesError.IOSS_NUMBER),  # 840 is not an EU member state
        ("ioss", "EU7240000017", DutiesError.IOSS_NUMBER),
        ("remessa_conforme", "11.222.333/0001-82", DutiesError.CNPJ),  # wrong check digit
        ("cl_sii", "76.086.428-4", DutiesError.RUT),
        ("vat", "ES123", DutiesError.REGISTRATION_SCHEME),
    ],
)
def test_registration_formats(scheme: str, number: str, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        check_registration(scheme, number, date(2025, 1, 1))
    assert (info.value.violations[0].field, info.value.violations[0].rule) in {
        ("number", rule),
        ("scheme", rule),
    }


def test_registration_dates_must_be_in_order() -> None:
    with pytest.raises(ValidationError) as info:
        check_registration("ioss", "IM7240000017", date(2025, 1, 1), date(2025, 1, 1))
    assert info.value.violations[0].rule == DutiesError.REGISTRATION_DATES


def test_a_frozen_quote_reads_back_exactly_and_names_its_rule_versions() -> None:
    order = _order(ES_CASE_BOOK)
    at = datetime(2025, 9, 1, 12, tzinfo=UTC)
    frozen = quote_order(order, rules=RULES, fx=None, seller=IOSS, quoted_at=at)
    data = frozen.as_dict()
    assert data["verdict"]["status"] == "allowed" and data["response"]["total_tax"]["amount"] == "22.60"
    assert data["rules"]["digest"] == RULES.digest and len(RULES.digest) == 64
    names = {p["rule"]: p["in_force_from"] for p in data["rules"]["parameters"]}
    assert names["es.vat.super_reduced_rate_mainland"] == "2021-07-01"
    assert [p["line_no"] for p in data["per_line"]] == [1, 2, None]  # the relief is for the whole order
    assert [ln["kind"] for ln in data["per_line"][2]["lines"]] == ["duty"]
    assert [ln["amount"] for ln in data["per_line"][1]["lines"]] == ["1.60"]
    again = type(frozen).from_dict(json.loads(json.dumps(data)))
    assert again.as_dict() == data and again.status == "allowed" and again.quoted_at == at


def test_an_order_fact_the_engine_refuses_names_the_order_line() -> None:
    spec = OrderSpec("o-bad", "MX", "USD", [LineSpec("case", "39", "10")])
    with pytest.raises(ValidationError) as info:
        request_for(_order(spec), seller=NONE)
    assert info.value.violations[0].field == "lines[1].hs_code"


def test_an_order_to_uruguay_carries_the_buyers_yearly_franchise() -> None:
    spec = OrderSpec("o-uy", "UY", "USD", [LineSpec("blouse", "620610", "300")])
    order = _order(spec)
    left = request_for(order, seller=NONE, buyer=BuyerFacts(annual_allowance_used=Decimal("500")))
    over = request_for(order, seller=NONE, buyer=BuyerFacts(annual_allowance_used=Decimal("500.01")))
    assert left.buyer.annual_allowance_used == Decimal("500")
    fits = quote(left.model_copy(update={"date": date(2026, 6, 1)}), RULES)
    passed = quote(over.model_copy(update={"date": date(2026, 6, 1)}), RULES)
    assert (fits.regime, fits.total_tax) == ("uy.franquicia", Decimal("66.00"))
    assert passed.regime == "uy.ordinary_import" and not passed.complete

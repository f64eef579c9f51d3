from __future__ import annotations

from decimal import Decimal

from customs_factory import NOW, TRANSFER, make_order
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from ponte.customs.china.build import build
from ponte.customs.china.declare import build_order
from ponte.customs.china.parse import parse
from ponte.customs.china.validate import validate_message

BASE = build_order(make_order(4, "export", "9610"), TRANSFER, now=NOW)["303"]
XML_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=250)


@settings(max_examples=150, deadline=None)
@given(name=XML_TEXT)
def test_any_text_round_trips_through_the_builder(name):
    data = {
        **BASE,
        "Order": [
            {
                **BASE["Order"][0],
                "OrderList": [
                    {**BASE["Order"][0]["OrderList"][0], "itemName": name},
                    *BASE["Order"][0]["OrderList"][1:],
                ],
            }
        ],
    }
    raw = build("303", data)
    parsed = parse(raw)
    assert parsed.data["Order"][0]["OrderList"][0]["itemName"] == name
    assert etree.fromstring(raw) is not None


@settings(max_examples=150, deadline=None)
@given(value=st.decimals(min_value=Decimal("0"), max_value=Decimal("1e16"), allow_nan=False, places=7))
def test_decimal_facets_match_xsd_rules(value):
    data = {
        **BASE,
        "Order": [{**BASE["Order"][0], "OrderHead": {**BASE["Order"][0]["OrderHead"], "freight": value}}],
    }
    rules = {v.rule for v in validate_message("303", data) if v.field.endswith("OrderHead/freight")}
    digits = value.normalize().as_tuple()
    frac = max(0, -digits.exponent)
    total = len(digits.digits) if digits.exponent <= 0 else len(digits.digits) + digits.exponent
    expect_bad = frac > 5 or max(total, frac) > 19
    assert bool(rules) == expect_bad, (value, rules)

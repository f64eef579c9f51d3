"""The fulfilment choice on cases where each option wins, the seller's rules, and bad input."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time
from decimal import Decimal

import pytest
from fulfil_factory import BR_RATES, inputs, order, product, site

from ponte.fulfilment.choose import choose
from ponte.fulfilment.model import ImportFacts, SellerRules, Site
from ponte.kernel.errors import ValidationError

BEFORE, AFTER = datetime(2024, 7, 15, 12, tzinfo=UTC), datetime(2024, 9, 2, 12, tzinfo=UTC)
LIP_FACTS = {("BR", "LIP"): ImportFacts(Decimal("12"), "USD", Decimal("0.5"), BR_RATES)}


def _by_key(choice):  # type: ignore[no-untyped-def]
    return {o.key: o for o in choice.options}


@pytest.mark.parametrize("stock", [200, 400])
def test_brazil_air_parcel_costs_more_than_stock_after_2024_08_01(stock: int) -> None:
    """Remessa Conforme: II 0% up to USD 50 before 2024-08-01, 20% from then (Lei 14.902/2024). Stock already
    imported into Brazil is not a Remessa Conforme parcel: its import is quoted as such."""
    sp = site(stock={"LIP": stock})
    before = choose(order([("LIP", 1, "40")], placed=BEFORE), inputs([sp], imports=LIP_FACTS))
    after = choose(order([("LIP", 1, "40")], placed=AFTER), inputs([sp], imports=LIP_FACTS))
    b, a = _by_key(before), _by_key(after)
    assert b["9610"].legs[0].treatment == a["9610"].legs[0].treatment == "rts_remessa_conforme_low_band"
    assert a["9610"].tax > b["9610"].tax  # the 20% band
    assert b["9810@SP1"].legs[0].treatment != "rts_remessa_conforme_low_band"
    if stock == 400:  # above the RTS cap, the stock's import is the ordinary one
        assert a["9810@SP1"].legs[0].regime == "br.ordinary_import"
    assert b["9810@SP1"].tax == a["9810@SP1"].tax  # the stock's import did not change
    assert before.chosen is not None and after.chosen is not None
    if stock == 200:
        assert before.chosen.key == "9610" and after.chosen.key == "9810@SP1"
        assert a["9610"].landed_cost > a["9810@SP1"].landed_cost
    assert after.chosen.key == "9810@SP1" and after.reason == "cheapest"


def test_direct_parcel_wins_without_stock_and_promises_by_the_lane() -> None:
    c = choose(order([("LIP", 2, "15")]), inputs([site(stock={"OTHER": 5})]))
    assert c.chosen is not None and c.chosen.key == "9610" and c.reason == "only-option"
    leg = c.chosen.legs[0]
    assert leg.logistics > 0 and leg.status == "allowed" and c.chosen.delivery_days == 1 + 4 + 5


def test_b2b_buyer_gets_9710_not_9610() -> None:
    c = choose(order([("LIP", 50, "8")], buyer_kind="business", trade_mode="9710"), inputs())
    assert [o.key for o in c.options] == ["9710"]
    assert c.chosen is not None and c.chosen.legs[0].mode == "9710"


def test_import_into_china_is_served_from_bonded_stock() -> None:
    avocado = product("AVO", "30", kg="1.2", hs="080440", origin="MX", category="food", direction="import",
                      currency="CNY")  # fmt: skip
    o = order([("AVO", 1, "30", avocado)], destination="CN", region=None, currency="CNY", direction="import",
              trade_mode="1210")  # fmt: skip
    bonded = site("SZ-B", "CN", {"AVO": 80}, bonded=True, mode="1210", tz="Asia/Shanghai", region=None)
    c = choose(o, inputs([bonded]))
    by = _by_key(c)
    assert set(by) == {"9610", "1210@SZ-B"}
    assert by["1210@SZ-B"].legs[0].regime == by["9610"].legs[0].regime == "cn.cbec"
    assert c.chosen is not None and c.chosen.key == "1210@SZ-B"
    assert by["1210@SZ-B"].delivery_days < by["9610"].delivery_days  # type: ignore[operator]


def test_a_split_wins_when_one_line_is_in_stock_unless_the_seller_never_splits() -> None:
    o = order([("LIP", 1, "40"), ("MASK", 1, "9")], placed=AFTER)
    sp = site(stock={"LIP": 200})
    c = choose(o, inputs([sp], imports=LIP_FACTS))
    assert {op.key for op in c.options} == {"9610", "9810@SP1+9610"}
    split = _by_key(c)["9810@SP1+9610"]
    assert [leg.line_nos for leg in split.legs] == [(1,), (2,)]
    assert c.chosen is not None and c.chosen.key == "9810@SP1+9610"
    never = choose(o, inputs([sp], imports=LIP_FACTS, rules=SellerRules(never_split=True)))
    assert never.chosen is not None and never.chosen.key == "9610"


def test_prefer_fastest_takes_the_warehouse_even_when_dearer() -> None:
    sp = site(stock={"LIP": 200})
    cheap = choose(order([("LIP", 1, "40")], placed=BEFORE), inputs([sp], imports=LIP_FACTS))
    fast = choose(order([("LIP", 1, "40")], placed=BEFORE),
                  inputs([sp], imports=LIP_FACTS, rules=SellerRules(prefer="fastest")))  # fmt: skip
    assert cheap.chosen is not None and cheap.chosen.key == "9610"
    assert fast.chosen is not None and fast.chosen.key == "9810@SP1" and fast.reason == "fastest"


def test_maximum_delivery_days() -> None:
    sp = site(stock={"LIP": 200})
    c = choose(order([("LIP", 1, "40")], placed=BEFORE),
               inputs([sp], imports=LIP_FACTS, rules=SellerRules(max_delivery_days=5)))  # fmt: skip
    assert c.chosen is not None and c.chosen.key == "9810@SP1"
    none = choose(order([("LIP", 1, "40")]), inputs(rules=SellerRules(max_delivery_days=3)))
    assert none.chosen is None and none.reason == "max-delivery-days"


def test_the_live_session_reserve_is_kept_for_live_orders() -> None:
    rules = SellerRules(live_reserve={"LIP": 10})
    sp = site(stock={"LIP": 10})
    shop = choose(order([("LIP", 1, "40")]), inputs([sp], imports=LIP_FACTS, rules=rules))
    live = choose(
        order([("LIP", 1, "40")], channel="live", live="ls-1"), inputs([sp], imports=LIP_FACTS, rules=rules)
    )
    assert [o.key for o in shop.options] == ["9610"]
    assert "9810@SP1" in {o.key for o in live.options}


def test_after_the_cut_off_the_warehouse_ships_a_day_later() -> None:
    early = datetime(2024, 9, 2, 15, tzinfo=UTC)  # 12:00 in São Paulo
    late = datetime(2024, 9, 2, 19, tzinfo=UTC)  # 16:00, after the 14:00 cut-off
    sp = site(stock={"LIP": 200}, cut_off=time(14, 0))
    a = _by_key(choose(order([("LIP", 1, "40")], placed=early), inputs([sp], imports=LIP_FACTS)))["9810@SP1"]
    b = _by_key(choose(order([("LIP", 1, "40")], placed=late), inputs([sp], imports=LIP_FACTS)))["9810@SP1"]
    assert (b.promised - a.promised).days == 1  # type: ignore[operator]


def test_an_incomplete_import_is_never_chosen_and_names_what_is_missing() -> None:
    sp = site(stock={"LIP": 400})  # an ordinary import without its declared rates
    c = choose(order([("LIP", 1, "40")]), inputs([sp]))
    wh = _by_key(c)["9810@SP1"]
    assert wh.status == "incomplete" and any("rates" in r for r in wh.reasons)
    assert c.chosen is not None and c.chosen.key == "9610"


def test_a_market_without_a_flight_has_only_its_warehouse() -> None:
    macao = order([("LIP", 1, "40")], destination="MO", region=None, currency="MOP")
    wh = site("MO1", "MO", {"LIP": 5}, tz="Asia/Macau", region=None)
    c = choose(macao, inputs([wh]))
    by = _by_key(c)
    assert by["9610"].status == "unavailable" and by["9610"].reasons[0].startswith("no-lane")
    assert c.chosen is not None and c.chosen.key == "9810@MO1"


@pytest.mark.parametrize(
    ("make", "field", "rule"),
    [
        (lambda: SellerRules(prefer="nearest"), "prefer", "fulfilment-prefer"),
        (lambda: SellerRules(max_delivery_days=0), "max_delivery_days", "fulfilment-max-delivery-days"),
        (lambda: SellerRules(live_reserve={"LIP": -1}), "live_reserve.LIP", "fulfilment-live-reserve"),
        (lambda: SellerRules.of({"prefer": "cheapest", "split": True}), "split", "unknown-field"),
        (
            lambda: Site("W", "BR", False, "9810", "UTC", {"LIP": -3}),
            "sites.W.stock.LIP",
            "fulfilment-stock-non-negative",
        ),
        (lambda: Site("W", "BR", False, "9610", "UTC", {}), "sites.W.trade_mode", "fulfilment-site"),
        (
            lambda: ImportFacts(Decimal(1), "USD", rates={"duty": Decimal(2)}),
            "rates.duty",
            "fulfilment-import-facts",
        ),
    ],
)
def test_bad_input_names_the_field_and_the_rule(make, field: str, rule: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as err:
        make()
    assert (err.value.violations[0].field, err.value.violations[0].rule) == (field, rule)


def test_an_order_without_lines_is_refused() -> None:
    o = order([("LIP", 1, "40")])
    with pytest.raises(ValidationError) as err:
        choose(replace(o, lines=()), inputs())
    assert err.value.violations[0].field == "lines"

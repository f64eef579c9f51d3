import pytest

from ponte.customs.china.codes import china, cny, code_list, customs_country, return_trade_mode
from ponte.kernel.errors import ValidationError


def test_every_trade_mode_has_a_return_mode_from_the_return_list() -> None:
    for mode in code_list("tradeMode"):
        assert return_trade_mode(mode) in code_list("exportReturnTradeMode")
    assert return_trade_mode("1210") == "1261" and return_trade_mode("9610") == "9661"


def test_unknown_trade_mode_names_the_field_and_rule() -> None:
    with pytest.raises(ValidationError) as err:
        return_trade_mode("0110")
    assert err.value.field == "tradeMode" and err.value.rule == "return-trade-mode"


def test_china_and_cny_come_from_the_code_tables() -> None:
    assert china() == customs_country("CN") and china() in code_list("country")
    assert cny() in code_list("currency")


def test_china_customs_codes_map_from_iso() -> None:
    from ponte.customs.china.codes import code_table, customs_currency, iso_country

    assert customs_country("BR") == "410" and customs_country("cn") == "142"
    assert iso_country("312") == "ES"
    assert customs_currency("CNY") == "142" and customs_currency("USD") == "502"
    assert code_table("unit")["codes"]["035"] == "千克"
    assert code_table("trafMode")["codes"]["5"] == "air"
    assert {"9610", "9710", "9810", "1210"} <= code_list("tradeMode")


def test_every_corridor_country_has_a_customs_code() -> None:
    from ponte.reference.markets import markets

    for m in markets():
        assert len(customs_country(m.country)) == 3


@pytest.mark.parametrize(
    ("iso", "rule"),
    [("BRL", "customs-currency"), ("AQ", "customs-country")],
)
def test_unmapped_codes_are_errors(iso: str, rule: str) -> None:
    from ponte.customs.china.codes import customs_currency

    with pytest.raises(ValidationError) as err:
        customs_currency(iso) if len(iso) == 3 else customs_country(iso)
    assert err.value.rule == rule

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

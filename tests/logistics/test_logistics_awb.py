import pytest
from hypothesis import given
from hypothesis import strategies as st

from ponte.kernel.errors import ConflictError, ValidationError
from ponte.logistics.awb import AwbNumber, AwbStock, StockRange, airlines, check_digit, check_house_number


def test_sourced_examples():
    # IATA FWB example and a China Southern number: serial mod 7 is the last digit
    assert str(AwbNumber.parse("020-12345675")) == "020-12345675"
    assert AwbNumber.parse("784-83707805").airline.iata == "CZ"
    assert AwbNumber.parse("78483707805").number == "83707805"


@pytest.mark.parametrize("bad", ["020-12345676", "784-83707800", "020-1234567", "02012345675X", "", None, 20])
def test_invalid(bad):
    with pytest.raises(ValidationError) as exc:
        AwbNumber.parse(bad)
    assert exc.value.field == "awb"
    assert exc.value.rule in {"awb-format", "awb-check-digit"}


def test_every_prefix_in_table_round_trips():
    table = airlines()
    assert {"784", "999", "045", "145", "985", "865", "549", "139", "160", "176"} <= set(table)
    for prefix in table:
        assert len(prefix) == 3 and prefix.isdigit()
        awb = AwbNumber.issue(prefix, 1234567)
        assert str(awb) == f"{prefix}-12345675"
        assert AwbNumber.parse(str(awb)).airline == table[prefix]
        with pytest.raises(ValidationError):
            AwbNumber.parse(f"{prefix}-12345674")


@given(st.integers(0, 9_999_999), st.integers(0, 9))
def test_check_digit_property(serial, digit):
    text = f"784-{serial:07d}{digit}"
    ok = digit == serial % 7
    if ok:
        assert AwbNumber.parse(text).check == check_digit(serial)
    else:
        with pytest.raises(ValidationError):
            AwbNumber.parse(text)


def test_stock_never_reuses_and_exhausts():
    stock = AwbStock()
    stock.add_range(StockRange("784", 100, 102))
    issued = [stock.next("784") for _ in range(3)]
    assert [a.serial for a in issued] == ["0000100", "0000101", "0000102"]
    assert stock.remaining("784") == 0
    with pytest.raises(ConflictError) as exc:
        stock.next("784")
    assert exc.value.rule == "awb-stock-exhausted"
    with pytest.raises(ConflictError):
        stock.mark_used(issued[0])
    with pytest.raises(ConflictError):
        stock.add_range(StockRange("784", 102, 200))
    with pytest.raises(ValidationError):
        StockRange("784", 10, 5)


def test_house_numbers():
    assert check_house_number("PNT000123") == "PNT000123"
    with pytest.raises(ValidationError):
        check_house_number("pnt 1")

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ponte.kernel.errors import ValidationError
from ponte.kernel.money import Money
from ponte.reference.fx import EcbTable, FxConverter, MissingRateError, OfficialRateTable, default_converter


def test_ecb_rate_on_a_business_day_is_the_published_one() -> None:
    quote = EcbTable().lookup("EUR", "USD", date(2024, 1, 2))
    assert quote is not None
    assert quote.rate_date == date(2024, 1, 2)
    assert quote.rate == Decimal("1.0956")  # ECB euro reference rate for USD, 2 January 2024


def test_weekend_uses_the_last_business_day_and_says_so() -> None:
    quote = EcbTable().lookup("USD", "CNY", date(2024, 1, 6))  # a Saturday
    assert quote is not None and quote.rate_date == date(2024, 1, 5)


def test_currencies_the_ecb_lacks_come_from_hmrc_monthly() -> None:
    conversion = default_converter().convert(Money.of("100", "USD"), "CLP", date(2025, 3, 14))
    assert conversion.table == "HMRC monthly exchange rates"
    assert conversion.rate_date == date(2025, 3, 1)
    assert 80_000 < conversion.result.amount < 110_000


def test_missing_rate_names_the_pair_and_the_date() -> None:
    with pytest.raises(MissingRateError) as err:
        default_converter().rate("USD", "ARS", date(1990, 1, 1))
    assert err.value.field == "fx.USD/ARS" and "1990-01-01" in err.value.message


def test_official_rate_file_takes_precedence(tmp_path: Path) -> None:
    path = tmp_path / "gacc-2025-03.csv"
    path.write_text("date,base,quote,rate,valid_to\n2025-03-01,USD,CNY,7.1722,2025-03-31\n")
    fx = default_converter([path])
    quote = fx.rate("CNY", "USD", date(2025, 3, 20))
    assert quote.table == "gacc-2025-03"
    assert quote.rate == Decimal(1) / Decimal("7.1722")


def test_official_rate_file_errors_name_line_and_rule(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("date,base,quote,rate\n2025-03-01,USD,CNY,-1\n")
    with pytest.raises(ValidationError) as err:
        OfficialRateTable.from_csv(path)
    assert err.value.field == "bad.csv:2.rate" and err.value.rule == "positive"
    path.write_text("date,base,rate\n")
    with pytest.raises(ValidationError) as err:
        OfficialRateTable.from_csv(path)
    assert "quote" in err.value.message


def test_same_currency_is_identity() -> None:
    assert FxConverter([]).rate("BRL", "BRL", date(2026, 1, 1)).rate == 1


def test_the_hmrc_table_ships_to_a_worker_after_it_loaded() -> None:
    """A distributed worker receives the FX source by pickle, whether or not this process read HMRC yet."""
    import pickle
    from datetime import date

    from ponte.reference.fx import HmrcMonthlyTable

    table = HmrcMonthlyTable()
    here = table.lookup("USD", "EUR", date(2024, 5, 3))
    assert here is not None
    assert pickle.loads(pickle.dumps(table)).lookup("USD", "EUR", date(2024, 5, 3)) == here

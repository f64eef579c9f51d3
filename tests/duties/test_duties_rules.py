"""The rule loader: shipped files load; each broken file fails naming file and key."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ponte.duties.params import RuleFileError, RuleNotInForce, Rules, load_rules
from ponte.duties.rulefile import load_file

BROKEN = Path(__file__).parent / "invalid_rules" / "xx"

EXPECTED = {
    "duplicate_key": ("line 11", "duplicate key '2024-01-01'"),
    "unknown_key": ("parameters.rate.colour", "unknown key"),
    "bad_date": ("parameters.rate.values.2024-02-30", "not a valid date"),
    "not_a_date": ("parameters.rate.values.1st of May", "not a date"),
    "missing_ref": ("parameters.rate.values.2024-01-01.ref", "missing"),
    "unknown_ref": ("parameters.rate.values.2024-01-01.ref", "unknown reference 'r2'"),
    "bad_unit": ("parameters.rate.unit", "'percent' is not one of"),
    "not_decimal": ("parameters.rate.values.2024-01-01.value", "is not a decimal"),
    "ref_without_link": ("references.r1.href", "is not a link"),
    "ref_without_date": ("references.r1.date", "missing"),
    "wrong_jurisdiction": ("jurisdiction", "does not match folder"),
    "missing_currency": ("parameters.limit.currency", "missing"),
    "bad_yaml": ("line", ""),
    "bad_name": ("parameters.Rate-X", "lower_snake_case"),
    "rate_out_of_range": ("parameters.rate.values.2024-01-01.value", "out of range"),
}


def test_every_broken_file_has_an_expectation() -> None:
    assert {p.stem for p in BROKEN.glob("*.yaml")} == set(EXPECTED)


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_broken_rule_file_names_file_and_key(stem: str) -> None:
    key, problem = EXPECTED[stem]
    with pytest.raises(RuleFileError) as info:
        load_file(BROKEN / f"{stem}.yaml", Rules())
    message = str(info.value)
    assert message.startswith(f"{stem}.yaml: ")
    assert key in message and problem in message


def test_shipped_rules_load_for_every_market() -> None:
    rules = load_rules()
    assert set(rules.jurisdictions()) >= {"CN", "BR", "MX", "CL", "CO", "PE", "AR", "PT", "ES", "MO", "EU"}
    for param in rules.parameters.values():
        for _start, _value, ref in param.values:
            assert ref.href.startswith("http") and ref.title


def test_value_in_force_follows_dates_and_ends_on_null() -> None:
    rules = load_rules()
    rate = rules.param("mx.courier.global_rate")
    assert rate.at(date(2025, 8, 14)).value == Decimal("0.19")
    resolved = rate.at(date(2025, 8, 15))
    assert resolved.value == Decimal("0.335") and resolved.start == date(2025, 8, 15)
    exempt = rules.param("cl.low_value.exempt_up_to")
    assert exempt.at(date(2025, 10, 24)).end == date(2025, 10, 25)
    with pytest.raises(RuleNotInForce):
        exempt.at(date(2025, 10, 25))
    with pytest.raises(RuleNotInForce):
        rate.at(date(2020, 6, 30))

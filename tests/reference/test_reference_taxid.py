import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.br import cpf
from stdnum.cl import rut

from ponte.kernel.errors import ValidationError
from ponte.reference.taxid import SCHEMES, is_valid, validate_for_country, validate_tax_id

VALID = {
    "br.cpf": "390.533.447-05",
    "br.cnpj": "12.ABC.345/01DE-35",
    "mx.rfc": "GODE561231GR8",
    "cl.rut": "76.086.428-5",
    "co.nit": "213.123.432-1",
    "pe.ruc": "20512333797",
    "pe.cui": "101174102",
    "ar.cuit": "20-26756539-3",
    "pt.nif": "501964843",
    "es.nif": "54362315K",
    "cn.ric": "360426199101010071",
    "cn.uscc": "91110000600037341L",
    "mo.bir": "1234567(8)",
    "uy.rut": "21-100342-001-7",
    "ec.ci": "171430710-3",
    "ec.ruc": "1792060346-001",
    "do.cedula": "00113918205",
    "do.rnc": "1-01-85004-3",
    "cr.cpf": "3-0455-0175",
    "cr.cpj": "3-101-999999",
    "gt.nit": "576937-K",
    "py.ruc": "80028061-0",
}


def test_every_scheme_has_a_valid_sample():
    assert set(VALID) == set(SCHEMES)


@pytest.mark.parametrize(("scheme", "number"), sorted(VALID.items()))
def test_valid_numbers(scheme, number):
    result = validate_tax_id(scheme, number)
    assert result.scheme == scheme
    assert result.masked().endswith(result.number[-3:])


@pytest.mark.parametrize(
    ("scheme", "number", "rule"),
    [
        ("br.cpf", "390.533.447-06", "br.cpf:checksum"),
        ("br.cpf", "390.533.447", "br.cpf:length"),
        ("mx.rfc", "GODE561231GR9", "mx.rfc:checksum"),
        ("mx.rfc", "GODE561331GR8", "mx.rfc:component"),
        ("cl.rut", "76.086.428-6", "cl.rut:checksum"),
        ("ar.cuit", "20-26756539-4", "ar.cuit:checksum"),
        ("cn.ric", "360426199101010072", "cn.ric:checksum"),
        ("es.nif", "54362315Z", "es.nif:checksum"),
        ("mo.bir", "2234567(8)", "mo.bir:format"),
        ("pt.nif", "", "pt.nif:required"),
    ],
)
def test_invalid_numbers_name_field_and_rule(scheme, number, rule):
    with pytest.raises(ValidationError) as err:
        validate_tax_id(scheme, number, field="buyer.tax_id")
    assert err.value.field == "buyer.tax_id"
    assert err.value.rule == rule
    assert err.value.violations[0].rule == rule


def test_unknown_scheme():
    with pytest.raises(ValidationError) as err:
        validate_tax_id("us.ssn", "123")
    assert err.value.rule == "tax-id-scheme"


def test_country_picks_the_scheme():
    assert validate_for_country("BR", "39053344705").scheme == "br.cpf"
    assert validate_for_country("BR", "12ABC34501DE35").scheme == "br.cnpj"
    with pytest.raises(ValidationError) as err:
        validate_for_country("BR", "12ABC34501DE36")
    assert err.value.rule == "br.cnpj:checksum"


@given(st.integers(min_value=100_000_000, max_value=999_999_999))
def test_cpf_check_digits_property(base):
    body = str(base)
    number = cpf.compact(body + "00")
    # stdnum computes both check digits; any 9-digit body completes to exactly one valid CPF
    valid = [d for d in range(100) if cpf.is_valid(body + f"{d:02d}")]
    assert len(valid) <= 1
    assert not is_valid("br.cpf", number) or valid == [0]


@given(st.integers(min_value=1_000_000, max_value=99_999_999))
def test_rut_completes_uniquely(body):
    digit = rut.calc_check_digit(str(body))
    assert is_valid("cl.rut", f"{body}{digit}")

from datetime import UTC, datetime

import pytest

from ponte.kernel.errors import ValidationError
from ponte.reference import airports, countries, currencies, markets


def test_country_names_in_four_languages():
    br = countries.country("BR")
    assert br.names == {"zh-CN": "巴西", "en": "Brazil", "pt-BR": "Brasil", "es": "Brasil"}
    assert countries.country("bra").alpha2 == "BR"
    assert countries.country_name("MO", "zh") == "中国澳门特别行政区"


@pytest.mark.parametrize("code", ["XX", "", "BRAZIL", None])
def test_unknown_country_names_field_and_rule(code):
    with pytest.raises(ValidationError) as err:
        countries.country(code, field="buyer.country")
    assert err.value.field == "buyer.country"
    assert err.value.rule == "iso3166-1"


def test_subdivisions_of_the_corridor():
    br = countries.subdivisions("BR")
    assert len(br) == 27 and "BR-SP" in {s.code for s in br}
    assert countries.subdivision("BR-SP").short == "SP"
    communities = countries.subdivisions("ES", type="Autonomous community")
    assert {"ES-MD", "ES-CT", "ES-AN"} <= {s.code for s in communities}
    assert countries.subdivision("ES-M").parent == "ES-MD"
    assert "PT-11" in {s.code for s in countries.subdivisions("PT")}
    with pytest.raises(ValidationError) as err:
        countries.subdivision("BR-XX")
    assert err.value.rule == "iso3166-2"


def test_currencies_minor_units_and_names():
    assert currencies.currency("CLP").minor_units == 0
    assert currencies.currency("COP").minor_units == 2  # ISO 4217, not CLDR
    assert currencies.currency("BRL").name("zh") == "巴西雷亚尔"
    assert currencies.format_money(("1234.5", "BRL"), "pt-BR") == "R$\xa01.234,50"
    with pytest.raises(ValidationError) as err:
        currencies.currency("XYZ", field="price.currency")
    assert err.value.field == "price.currency"


def test_airports_with_time_zones():
    gru = airports.airport("gru")
    assert gru.country == "BR" and gru.tz == "America/Sao_Paulo"
    assert airports.local_time("PVG", datetime(2026, 1, 1, tzinfo=UTC)).hour == 8
    assert 18000 < airports.distance_km("PVG", "GRU") < 19000
    assert "NLU" in {a.iata for a in airports.airports_in("MX")}
    with pytest.raises(ValidationError) as err:
        airports.airport("ZZZ")
    assert err.value.rule == "iata-airport"


def test_markets_are_consistent_with_other_tables():
    from ponte.reference.taxid import SCHEMES

    ms = markets.markets()
    assert [m.country for m in ms] == [
        "BR", "MX", "CL", "CO", "PE", "AR", "PT", "ES", "MO", "UY", "EC", "DO", "CR", "GT", "PY", "CN",
    ]  # fmt: skip
    for m in ms:
        countries.country(m.country)
        currencies.currency(m.currency)
        for code in m.airports:
            assert airports.airport(code).country == m.country
        for scheme in m.tax_ids:
            assert SCHEMES[scheme].country == m.country
    assert markets.market("cl").currency == "CLP"
    with pytest.raises(ValidationError) as err:
        markets.market("US")
    assert err.value.rule == "market"

"""The landed-cost page: lines with their legal basis, totals, verdict and errors in the viewer's language."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from console_data import LANGS, sign_in
from fastapi.testclient import TestClient

from ponte.duties import messages
from ponte.web.i18n import Locale

# Remessa Conforme, São Paulo, USD 50: II 20% = 10.00, ICMS 17% por dentro = 12.29 (docs/duties.md)
UOL_50 = {
    "destination": "BR",
    "destination_region": "SP",
    "date": "2025-07-24",
    "currency": "USD",
    "items.0.description": "blouse",
    "items.0.quantity": "1",
    "items.0.unit_price": "50",
    "seller.remessa_conforme": "on",
}


def error_of(html: str, field: str) -> str:
    found = re.search(
        rf'<small id="{re.escape(field.replace(".", "-"))}-error" class="error" data-field="{re.escape(field)}">([^<]*)</small>',
        html,
    )
    return found.group(1) if found else ""


def test_the_page_is_in_the_menu_and_shows_the_form(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    page = client.get("/quotes", params={"lang": "en"})
    assert page.status_code == 200
    assert 'href="/quotes"' in page.text and 'id="quote-form"' in page.text
    assert 'name="items.2.unit_price"' in page.text and 'name="seller.ioss"' in page.text


@pytest.mark.parametrize("lang", LANGS)
def test_a_quote_shows_lines_basis_totals_and_verdict(client: TestClient, park, lang: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    loc = Locale(lang)
    page = client.post("/quotes", data=UOL_50, params={"lang": lang})
    assert page.status_code == 200, page.text
    html = page.text
    assert 'data-kind="duty"' in html and 'data-kind="icms"' in html
    assert messages.text("duty", lang) in html and messages.text("icms", lang) in html
    assert "Lei 14.902/2024" in html  # the legal basis of the duty line
    assert "br.rts.ii_rc_low_rate" in html
    total = re.search(r'id="total-tax">([^<]*)<', html)
    landed = re.search(r'id="landed-cost">([^<]*)<', html)
    assert total and total.group(1) == loc.money(Decimal("22.29"), "USD")
    assert landed and landed.group(1) == loc.money(Decimal("72.29"), "USD")
    assert 'data-allowed="true"' in html and loc.gettext("Allowed") in html
    # reasons in the viewer's language (open points of the Brazilian rules)
    assert messages.text("open-point", lang, rule="br.rts.icms_rate_by_state") in html
    assert 'value="blouse"' in html and "checked" in html  # the form keeps what was typed


@pytest.mark.parametrize("lang", LANGS)
def test_errors_show_beside_their_fields(client: TestClient, park, lang: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    loc = Locale(lang)
    bad = dict(UOL_50, **{"items.0.unit_price": "-5", "items.1.quantity": "two", "date": "24/07/2025"})
    page = client.post("/quotes", data=bad, params={"lang": lang})
    assert page.status_code == 422
    assert error_of(page.text, "items.1.quantity") == loc.gettext("Enter a whole number.")
    assert error_of(page.text, "date") == loc.gettext("Enter a date as YYYY-MM-DD.")
    assert error_of(page.text, "items.0.unit_price") == loc.gettext("This value is not accepted.")
    assert 'value="-5"' in page.text


@pytest.mark.parametrize("lang", LANGS)
def test_rules_of_the_engine_show_beside_their_fields(client: TestClient, park, lang: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    loc = Locale(lang)
    too_early = client.post("/quotes", data=dict(UOL_50, date="2001-01-01"), params={"lang": lang})
    assert too_early.status_code == 422
    assert error_of(too_early.text, "date") == loc.gettext("Ponte has no rules for this market on this date.")
    nowhere = client.post("/quotes", data=dict(UOL_50, destination="JP"), params={"lang": lang})
    assert error_of(nowhere.text, "destination") == loc.gettext("Ponte has no rules for this destination.")
    bad_state = client.post("/quotes", data=dict(UOL_50, destination_region="XX"), params={"lang": lang})
    assert error_of(bad_state.text, "destination_region") == loc.gettext("Not a Brazilian state (e.g. SP).")
    bad_fx = client.post("/quotes", data=dict(UOL_50, fx="USD/BRL=abc"), params={"lang": lang})
    assert error_of(bad_fx.text, "fx") == loc.gettext("Write rates as USD/BRL=5.52, separated by commas.")


def test_a_blocked_quote_says_why(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    wine = dict(UOL_50, destination="MX", destination_region="", **{"items.0.category": "wine"})
    page = client.post("/quotes", data=wine, params={"lang": "pt-BR"})
    assert page.status_code == 200
    assert 'data-status="blocked"' in page.text and 'data-code="excluded-goods"' in page.text
    assert 'id="no-total"' in page.text and 'id="total-tax"' not in page.text
    assert Locale("pt-BR").gettext("Not allowed") in page.text

"""The "new order" form: errors beside their fields, in the viewer's language; success places it."""

from __future__ import annotations

import re

import pytest
from console_data import LANGS, sign_in
from fastapi.testclient import TestClient

from ponte.web.i18n import Locale

GOOD = {
    "external_ref": "WEB-0001",
    "trade_mode": "9610",
    "destination": "BR",
    "destination_region": "BR-SP",
    "currency": "USD",
    "buyer.name": "João Silva",
    "buyer.kind": "individual",
    "buyer.tax_id": "111.444.777-35",
    "buyer.address.line1": "Rua Augusta 500",
    "buyer.address.city": "São Paulo",
    "buyer.address.region": "SP",
    "buyer.address.postal_code": "01305-000",
    "lines.0.sku": "BEAUTY-001",
    "lines.0.quantity": "2",
}


def error_of(html: str, field: str) -> str:
    found = re.search(
        rf'<small id="{re.escape(field.replace(".", "-"))}-error" class="error" data-field="{re.escape(field)}">([^<]*)</small>',
        html,
    )
    return found.group(1) if found else ""


@pytest.mark.parametrize("lang", LANGS)
def test_errors_show_beside_their_fields(client: TestClient, park, lang: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    loc = Locale(lang)
    bad = dict(GOOD, **{"external_ref": "", "lines.0.quantity": "two"})
    response = client.post("/orders/new", data=bad, params={"lang": lang})
    assert response.status_code == 422
    assert error_of(response.text, "external_ref") == loc.gettext("This field is required.")
    assert error_of(response.text, "lines.0.quantity") == loc.gettext("Enter a whole number.")
    assert (
        'id="lines-0-quantity" name="lines.0.quantity" type="number" value="two" aria-invalid="true"'
        in response.text
    )
    assert 'value="João Silva"' in response.text  # what was typed is kept


@pytest.mark.parametrize("lang", LANGS)
def test_rules_of_the_order_show_beside_their_fields(client: TestClient, park, lang: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    loc = Locale(lang)
    bad = dict(
        GOOD,
        **{
            "external_ref": f"WEB-BAD-{lang}",
            "buyer.tax_id": "111.444.777-00",
            "lines.0.sku": "NOPE-1",
            "currency": "XXQ",
        },
    )
    response = client.post("/orders/new", data=bad, params={"lang": lang})
    assert response.status_code == 422
    assert error_of(response.text, "lines.0.sku") == loc.gettext("This SKU is not in the catalogue.")
    assert error_of(response.text, "currency") == loc.gettext("Unknown currency code (ISO 4217).")
    assert error_of(response.text, "buyer.tax_id") == loc.gettext(
        "The check digits of this tax ID do not match: look for a typo."
    )
    assert "br.cpf" not in response.text  # plain words, no rule codes
    assert loc.gettext("The order was not placed. Correct the fields marked below.") in response.text


def test_another_sellers_sku_is_unknown(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    response = client.post(
        "/orders/new", data=dict(GOOD, **{"lines.0.sku": "ELEC-003"}), params={"lang": "en"}
    )
    assert response.status_code == 422
    assert error_of(response.text, "lines.0.sku") == "This SKU is not in the catalogue."


def test_a_good_order_is_placed_and_shown(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    response = client.post("/orders/new", data=GOOD, params={"lang": "pt-BR"})
    assert response.status_code == 200, response.text
    assert "/orders/ord_" in str(response.url)
    assert "O pedido foi feito." in response.text
    assert "Pedido WEB-0001" in response.text
    assert "US$\xa025,00" in response.text  # 2 x 12.50
    assert "João Silva" not in response.text
    again = client.post("/orders/new", data=GOOD, params={"lang": "en"})
    assert again.status_code == 422
    assert error_of(again.text, "external_ref") == "You already have an order with this number."

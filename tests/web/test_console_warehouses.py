"""Console pages for warehouses: stock with cover, inbound, pick lists, replenishment; every language; each
tenant sees only its own."""

from __future__ import annotations

from typing import Any

import pytest
from console_data import LANGS, sign_in
from fastapi.testclient import TestClient

from ponte.web.i18n import translations

HEADINGS = ["Stock per warehouse", "Inbound shipments", "Pick lists"]


def _api(client: TestClient, key: str, path: str, body: dict[str, Any] | None = None) -> Any:
    response = client.post(f"/api/v1{path}", headers={"Authorization": f"Bearer {key}"}, json=body)
    assert response.status_code in (200, 201), response.text
    return response.json()


@pytest.fixture(scope="module")
def stocked(app_and_park) -> None:  # type: ignore[no-untyped-def]
    app, park = app_and_park
    with TestClient(app) as client:
        k = park.seller_key
        _api(
            client,
            k,
            "/warehouses",
            {
                "code": "GRU-9",
                "name": "São Paulo",
                "operator": "Armazém Ponte",
                "country": "BR",
                "time_zone": "America/Sao_Paulo",
                "currency": "BRL",
                "trade_mode": "9810",
            },
        )
        _api(client, k, "/warehouses/GRU-9/locations", {"code": "A-01"})
        _api(
            client,
            k,
            "/warehouses/GRU-9/receipts",
            {"sku": "BEAUTY-001", "quantity": 40, "lot_code": "LOT-77", "location": "A-01"},
        )
        _api(
            client,
            k,
            "/inbound-shipments",
            {
                "warehouse_code": "GRU-9",
                "asn_number": "ASN-GRU-9",
                "mode": "sea",
                "origin_country": "CN",
                "trade_mode": "9810",
                "expected_at": "2026-12-20T10:00:00Z",
                "bill_of_lading": "COSU1234567890",
                "lines": [{"sku": "BEAUTY-001", "quantity": 300, "lot_code": "LOT-78"}],
            },
        )
        _api(
            client,
            k,
            "/warehouses/GRU-9/reservations",
            {"order_id": "ord_console_1", "lines": [{"sku": "BEAUTY-001", "quantity": 2}]},
        )


@pytest.mark.parametrize("lang", LANGS)
def test_the_warehouse_page_in_every_language(client: TestClient, park, stocked, lang: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    page = client.get("/warehouses", params={"lang": lang})
    assert page.status_code == 200
    for heading in HEADINGS:
        assert translations(lang).gettext(heading) in page.text
    assert "GRU-9" in page.text and "ASN-GRU-9" in page.text and "COSU1234567890" in page.text
    assert "ord_console_1" in page.text and "LOT-77" in page.text
    suggestions = client.get("/warehouses/replenishment", params={"lang": lang})
    assert suggestions.status_code == 200
    assert translations(lang).gettext("Replenishment suggestions") in suggestions.text


def test_another_tenant_sees_none_of_it(client: TestClient, park, stocked) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.other_key)
    page = client.get("/warehouses", params={"lang": "en"})
    assert page.status_code == 200 and "GRU-9" not in page.text and "No warehouses yet." in page.text

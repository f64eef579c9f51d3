"""Careless and hostile order input: every case is a 4xx naming the field and the rule, nothing stored."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from factories import order_payload, product_payload


def _post(api, tenants, body: str):  # type: ignore[no-untyped-def]
    h = {**tenants.headers(tenants.key_a), "Content-Type": "application/json"}
    return api.post("/orders", content=body, headers=h)


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"external_ref": "SO\u00001"}, "external_ref", "no-control-characters"),
        ({"external_ref": "SO-1\nforged log line"}, "external_ref", "one-line"),
        ({"buyer": order_payload()["buyer"] | {"name": "Maria\tSilva"}}, "buyer.name", "one-line"),
        ({"placed_at": "0001-01-01T00:00:00Z"}, "placed_at", "date-window"),
        ({"placed_at": "9999-12-31T00:00:00Z"}, "placed_at", "date-window"),
        ({"placed_at": "2026-11-11T00:00:00"}, "placed_at", "time-zone"),
        ({"freight": "1e400"}, "freight", "less-than-equal"),
        ({"freight": "NaN"}, "freight", "finite-number"),
        ({"discount": "1000000"}, "discount", "total-not-negative"),
        ({"lines": [{"sku": "LIP-001", "quantity": 1, "unit_price": "1e-400"}]}, "lines.0.unit_price", None),
        (
            {"lines": [{"sku": "LIP-001", "quantity": 1, "unit_price": "10000000000000"}]},
            "lines.0.unit_price",
            None,
        ),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(api, tenants, change, field, rule) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    assert api.post("/products", json=product_payload(), headers=h).status_code == 201
    answer = _post(api, tenants, json.dumps(order_payload("SO-1") | change))
    assert answer.status_code == 422, answer.text
    errors = answer.json()["errors"]
    assert any(e["field"] == field and (rule is None or e["rule"] == rule) for e in errors), errors
    assert api.get("/orders", headers=h).json()["items"] == []


def test_json_numbers_are_read_exactly(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    api.post("/products", json=product_payload(), headers=h)
    body = json.dumps(order_payload("SO-2")).replace('"freight": "4.50"', '"freight": 123456789.123457')
    body = body.replace('"freight": 123456789.123457', '"freight": 123456789.1234567')
    answer = _post(api, tenants, body)
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "freight"  # 7 places: refused
    exact = body.replace("123456789.1234567", "123456789.123456")
    stored = _post(api, tenants, exact)
    assert stored.status_code == 201, stored.text
    assert Decimal(stored.json()["freight"]) == Decimal("123456789.123456")

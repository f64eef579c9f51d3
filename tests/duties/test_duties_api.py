"""POST /api/v1/quotes: the lean handler keeps the API's rules (auth, scope, problems)."""

from __future__ import annotations

from typing import Any

from ponte.accounts.store import ApiKeyRepository

REQ = {
    "destination": "MX",
    "date": "2025-09-01",
    "currency": "USD",
    "items": [{"description": "case", "quantity": 2, "unit_price": "12.50"}],
}


def test_quote_twice_with_either_header(api: Any, tenants: Any) -> None:
    first = api.post("/quotes", json=REQ, headers=tenants.headers(tenants.key_a))
    again = api.post("/quotes", json=REQ, headers={"X-API-Key": tenants.key_a})  # from the key cache
    assert first.status_code == again.status_code == 200
    assert first.headers["content-type"] == "application/json"
    assert first.json() == again.json()
    assert first.json()["total_tax"] == {"amount": "8.38", "currency": "USD"}


def test_bad_body_and_bad_keys(api: Any, tenants: Any, database: Any) -> None:
    headers = {**tenants.headers(tenants.key_a), "Content-Type": "application/json"}
    broken = api.post("/quotes", content=b"{not json", headers=headers)
    assert broken.status_code == 422 and "json" in broken.text
    not_object = api.post("/quotes", json=[1, 2], headers=headers)
    assert not_object.status_code == 422 and "object" in not_object.text
    # a JSON number is read exactly as a decimal (40.5 is 40.5): accepted like its string
    number = api.post("/quotes", content=b'{"destination": "MX", "date": "2025-09-01", "currency": "USD", '
                      b'"freight": 0.1, "items": [{"description": "case", "quantity": 2, "unit_price": 12.45}]}',
                      headers=headers)  # fmt: skip
    text = api.post("/quotes", json={**REQ, "freight": "0.1",
                    "items": [{"description": "case", "quantity": 2, "unit_price": "12.45"}]}, headers=headers)  # fmt: skip
    assert number.status_code == 200 and number.json() == text.json()
    assert number.json()["dutiable_value"]["amount"] == "25.00"
    nan = api.post("/quotes", content=b'{"destination": "MX", "date": "2025-09-01", "currency": "USD", '
                   b'"freight": NaN, "items": [{"description": "case", "quantity": 2, "unit_price": "1"}]}',
                   headers=headers)  # fmt: skip
    assert nan.status_code == 422 and "/freight" in nan.text
    assert api.post("/quotes", json=REQ, headers={"Authorization": "Bearer pk_nope"}).status_code == 401
    with database.unit_of_work() as uow:
        _, narrow = ApiKeyRepository(uow.session).issue(tenants.a, "narrow", ["orders:read"])
        uow.commit()
    for _ in range(2):  # the second call finds the key in the cache and must still refuse
        assert api.post("/quotes", json=REQ, headers={"X-API-Key": narrow}).status_code == 403

"""The purchase route answered before routing in the full app: same answers as the routed handler."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest


@pytest.fixture
def app_client(database):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from ponte.api.app import create_app
    from ponte.platform.settings import Settings

    app = create_app(Settings(database_url=database.url), database)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _offer(client, stage, headers, **over):  # type: ignore[no-untyped-def]
    at = datetime.now(UTC)
    body = {
        "sku": stage.sku,
        "price": "59.90",
        "currency": "CNY",
        "quantity_cap": 3,
        "per_buyer_limit": 2,
        "opens_at": (at - timedelta(minutes=1)).isoformat(),
        "closes_at": (at + timedelta(minutes=30)).isoformat(),
        "buckets": 2,
        **over,
    }
    created = client.post(f"/api/v1/live/sessions/{stage.session_id}/offers", json=body, headers=headers)
    assert created.status_code == 201, created.text
    return created.json()


def test_fast_route_buys_replays_and_refuses_like_the_routed_one(app_client, tenants, stage) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    offer = _offer(app_client, stage, h)
    url = f"/api/v1/live/offers/{offer['id']}/purchases"
    first = app_client.post(
        url,
        json={"buyer_ref": "v1", "quantity": 2},
        headers={**h, "Idempotency-Key": "k-1", "X-Request-Id": "req-1"},
    )
    assert first.status_code == 201, first.text
    assert first.headers["content-type"] == "application/json" and first.headers["x-request-id"] == "req-1"
    body = first.json()
    assert body["quantity"] == 2 and body["unit_price"] == "59.9" and body["currency"] == "CNY"
    again = app_client.post(
        url, json={"buyer_ref": "v1", "quantity": 2}, headers={**h, "Idempotency-Key": "k-1"}
    )
    assert again.json()["reservation_id"] == body["reservation_id"]
    assert again.headers["idempotent-replayed"] == "true"

    over = app_client.post(url, json={"buyer_ref": "v1", "quantity": 1}, headers={**h, "X-Request-Id": "r2"})
    assert over.status_code == 422 and over.headers["content-type"] == "application/problem+json"
    problem = over.json()
    assert (
        problem["errors"][0]["rule"] == "per-buyer-limit" and problem["errors"][0]["pointer"] == "/quantity"
    )
    assert (
        problem["instance"] == url and problem["request_id"] == "r2" and over.headers["x-request-id"] == "r2"
    )

    assert app_client.post(url, json={"buyer_ref": "v2", "quantity": 1}, headers=h).status_code == 201
    sold = app_client.post(url, json={"buyer_ref": "v3", "quantity": 1}, headers=h)
    assert sold.status_code == 409 and sold.json()["errors"][0]["rule"] == "stock-available"
    recon = app_client.get(f"/api/v1/live/offers/{offer['id']}/reconciliation", headers=h).json()
    assert recon["held"] == 3 and recon["available"] == 0 and recon["balanced"]


def test_fast_route_checks_key_scope_tenant_and_body(app_client, tenants, stage) -> None:  # type: ignore[no-untyped-def]
    offer = _offer(app_client, stage, tenants.headers(tenants.key_a))
    url = f"/api/v1/live/offers/{offer['id']}/purchases"
    good = {"buyer_ref": "x", "quantity": 1}
    anonymous = app_client.post(url, json=good)
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == "Bearer"
    assert anonymous.json()["errors"][0]["rule"] == "api-key"
    assert app_client.post(url, json=good, headers={"X-API-Key": "pk_nope"}).status_code == 401
    assert app_client.post(url, json=good, headers=tenants.headers(tenants.key_b)).status_code == 404
    h = {"X-API-Key": tenants.key_a}
    for bad in ({"buyer_ref": "x", "quantity": 0}, {"buyer_ref": "x", "quantity": 1_000_000}):
        r = app_client.post(url, json=bad, headers=h)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "quantity"
    extra = app_client.post(url, json={**good, "coupon": "x"}, headers=h)
    assert extra.status_code == 422 and extra.json()["errors"][0]["field"] == "coupon"
    broken = app_client.post(url, content=b"{not json", headers=h)
    assert broken.status_code == 422
    long_key = app_client.post(url, json=good, headers={**h, "Idempotency-Key": "k" * 201})
    assert long_key.status_code == 422 and long_key.json()["errors"][0]["field"] == "Idempotency-Key"
    missing = app_client.post("/api/v1/live/offers/off_nope/purchases", json=good, headers=h)
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    # other methods and near-miss paths still go through the router
    assert app_client.get(url, headers=h).status_code == 405
    assert (
        app_client.post(f"/api/v1/live/offers/{offer['id']}/x/purchases", json=good, headers=h).status_code
        == 404
    )

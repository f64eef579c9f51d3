"""The server's guard: request body and upload size limits, rate limits per API key and per address."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from factories import order_payload, product_payload
from ponte.api.app import create_app
from ponte.platform.db import Database
from ponte.platform.settings import Settings


def _server(database: Database, **settings: object) -> TestClient:
    values = {"database_url": database.url, "rate_limit_per_key": "", "rate_limit_per_ip": ""} | settings
    return TestClient(create_app(Settings(**values), database), raise_server_exceptions=False)  # type: ignore[arg-type]


def test_a_body_over_the_limit_is_413_before_it_is_parsed(tenants, database) -> None:  # type: ignore[no-untyped-def]
    h = {**tenants.headers(tenants.key_a), "Content-Type": "application/json"}
    with _server(database, max_body_bytes=50_000) as client:
        assert client.post("/api/v1/products", json=product_payload(), headers=h).status_code == 201
        padded = order_payload() | {"padding": "x" * 60_000}
        big = client.post("/api/v1/orders", json=padded, headers=h)
        assert big.status_code == 413 and big.headers["content-type"] == "application/problem+json"
        assert big.json()["errors"][0]["rule"] == "max-body-size"

        def chunks():  # type: ignore[no-untyped-def]
            for _ in range(20):
                yield b" " * 5_000  # no Content-Length: counted as it arrives

        streamed = client.post("/api/v1/orders", content=chunks(), headers=h)
        assert streamed.status_code == 413 and streamed.json()["errors"][0]["rule"] == "max-body-size"
        assert client.get("/api/v1/orders", headers=h).json()["items"] == []


def test_an_upload_has_its_own_limit(tenants, database) -> None:  # type: ignore[no-untyped-def]
    h = {**tenants.headers(tenants.key_a), "Content-Type": "text/csv"}
    with _server(database, max_body_bytes=1_000, max_upload_bytes=200_000) as client:
        small = client.post(
            "/api/v1/catalog/products/import?dry_run=true", content="sku\n" + "a\n" * 1_000, headers=h
        )
        assert (
            small.status_code == 422 and small.json()["errors"][0]["rule"] == "csv-columns"
        )  # read, then refused
        big = client.post("/api/v1/catalog/products/import", content="sku\n" + "a\n" * 200_000, headers=h)
        assert big.status_code == 413 and big.json()["errors"][0]["rule"] == "max-upload-size"


def test_rate_limit_per_key_answers_429_with_retry_after(tenants, database) -> None:  # type: ignore[no-untyped-def]
    with _server(database, rate_limit_per_key="5/minute") as client:
        answers = [
            client.get("/api/v1/me", headers=tenants.headers(tenants.key_a)).status_code for _ in range(7)
        ]
        assert answers == [200] * 5 + [429] * 2
        refused = client.get("/api/v1/me", headers=tenants.headers(tenants.key_a))
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.json()["errors"][0]["rule"] == "rate-limit-per-key"
        assert client.get("/api/v1/me", headers=tenants.headers(tenants.key_b)).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/openapi.json"])
def test_rate_limit_per_address(tenants, database, path) -> None:  # type: ignore[no-untyped-def]
    with _server(database, rate_limit_per_ip="4/minute") as client:
        answers = [client.get(path).status_code for _ in range(6)]
        assert answers[4:] == [429, 429] and 429 not in answers[:4]
        assert client.get(path).json()["errors"][0]["rule"] == "rate-limit-per-ip"


def test_the_defaults_limit_bodies_and_rates() -> None:
    settings = Settings()
    assert settings.max_body_bytes == 1_000_000 and settings.max_upload_bytes >= 20_000_000
    assert settings.rate_limit_per_key and settings.rate_limit_per_ip

"""Fuzz every operation of the API from its OpenAPI document: no input may cause a server error.

Runs on a database seeded with two sellers' products and orders, with an
all-scopes key, so generated requests reach real handlers, not only the
authentication check.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from ponte import schema as ponte_schema
from ponte.api.app import attach, create_api
from ponte.api.deps import KeyCache
from ponte.bootstrap import Platform
from ponte.platform.db import Database
from ponte.platform.settings import Settings


def _seeded_api():  # type: ignore[no-untyped-def]
    """The bare API on a throw-away SQLite database with one seller's product and order."""
    from factories import order_payload, product_payload, seed_tenants

    path = Path(tempfile.mkdtemp(prefix="ponte-fuzz-")) / "ponte.db"
    database = Database(f"sqlite:///{path}")
    ponte_schema.create_all(database.engine)
    tenants = seed_tenants(database)
    app = create_api()
    attach(app, Platform(Settings(database_url=database.url), _database=database), KeyCache())
    with TestClient(app) as client:
        h = tenants.headers(tenants.key_a)
        client.post("/products", json=product_payload(), headers=h)
        client.post("/orders", json=order_payload(), headers=h)
    return app, tenants


APP, TENANTS = _seeded_api()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_causes_a_server_error(case) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(
        headers=TENANTS.headers(TENANTS.key_a), checks=[not_a_server_error, response_schema_conformance]
    )

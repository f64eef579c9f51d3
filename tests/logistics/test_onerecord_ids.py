"""ONE Record ids come from the configured public address, never from the request's Host header."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from test_logistics_api import _setup

from ponte.api.app import attach, create_api
from ponte.api.deps import KeyCache
from ponte.bootstrap import Platform
from ponte.platform.settings import Settings


def _ids(doc: object) -> list[str]:
    text = json.dumps(doc)
    return [part.split('"', 1)[0] for part in text.split('"@id": "')[1:]]


def test_a_forged_host_header_never_reaches_one_record_ids(tenants, database) -> None:  # type: ignore[no-untyped-def]
    app = create_api()
    settings = Settings(database_url=database.url, public_url="https://ponte.example")
    attach(app, Platform(settings, _database=database), KeyCache())
    h = tenants.headers(tenants.key_a)
    with TestClient(app, base_url="http://evil.example") as api:
        ship = _setup(api, h)["shipments"][0]
        doc = api.get(f"/shipments/{ship['id']}/onerecord", headers={**h, "Host": "evil.example"})
        assert doc.status_code == 200
        forwarded = api.get(
            f"/shipments/{ship['id']}/onerecord", headers={**h, "X-Forwarded-Host": "evil.example"}
        )
    ids = _ids(doc.json()) + _ids(forwarded.json())
    assert ids and not any("evil.example" in i for i in ids)
    own = [i for i in ids if "logistics-objects" in i]
    assert own and all(i.startswith("https://ponte.example/logistics-objects/") for i in own), own[:5]

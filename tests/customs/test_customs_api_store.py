from __future__ import annotations

import json

import sqlalchemy as sa
from customs_factory import make_order

import ponte.customs.store  # noqa: F401 - registers the customs tables
from ponte.customs.adapters.eport_simulator import Simulator
from ponte.platform.migrate import upgrade


def _order(seed: int, direction: str = "import", mode: str = "9610") -> dict:
    return json.loads(make_order(seed, direction, mode).model_dump_json())


def test_declare_send_receipts_and_isolation(api, tenants, tmp_path, monkeypatch):
    monkeypatch.setenv("PONTE_CUSTOMS_DROP_DIR", str(tmp_path / "drop"))
    ha, hb = tenants.headers(tenants.key_a), tenants.headers(tenants.key_b)
    r = api.post("/customs/declarations", json=_order(1), headers={**ha, "Idempotency-Key": "k1"})
    assert r.status_code == 201, r.text
    decl = r.json()
    assert decl["state"] == "queued" and sorted(m["kind"] for m in decl["messages"]) == [
        "311",
        "411",
        "511",
        "621",
    ]
    again = api.post("/customs/declarations", json=_order(1), headers={**ha, "Idempotency-Key": "k1"})
    assert again.json()["id"] == decl["id"]
    assert api.get(f"/customs/declarations/{decl['id']}", headers=hb).status_code == 404

    xml = api.get(f"/customs/declarations/{decl['id']}/messages/621", headers=ha)
    assert xml.headers["content-type"].startswith("application/xml") and b"ds:Signature" in xml.content

    assert api.post("/customs/outbox/send", headers=ha).json() == {"sent": 4}
    assert api.post("/customs/outbox/send", headers=ha).json() == {"sent": 0}
    sim = Simulator(tmp_path / "drop")
    for _ in range(3):
        sim.tick()
    for path in sorted((tmp_path / "drop" / "receipts").glob("*.xml")):
        res = api.post(
            "/customs/receipts", content=path.read_bytes(), headers={**ha, "content-type": "application/xml"}
        )
        assert res.status_code == 200, res.text
        res = api.post(
            "/customs/receipts", content=path.read_bytes(), headers={**ha, "content-type": "application/xml"}
        )
        assert res.json()["applied"] == 0  # the same receipt twice changes nothing
    final = api.get(f"/customs/declarations/{decl['id']}", headers=ha).json()
    assert final["state"] == "released", final
    assert any(r["meaning"]["pt-BR"] == "liberado" for r in final["receipts"])


def test_validate_and_check_endpoints(api, tenants):
    h = tenants.headers(tenants.key_a)
    bad = _order(2)
    bad["lines"][0]["hs_code"] = "12"
    r = api.post("/customs/declarations/validate", json=bad, headers=h)
    assert r.status_code == 422 and "hs_code" in r.text
    r = api.post("/customs/declarations/validate", json=_order(3, "export", "9710"), headers=h)
    assert r.status_code == 200 and r.json() == []
    r = api.post(
        "/customs/messages/check", content=b"<truncated", headers={**h, "content-type": "application/xml"}
    )
    assert r.status_code == 200 and r.json()["ok"] is False and "well-formed" in r.text


def test_migration_creates_the_customs_tables(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    names = sa.inspect(sa.create_engine(url)).get_table_names()
    assert {"customs_declarations", "customs_messages", "customs_receipts"} <= set(names)

from __future__ import annotations

import json

import sqlalchemy as sa
from customs_factory import make_order
from journey_factory import profile

import ponte.customs.store  # noqa: F401 - registers the customs tables
from ponte.customs.adapters.eport_simulator import Simulator
from ponte.customs.china.signer import demo_credentials
from ponte.platform.migrate import upgrade


def _order(seed: int, direction: str = "import", mode: str = "9610") -> dict:  # type: ignore[type-arg]
    return json.loads(make_order(seed, direction, mode).model_dump_json())


def _put_profile(api, headers) -> None:  # type: ignore[no-untyped-def]
    key, cert = demo_credentials()
    body = {**json.loads(profile(cert.decode()).model_dump_json()), "signing_key": key.decode()}
    r = api.put("/customs/profile", json=body, headers=headers)
    assert r.status_code == 200, r.text
    assert "PRIVATE KEY" not in r.text and r.json()["has_signing_key"] is True


def test_profile_put_get_and_named_errors(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    assert api.get("/customs/profile", headers=h).status_code == 404
    _key, cert = demo_credentials()
    other_key, _ = demo_credentials()
    body = json.loads(profile(cert.decode()).model_dump_json())
    body["platform"]["code"] = "4403960PL"  # 9 characters
    body["dxp_id"] = "DXPLGS0000000001"
    r = api.put("/customs/profile", json={**body, "signing_key": other_key.decode()}, headers=h)
    assert r.status_code == 422
    errors = {e["field"]: e["rule"] for e in r.json()["errors"]}
    assert errors == {"platform.code": "party-code", "dxp_id": "dxp-id"}
    body = json.loads(profile(cert.decode()).model_dump_json())
    r = api.put("/customs/profile", json={**body, "signing_key": other_key.decode()}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "key-pair"
    _put_profile(api, h)
    got = api.get("/customs/profile", headers=h).json()
    assert got["profile"]["transmitter"]["code"] == "4403960ABC" and got["has_signing_key"]
    assert api.get("/customs/profile", headers=tenants.headers(tenants.key_b)).status_code == 404


def test_declare_send_receipts_and_isolation(api, tenants, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ha, hb = tenants.headers(tenants.key_a), tenants.headers(tenants.key_b)
    r = api.post("/customs/declarations", json=_order(1), headers={**ha, "Idempotency-Key": "k1"})
    assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "customs-profile-missing"
    _put_profile(api, ha)
    r = api.post("/customs/declarations", json=_order(1), headers={**ha, "Idempotency-Key": "k2"})
    assert r.status_code == 201, r.text
    decl = r.json()
    assert decl["state"] == "queued" and [m["kind"] for m in decl["messages"]] == ["311", "411", "511", "621"]
    again = api.post("/customs/declarations", json=_order(1), headers={**ha, "Idempotency-Key": "k2"})
    assert again.json()["id"] == decl["id"]
    assert api.get(f"/customs/declarations/{decl['id']}", headers=hb).status_code == 404

    xml = api.get(f"/customs/declarations/{decl['id']}/messages/621", headers=ha)
    assert xml.headers["content-type"].startswith("application/xml") and b"ds:Signature" in xml.content

    drop = api.app.state.platform.settings.customs_exchange_dir
    assert api.post("/customs/outbox/send", headers=ha).json() == {"sent": 4}
    assert api.post("/customs/outbox/send", headers=ha).json() == {"sent": 0}
    sim_root = tmp_path / "sim"
    (sim_root / "inbox").mkdir(parents=True)
    for f in (drop / "out").glob("*.xml"):
        f.rename(sim_root / "inbox" / f.name)
    sim = Simulator(sim_root)
    for _ in range(3):
        sim.tick()
    journey = []
    for path in sorted((sim_root / "receipts").glob("*.xml")):
        headers = {**ha, "content-type": "application/xml"}
        res = api.post("/customs/receipts", content=path.read_bytes(), headers=headers)
        assert res.status_code == 200, res.text
        journey += [c["journey"] for c in res.json()["changed"] if c["journey"]]
        res = api.post("/customs/receipts", content=path.read_bytes(), headers=headers)
        assert res.json()["applied"] == 0 and res.json()["changed"] == []  # the same receipt twice
    final = api.get(f"/customs/declarations/{decl['id']}", headers=ha).json()
    assert final["state"] == "released", final
    assert journey == ["cleared"]
    assert any(r["meaning"]["pt-BR"] == "liberado" for r in final["receipts"])


def test_validate_and_check_endpoints(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    _put_profile(api, h)
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


def test_migration_creates_the_customs_tables(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    names = sa.inspect(sa.create_engine(url)).get_table_names()
    assert {"customs_declarations", "customs_messages", "customs_receipts", "customs_profiles"} <= set(names)

"""API keys: their own scope, never more than the issuer holds, revocation of what a key minted, list and
revoke in the API and the CLI, revocation seen by every worker within a second, streams closed on revocation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from ponte.accounts import service as accounts
from ponte.accounts.core import ALL_TENANT_SCOPES, Principal
from ponte.accounts.store import ApiKey
from ponte.api.app import attach, create_api
from ponte.api.deps import KeyCache
from ponte.bootstrap import Platform
from ponte.kernel.errors import PermissionDenied
from ponte.platform.db import Database
from ponte.platform.settings import Settings


def _key(
    database: Database, tenant_id: str, scopes: list[str], by: Principal | None = None
) -> tuple[str, str]:
    with database.unit_of_work() as uow:
        view, secret = accounts.issue_key(uow, tenant_id, "t", scopes, by=by)
        uow.commit()
    return view.id, secret


def _h(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _app(database: Database) -> TestClient:
    app = create_api()
    attach(app, Platform(Settings(database_url=database.url), _database=database), KeyCache())
    return TestClient(app, raise_server_exceptions=False)


def test_a_key_without_keys_manage_can_neither_issue_list_nor_revoke(api, tenants, database) -> None:  # type: ignore[no-untyped-def]
    _, narrow = _key(database, tenants.a, ["catalog:read"])
    made = api.post("/api-keys", json={"name": "x", "scopes": ["catalog:read"]}, headers=_h(narrow))
    assert made.status_code == 403 and made.json()["errors"][0]["rule"] == "keys:manage"
    assert api.get("/api-keys", headers=_h(narrow)).status_code == 403
    broad_id, broad = _key(database, tenants.a, ALL_TENANT_SCOPES)
    revoke = api.post(f"/api-keys/{broad_id}/revoke", headers=_h(narrow))
    assert revoke.status_code == 403
    assert api.get("/me", headers=_h(broad)).status_code == 200  # still works


def test_a_manager_never_grants_nor_revokes_beyond_its_scopes(api, tenants, database) -> None:  # type: ignore[no-untyped-def]
    _, manager = _key(database, tenants.a, ["keys:manage", "catalog:read"])
    more = api.post("/api-keys", json={"name": "x", "scopes": ["orders:write"]}, headers=_h(manager))
    assert more.status_code == 403 and more.json()["errors"][0]["rule"] == "scope-subset"
    broad_id, broad = _key(database, tenants.a, ALL_TENANT_SCOPES)
    refused = api.delete(f"/api-keys/{broad_id}", headers=_h(manager))
    assert refused.status_code == 403 and refused.json()["errors"][0]["rule"] == "scope-subset"
    assert api.get("/me", headers=_h(broad)).status_code == 200
    ok = api.post("/api-keys", json={"name": "reader", "scopes": ["catalog:read"]}, headers=_h(manager))
    assert ok.status_code == 201 and ok.json()["scopes"] == ["catalog:read"]
    with database.unit_of_work() as uow, pytest.raises(PermissionDenied):
        accounts.issue_key(
            uow, tenants.a, "x", ["catalog:read"], by=Principal(tenants.a, frozenset({"catalog:read"}))
        )


def test_other_tenants_keys_cannot_be_listed_or_revoked(api, tenants, database) -> None:  # type: ignore[no-untyped-def]
    other_id, other = _key(database, tenants.b, ["catalog:read"])
    assert api.post(f"/api-keys/{other_id}/revoke", headers=_h(tenants.key_a)).status_code == 404
    listed = api.get("/api-keys", headers=_h(tenants.key_a)).json()["items"]
    assert other_id not in {k["id"] for k in listed}
    assert api.get("/me", headers=_h(other)).status_code == 200


def test_revoking_a_key_revokes_what_it_minted_and_what_they_minted(api, tenants, database) -> None:  # type: ignore[no-untyped-def]
    parent_id, parent = _key(database, tenants.a, ALL_TENANT_SCOPES)
    child = api.post(
        "/api-keys", json={"name": "c", "scopes": ["keys:manage", "catalog:read"]}, headers=_h(parent)
    )
    assert child.status_code == 201, child.text
    assert child.json()["parent_id"] == parent_id
    grandchild = api.post(
        "/api-keys", json={"name": "g", "scopes": ["catalog:read"]}, headers=_h(child.json()["key"])
    )
    assert grandchild.status_code == 201
    listed = {k["id"]: k for k in api.get("/api-keys", headers=_h(tenants.key_a)).json()["items"]}
    assert {parent_id, child.json()["id"], grandchild.json()["id"]} <= set(listed)
    assert all("key" not in k and "secret_hash" not in k for k in listed.values())
    revoked = api.post(f"/api-keys/{parent_id}/revoke", headers=_h(tenants.key_a))
    assert revoked.status_code == 200
    assert set(revoked.json()["revoked"]) == {parent_id, child.json()["id"], grandchild.json()["id"]}
    for key in (parent, child.json()["key"], grandchild.json()["key"]):
        assert api.get("/me", headers=_h(key)).status_code == 401
    listed = {k["id"]: k for k in api.get("/api-keys", headers=_h(tenants.key_a)).json()["items"]}
    assert listed[grandchild.json()["id"]]["revoked_at"] is not None


def test_a_key_minted_by_a_since_revoked_parent_stops_working(api, tenants, database) -> None:  # type: ignore[no-untyped-def]
    parent_id, parent = _key(database, tenants.a, ALL_TENANT_SCOPES)
    child = api.post("/api-keys", json={"name": "c", "scopes": ["catalog:read"]}, headers=_h(parent)).json()
    # the parent revoked by a path that left the child's own row untouched (an old revocation, a direct edit)
    other_id, _ = _key(database, tenants.b, ["catalog:read"])
    with database.unit_of_work() as uow:
        uow.session.execute(update(ApiKey).where(ApiKey.id == parent_id).values(revoked_at=ApiKey.created_at))
        accounts.revoke_key(uow, tenants.b, other_id)  # any revocation bumps the shared version
        uow.commit()
    assert api.get("/me", headers=_h(child["key"])).status_code == 401


def test_revocation_reaches_another_worker_within_a_second(tenants, database) -> None:  # type: ignore[no-untyped-def]
    key_id, key = _key(database, tenants.a, ["catalog:read"])
    with _app(database) as worker_a, _app(database) as worker_b:
        for _ in range(3):  # the key is now in worker B's cache
            assert worker_b.get("/me", headers=_h(key)).status_code == 200
        assert worker_a.post(f"/api-keys/{key_id}/revoke", headers=_h(tenants.key_a)).status_code == 200
        revoked_at = time.monotonic()
        while worker_b.get("/me", headers=_h(key)).status_code == 200:
            assert time.monotonic() - revoked_at < 1.0, "worker B still accepts the revoked key after 1 s"
            time.sleep(0.05)
        assert worker_b.get("/me", headers=_h(key)).status_code == 401


def test_an_open_event_stream_closes_when_its_key_is_revoked(tenants, database) -> None:  # type: ignore[no-untyped-def]
    from live.live_stage import build_stage

    stage = build_stage(database, tenants.a)
    key_id, key = _key(database, tenants.a, ["live:read"])
    events: list[str] = []
    with _app(database) as client:

        def revoke_soon() -> None:
            time.sleep(1.2)
            with database.unit_of_work() as uow:
                accounts.revoke_key(uow, tenants.a, key_id)
                uow.commit()

        threading.Thread(target=revoke_soon, daemon=True).start()
        started = time.monotonic()
        url = f"/live/sessions/{stage.session_id}/figures/stream?every=0.5"
        with client.stream("GET", url, headers=_h(key)) as stream:
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    events.append(line)
                assert time.monotonic() - started < 10, "the stream outlived its key"
    assert events[0] == "event: figures" and events[-1] == "event: revoked"


def test_figures_stream_refuses_a_nan_interval(api, tenants, database) -> None:  # type: ignore[no-untyped-def]
    from live.live_stage import build_stage

    stage = build_stage(database, tenants.a)
    for every in ("nan", "inf", "0", "-1"):
        r = api.get(
            f"/live/sessions/{stage.session_id}/figures/stream?every={every}", headers=_h(tenants.key_a)
        )
        assert r.status_code == 422, (every, r.text)
        assert r.json()["errors"][0]["pointer"].endswith("every")


def _ponte(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PONTE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "PONTE_LOG_LEVEL": "WARNING",
    }
    return subprocess.run(
        [sys.executable, "-m", "ponte", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_lists_and_revokes_keys(tmp_path: Path) -> None:
    assert _ponte(tmp_path, "db", "upgrade").returncode == 0
    assert _ponte(tmp_path, "keys", "tenant", "beleza", "--name", "Beleza").returncode == 0
    issued = json.loads(
        _ponte(tmp_path, "keys", "issue", "beleza", "--scope", "catalog:read", "--json").stdout
    )
    listed = _ponte(tmp_path, "keys", "list", "beleza", "--json")
    assert listed.returncode == 0, listed.stderr
    keys = json.loads(listed.stdout)["keys"]
    assert [k["id"] for k in keys] == [issued["id"]] and issued["key"] not in listed.stdout
    revoked = json.loads(_ponte(tmp_path, "keys", "revoke", "beleza", issued["id"], "--json").stdout)
    assert revoked["revoked"] == [issued["id"]]
    again = json.loads(_ponte(tmp_path, "keys", "list", "beleza", "--json").stdout)["keys"]
    assert again[0]["revoked_at"] is not None
    missing = _ponte(tmp_path, "keys", "revoke", "beleza", "key_nope", "--json")
    assert missing.returncode == 2 and "key_nope" in missing.stdout


def test_a_repeated_key_request_names_the_key_but_never_keeps_its_secret(
    api, database: Database, tenants
) -> None:  # type: ignore[no-untyped-def]
    h = {**_h(tenants.key_a), "Idempotency-Key": "issue-once"}
    body = {"name": "shop sync", "scopes": ["catalog:read"]}
    first = api.post("/api-keys", json=body, headers=h)
    again = api.post("/api-keys", json=body, headers=h)
    assert first.status_code == again.status_code == 201
    secret = first.json()["key"]
    assert secret and again.json()["id"] == first.json()["id"] and again.json()["key"] is None
    assert again.headers["Idempotent-Replayed"] == "true"
    assert api.get("/products", headers=_h(secret)).status_code == 200  # the secret first shown works
    with database.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT body FROM idempotency_records").scalars().all()
    assert stored and not any(secret.encode() in bytes(b) for b in stored)

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from ponte.platform.db import Database


def ponte(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
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


@pytest.mark.slow
def test_demo_loads_once_with_encrypted_buyers_and_keys(tmp_path: Path) -> None:
    first = ponte(tmp_path, "demo", "--orders", "300", "--sellers", "3", "--json")
    assert first.returncode == 0, first.stderr
    result = json.loads(first.stdout)
    assert result["loaded"] is True and result["counts"]["orders"] == 300 and result["counts"]["tenants"] == 4
    keys = json.loads((tmp_path / "var/demo-keys.json").read_text())
    assert set(keys) == {"demo-park", "demo-001", "demo-002", "demo-003"}
    again = ponte(tmp_path, "demo", "--json")
    assert json.loads(again.stdout)["loaded"] is False
    db = Database(f"sqlite:///{tmp_path / 'cli.db'}")
    with db.engine.connect() as conn:
        paid_live = conn.execute(
            text("SELECT count(*) FROM live_reservations WHERE status = 'paid'")
        ).scalar()
        assert paid_live and conn.execute(text("SELECT count(*) FROM orders")).scalar() == 300 + paid_live
        assert conn.execute(text("SELECT count(*) FROM live_sessions WHERE status = 'live'")).scalar() == 1
        token = conn.execute(text("SELECT tax_id FROM buyers LIMIT 1")).scalar()
    assert token.startswith("gAAAA")  # a Fernet token, not the number


def test_bad_input_exits_2_naming_the_field(tmp_path: Path) -> None:
    assert ponte(tmp_path, "db", "upgrade").returncode == 0
    missing = ponte(tmp_path, "keys", "issue", "no-such-seller")
    assert missing.returncode == 2
    assert (
        "tenant" in missing.stderr
        and "no-such-seller" in missing.stderr
        and "Traceback" not in missing.stderr
    )
    assert ponte(tmp_path, "keys", "tenant", "beleza", "--name", "Beleza").returncode == 0
    bad_scope = ponte(tmp_path, "keys", "issue", "beleza", "--scope", "orders:everything")
    assert bad_scope.returncode == 2 and "scopes" in bad_scope.stderr and "known-scope" in bad_scope.stderr


def test_simulate_into_the_database_is_all_or_nothing(tmp_path: Path) -> None:
    first = ponte(tmp_path, "simulate", "--orders", "200", "--seed", "5", "--db", "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["database"]["counts"]["orders"] == 200
    again = ponte(tmp_path, "simulate", "--orders", "200", "--seed", "5", "--db")
    assert again.returncode == 2 and "sim5-park" in again.stderr
    db = Database(f"sqlite:///{tmp_path / 'cli.db'}")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM orders")).scalar() == 200
    assert ponte(tmp_path, "simulate", "--orders", "5").returncode == 2

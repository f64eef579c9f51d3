"""`ponte replenish` and `ponte warehouses list|stock` on a database: JSON with --json, exit 2 on bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner
from wh_specs import sao_paulo

from factories import seed_tenants
from ponte import bootstrap, schema
from ponte.cli import app
from ponte.platform.db import Database
from ponte.warehouses.service import WarehouseService


def test_replenish_and_stock_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    db = Database(url)
    schema.create_all(db.engine)
    tenants = seed_tenants(db)
    s = WarehouseService(db)
    s.add_warehouse(tenants.a, sao_paulo())
    s.add_location(tenants.a, "GRU-1", "A-01")
    today = datetime.now(UTC).date()
    s.record_history(
        tenants.a, "GRU-1", "LIP-001", "H", "A-01", today - timedelta(days=42), [5, 6, 4, 7, 9, 12, 3] * 6
    )
    s.receive(tenants.a, "GRU-1", "LIP-001", 30, "L1", "A-01")
    db.dispose()
    monkeypatch.setenv("PONTE_DATABASE_URL", url)
    bootstrap.reset()
    try:
        runner = CliRunner()
        listed = runner.invoke(app, ["warehouses", "list", "--tenant", "beleza", "--json"])
        assert listed.exit_code == 0, listed.output
        assert [w["code"] for w in json.loads(listed.output)["items"]] == ["GRU-1"]
        stock = runner.invoke(app, ["warehouses", "stock", "--tenant", "beleza", "--json"])
        [line] = json.loads(stock.output)["items"]
        assert (line["sku"], line["available"]) == ("LIP-001", 30) and line["cover_days"] > 0
        res = runner.invoke(app, ["replenish", "--tenant", "beleza", "--mode", "air", "--json"])
        assert res.exit_code == 0, res.output
        [sug] = json.loads(res.output)["items"]
        assert (sug["sku"], sug["available"], sug["lead_days"]) == ("LIP-001", 30, 9) and sug["quantity"] > 0
        bad = runner.invoke(app, ["replenish", "--tenant", "beleza", "--warehouse", "NOPE", "--json"])
        assert bad.exit_code == 2
        assert json.loads(bad.output)["error"]["violations"][0]["rule"] == "unknown-warehouse"
        human = runner.invoke(app, ["replenish", "--tenant", "beleza", "--mode", "air"])
        assert human.exit_code == 0 and "Replenishment at service level 95%" in human.output
    finally:
        bootstrap.reset()

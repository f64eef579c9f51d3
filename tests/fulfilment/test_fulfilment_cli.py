"""`ponte fulfil` on Ponte's orders dataset (the simulator's files) with a stock file, and bad input answered
with exit 2 naming the field and the rule."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from ponte.cli import app
from ponte.orders import dataset
from ponte.platform.db import Database

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("sim") / "o.parquet"
    res = runner.invoke(app, ["simulate", "--orders", "80", "--seed", "5", "--days", "3", "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


def _stock(corpus: Path, path: Path) -> Path:
    """Stock of every SKU of the corpus' 9810 and 1210 orders, in a warehouse of their market."""
    t = dataset.read_tables(corpus)
    orders = {o["id"]: o for o in t["orders"].to_pylist()}
    rows = {"warehouse_code,country,bonded,trade_mode,sku,available,handling_days,cut_off_local"}
    for ln in t["lines"].to_pylist():
        o = orders[ln["order_id"]]
        if o["trade_mode"] in ("9810", "1210"):
            bonded = "true" if o["trade_mode"] == "1210" else "false"
            rows.add(
                f"{o['destination']}-W1,{o['destination']},{bonded},{o['trade_mode']},{ln['sku']},50,1,14:00"
            )
    path.write_text("\n".join(sorted(rows, key=lambda r: not r.startswith("warehouse_code"))) + "\n", "utf-8")
    return path


def test_the_choice_per_order_and_a_summary(corpus: Path, tmp_path: Path) -> None:
    stock = _stock(corpus, tmp_path / "stock.csv")
    res = runner.invoke(app, ["fulfil", str(corpus), "--stock", str(stock), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["summary"]["orders"] == 80 == len(doc["choices"])
    modes = doc["summary"]["by_mode"]
    assert modes.get("9610", 0) > 0 and (modes.get("9810", 0) + modes.get("1210", 0)) > 0, modes
    chosen = [c for c in doc["choices"] if c["chosen"]]
    assert all(c["total_cost"] and c["promised"] for c in chosen)
    out = tmp_path / "choices.parquet"
    res = runner.invoke(app, ["fulfil", str(corpus), "--stock", str(stock), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert pq.read_table(out).num_rows == 80 and "Summary" in res.output


def test_without_stock_nothing_leaves_a_warehouse(corpus: Path) -> None:
    res = runner.invoke(app, ["fulfil", str(corpus), "--json"])
    assert res.exit_code == 0, res.output
    assert set(json.loads(res.stdout)["summary"]["by_mode"]) <= {"9610", "9710", "none"}


@pytest.mark.parametrize(
    ("args", "field", "rule"),
    [
        (["fulfil", "missing.parquet"], "ORDERS", "readable"),
        (["fulfil", "--db"], "--tenant", "required"),
        (["fulfil", "{corpus}", "--settings", "{bad_rules}"], "prefer", "fulfilment-prefer"),
        (
            ["fulfil", "{corpus}", "--stock", "{bad_stock}"],
            "--stock:2.available",
            "fulfilment-stock-non-negative",
        ),
    ],
)
def test_bad_input_exits_2_naming_field_and_rule(corpus: Path, tmp_path: Path, args, field, rule) -> None:  # type: ignore[no-untyped-def]
    bad_rules = tmp_path / "rules.json"
    bad_rules.write_text(json.dumps({"rules": {"prefer": "nearest"}}), "utf-8")
    bad_stock = tmp_path / "stock.csv"
    bad_stock.write_text(
        "warehouse_code,country,bonded,trade_mode,sku,available\nW,BR,false,9810,X,-4\n", "utf-8"
    )
    filled = [a.format(corpus=corpus, bad_rules=bad_rules, bad_stock=bad_stock) for a in args]
    res = runner.invoke(app, [*filled, "--json"])
    assert res.exit_code == 2, res.output
    err = json.loads(res.stdout)["error"]["violations"][0]
    assert (err["field"], err["rule"]) == (field, rule), err


def test_stored_orders_after_the_migrations(tmp_path: Path) -> None:
    """``ponte db upgrade`` creates the fulfilment tables (fulfilment_0001); ``--db`` chooses for stored orders."""
    env = {**os.environ, "PONTE_DATABASE_URL": f"sqlite:///{tmp_path / 'f.db'}", "PONTE_LOG_LEVEL": "WARNING"}

    def ponte(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "ponte", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)  # fmt: skip

    assert ponte("db", "upgrade").returncode == 0
    assert ponte("simulate", "--orders", "40", "--seed", "9", "--db").returncode == 0
    db = Database(env["PONTE_DATABASE_URL"])
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM fulfilment_choices")).scalar() == 0
        (tenant,) = conn.execute(
            text("SELECT tenant_id FROM orders GROUP BY tenant_id ORDER BY count(*) DESC")
        ).first()  # type: ignore[misc]
        ids = [
            r[0]
            for r in conn.execute(text("SELECT id FROM orders WHERE tenant_id = :t LIMIT 3"), {"t": tenant})
        ]
    db.dispose()
    res = ponte("fulfil", "--db", "--tenant", tenant, *ids, "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert [c["order_id"] for c in doc["choices"]] == ids and doc["summary"]["orders"] == 3

"""`ponte process` end to end on a small simulated corpus."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from ponte.batch import pipeline
from ponte.cli import app
from ponte.customs.china.signer import demo_credentials
from ponte.simulate import simulate, write

XSD = Path(__file__).parents[2] / ".." / "shared" / "ceb" / "xsd"
FX = (("USD/EUR", "0.92"),)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "orders.parquet"
    write(simulate(11, 240, date(2026, 3, 2), 2), path)
    return path


@pytest.fixture(scope="module")
def options() -> pipeline.Options:
    key, cert = demo_credentials()
    return pipeline.Options(fx=FX, key_pem=key, cert_pem=cert)


@pytest.fixture(scope="module")
def done(corpus: Path, options: pipeline.Options, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    pipeline.run(pipeline.read_inputs(corpus), out, options)
    return out


def _files(out: Path) -> dict[str, bytes]:
    """Every output except the markers, which carry timings."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.parts[len(out.parts)] != "done"
    }


def test_every_order_gets_one_quote_row(corpus: Path, done: Path) -> None:
    orders = pq.read_table(corpus, columns=["id", "trade_mode"])
    rows = pq.read_table(done / "quotes", partitioning=None).to_pylist()
    assert sorted(r["order_id"] for r in rows) == sorted(orders["id"].to_pylist())
    for r in rows:
        assert r["verdict"] in ("allowed", "blocked", "incomplete", "error")
        assert r["trade_mode"] in ("9610", "9710", "9810", "1210")
        assert r["fulfilment"] == pipeline_steps_fulfilment()[r["trade_mode"]]
        if r["verdict"] == "allowed":
            assert r["landed_cost"] is not None and r["total_tax"] is not None and r["regime"]
            assert r["landed_cost"] >= r["total_tax"] >= 0
        else:
            assert r["reasons"], r
    summary = json.loads((done / "summary.json").read_text())
    assert summary["orders"] == orders.num_rows and summary["finished"] == summary["partitions"]


def pipeline_steps_fulfilment() -> dict[str, str]:
    from ponte.batch.steps import FULFILMENT

    return FULFILMENT


def test_customs_waits_for_the_waybill_instead_of_inventing_one(done: Path) -> None:
    """The batch issues no waybill before its customs stage: no order is declared with an invented
    master bill or flight, and each one says what it waits for."""
    rows = pq.read_table(done / "quotes", partitioning=None).to_pylist()
    assert not list((done / "customs").rglob("*.xml"))
    assert rows and all(r["customs_ok"] is False and r["customs_messages"] == 0 for r in rows)
    assert all("waybill-required" in r["customs_problems"][0] for r in rows)


def test_plans_place_every_parcel_or_say_why(done: Path) -> None:
    rows = {r["order_id"]: r for r in pq.read_table(done / "quotes", partitioning=None).to_pylist()}
    seen = set()
    for plan_file in (done / "plans").rglob("*.json"):
        plan = json.loads(plan_file.read_text())
        for oid, status in plan["parcel_status"].items():
            seen.add(oid)
            assert status["placed"] == rows[oid]["placed"]
            if status["placed"]:
                assert status["flight"] and status["uld"] >= 0
            else:
                assert status["reason"]
        assert plan["placed"] <= plan["parcels"]
    assert seen == set(rows)
    assert any(r["placed"] for r in rows.values())


def test_interrupted_run_resumes_without_redoing_and_gives_identical_outputs(
    corpus: Path, done: Path, options: pipeline.Options, tmp_path: Path
) -> None:
    inputs = pipeline.read_inputs(corpus)
    finished: list[str] = []

    def stop_after_three(part: pipeline.Partition, marker: dict | None) -> None:
        finished.append(part.key)
        if len(finished) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pipeline.run(inputs, tmp_path, options, on_partition=stop_after_three)
    assert len(list((tmp_path / "done").rglob("*.json"))) == 3
    again: list[tuple[str, bool]] = []
    summary = pipeline.run(
        inputs, tmp_path, options, on_partition=lambda p, m: again.append((p.key, m is None))
    )
    total = len(pipeline.partitions(inputs))
    assert summary["run"] == summary["run"] | {"partitions_run": total - 3, "partitions_skipped": 3}
    assert [k for k, skipped in again if skipped] == finished
    assert _files(tmp_path) == _files(done)
    third = pipeline.run(inputs, tmp_path, options)
    assert third["run"]["partitions_run"] == 0


def test_skipped_stage_then_full_run_and_pool(
    corpus: Path, done: Path, options: pipeline.Options, tmp_path: Path
) -> None:
    inputs = pipeline.read_inputs(corpus)
    day = [date(2026, 3, 3)]
    light = pipeline.Options(fx=FX, skip=frozenset({"customs"}))
    pipeline.run(inputs, tmp_path, light, days=day)
    assert not (tmp_path / "customs").exists()
    rows = pq.read_table(tmp_path / "quotes", partitioning=None).to_pylist()
    assert rows and all(r["customs_ok"] is None and r["verdict"] for r in rows)
    full = pipeline.run(inputs, tmp_path, options, days=day, workers=2)
    assert full["run"]["partitions_skipped"] == 0  # customs was not done: the partitions run again
    ours = {k: v for k, v in _files(tmp_path).items() if "2026-03-03" in k and "summary" not in k}
    theirs = {k: v for k, v in _files(done).items() if "2026-03-03" in k}
    assert ours == theirs


def test_cli_processes_and_names_the_broken_field(corpus: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(
        app,
        [
            "process",
            str(corpus),
            "--out",
            str(tmp_path / "o"),
            "--skip",
            "customs,plans",
            "--fx",
            "USD/EUR=0.92",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["orders"] == 240 and doc["verdicts"]
    broken = tmp_path / "bad" / "orders.parquet"
    broken.parent.mkdir()
    for name in ("lines", "products", "buyers", "sellers"):
        pq.write_table(pq.read_table(pipeline.companion(corpus, name)), pipeline.companion(broken, name))
    pq.write_table(pq.read_table(corpus).drop_columns(["placed_at"]), broken)
    res = runner.invoke(app, ["process", str(broken), "--out", str(tmp_path / "o2")])
    assert res.exit_code == 2
    assert "orders.parquet/placed_at" in res.output and "required-columns" in res.output
    res = runner.invoke(app, ["process", str(corpus), "--out", str(tmp_path / "o3"), "--skip", "flights"])
    assert res.exit_code == 2 and "--skip" in res.output


def test_partitions_are_day_and_destination(corpus: Path) -> None:
    inputs = pipeline.read_inputs(corpus)
    parts = pipeline.partitions(inputs)
    assert sum(p.orders for p in parts) == 240
    assert len({(p.day, p.dest) for p in parts}) == len(parts)
    one = pipeline.slice_partition(inputs, parts[0])
    assert one["orders"].num_rows == parts[0].orders
    assert set(one["lines"]["order_id"].to_pylist()) <= set(one["orders"]["id"].to_pylist())
    assert isinstance(one["orders"], pa.Table)

"""Bad input is reported per row (or per file) with its reason; the good rows go through; a run without a key
writes the signed kinds unsigned and counts them so, never as valid."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from pipeline_job import make_corpus, stock_args
from typer.testing import CliRunner

from ponte.cli import app
from ponte.orders import dataset


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A good corpus with bad rows in it, and a second 'orders file' that is not Parquet."""
    folder = tmp_path_factory.mktemp("broken")
    path = make_corpus(folder, 5, 300, 1)
    orders = pq.read_table(path)
    ids = orders["id"].to_pylist()
    dest = orders["destination"].to_pylist()
    dest[0] = "ZZ"  # a market Ponte does not serve
    placed = orders["placed_at"].to_pylist()
    placed[1] = None  # no day
    orders = orders.set_column(orders.schema.get_field_index("destination"), "destination", pa.array(dest))
    orders = orders.set_column(
        orders.schema.get_field_index("placed_at"), "placed_at", pa.array(placed, orders["placed_at"].type)
    )
    pq.write_table(orders, path)
    lines = pq.read_table(dataset.companion(path, "lines"))
    pq.write_table(lines.filter(pc.not_equal(lines["order_id"], ids[2])), dataset.companion(path, "lines"))
    corrupt = tmp_path_factory.mktemp("corrupt") / "orders.parquet"
    corrupt.write_bytes(b"PAR1 this is not a parquet file")
    for name in ("lines", "products", "buyers", "sellers"):
        dataset.companion(corrupt, name).write_bytes(b"PAR1 nor this")
    return path, corrupt


def test_bad_rows_and_files_are_reported_and_the_rest_goes_through(
    broken: tuple[Path, Path], device_profile_file: Path, tmp_path: Path
) -> None:
    path, corrupt = broken
    out = tmp_path / "out"
    args = [
        "process",
        str(path),
        str(corrupt),
        "--out",
        str(out),
        "--profile",
        str(device_profile_file),
        *stock_args(),
    ]
    res = CliRunner().invoke(app, [*args, "--engine", "local", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    ids = pq.read_table(path, columns=["id"])["id"].to_pylist()
    read = pq.read_table(out / "rejects" / "read.parquet").to_pylist()
    by_rule = {(r["order_id"], r["rule"]) for r in read}
    assert (ids[0], "market") in by_rule
    assert (ids[1], "required") in by_rule
    assert any(r["order_id"] is None and r["rule"] == "parquet" for r in read), read  # the corrupt file
    rejects = pq.read_table(out / "rejects").to_pylist()
    assert any(r["order_id"] == ids[2] and r["stage"] == "read" for r in rejects), "the order without lines"
    results = pq.read_table(out / "results", partitioning=None)
    assert results.num_rows == len(ids) - 2  # every partitioned order has its result row
    assert doc["report"]["verdicts"].get("allowed", 0) > 200
    assert doc["report"]["customs"]["unsigned"] > 0 and "valid" not in doc["report"]["customs"]
    unsigned = [r for r in results.to_pylist() if r["customs"] == "unsigned"]
    assert all(r["unsigned"] and all(k[3:6] in ("603", "621") for k in r["unsigned"]) for r in unsigned)
    assert doc["report"]["unsigned_messages"] == sum(len(r["unsigned"]) for r in unsigned)
    for lang in ("zh-CN", "en", "pt-BR", "es"):
        assert (out / "report" / f"report.{lang}.html").read_text("utf-8").startswith("<!doctype html>")
        assert (out / "report" / f"report.{lang}.pdf").read_bytes().startswith(b"%PDF")


def test_a_bad_option_is_exit_2_with_json(tmp_path: Path, broken: tuple[Path, Path]) -> None:
    res = CliRunner().invoke(
        app, ["process", str(broken[0]), "--out", str(tmp_path), "--awb-stock", "x", "--json"]
    )
    assert res.exit_code == 2
    assert json.loads(res.output)["error"]["violations"][0]["field"] == "--awb-stock"

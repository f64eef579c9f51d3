"""`ponte classify`: one title, a CSV or Parquet file of titles, JSON, and a clear error on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq


def ponte(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PONTE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "PONTE_LOG_LEVEL": "WARNING",
    }
    return subprocess.run(
        [sys.executable, "-m", "ponte", "classify", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_one_title_as_json(tmp_path: Path) -> None:
    done = ponte(tmp_path, "Auriculares inalámbricos bluetooth", "--limit", "3", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["lang"] == "es" and len(data["suggestions"]) == 3
    assert data["suggestions"][0]["code"] == "851830" and data["suggestions"][0]["reasons"]


def test_a_file_of_titles_to_parquet_and_bad_input(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("sku,name\nA,口红\nB,Batom matte\nC,\n", encoding="utf-8")
    done = ponte(tmp_path, "--file", "t.csv", "--column", "name", "--out", "out.parquet", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["errors"] == 1  # the empty title, reported on its row
    rows = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert [r["code"] for r in rows[:2]] == ["330410", "330410"] and rows[2]["error"]
    bad = ponte(tmp_path, "--file", "t.csv", "--column", "title", "--json")
    assert bad.returncode == 2 and json.loads(bad.stdout)["violations"][0]["rule"] == "column-exists"
    neither = ponte(tmp_path)
    assert neither.returncode == 2 and "one-of" in neither.stderr

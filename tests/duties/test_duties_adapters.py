"""`ponte quote` and POST /api/v1/quotes around the engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from typer.testing import CliRunner

from ponte.cli import app
from ponte.duties import default_rules, parse_request, quote
from ponte.duties.batch import quote_table, read_orders

UOL_50 = {
    "destination": "BR",
    "destination_region": "SP",
    "date": "2025-07-24",
    "currency": "USD",
    "seller": {"remessa_conforme": True},
    "items": [{"description": "blouse", "quantity": 1, "unit_price": "50"}],
}


def test_cli_quote_json_from_file(tmp_path: Path) -> None:
    path = tmp_path / "req.json"
    path.write_text(json.dumps(UOL_50))
    result = CliRunner().invoke(app, ["quote", "--file", str(path), "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["total_tax"] == {"amount": "22.29", "currency": "USD"}
    assert body["lines"][1]["legal_basis"][0]["reference"]["href"].startswith("http")


def test_cli_quote_from_stdin_prints_a_table() -> None:
    result = CliRunner().invoke(app, ["quote"], input=json.dumps(UOL_50))
    assert result.exit_code == 0, result.output
    assert "72.29" in result.stdout and "br.rts" in result.stdout


def test_cli_bad_request_exits_2_with_the_error_as_json() -> None:
    bad = {**UOL_50, "items": [{"description": "x", "quantity": 1, "unit_price": "-5"}]}
    result = CliRunner().invoke(app, ["quote", "--json"], input=json.dumps(bad))
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["violations"][0]["field"] == "/items/0/unit_price"
    assert error["violations"][0]["rule"] == "value"


def test_cli_reads_json_numbers_exactly() -> None:
    exact = {**UOL_50, "items": [{"description": "x", "quantity": 1, "unit_price": 40.5}]}
    result = CliRunner().invoke(app, ["quote", "--json"], input=json.dumps(exact))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["dutiable_value"]["amount"] == "40.50"


def test_api_quote_and_problem(api: Any, tenants: Any) -> None:
    headers = tenants.headers(tenants.key_a)
    ok = api.post("/quotes", json=UOL_50, headers=headers)
    assert ok.status_code == 200, ok.text
    assert ok.json()["landed_cost"]["amount"] == "72.29"
    bad = api.post("/quotes", json={**UOL_50, "date": "2023-01-01"}, headers=headers)
    assert bad.status_code == 422
    assert "rule-in-force" in bad.text and "/date" in bad.text
    assert api.post("/quotes", json=UOL_50).status_code in (401, 403)


def _orders() -> pa.Table:
    return pa.table(
        {
            "destination": ["BR", "MX", "CL", "BR", "XX"],
            "destination_region": ["SP", None, None, "SP", None],
            "date": ["2025-07-24", "2025-09-01", "2024-08-26", "2025-07-24", "2025-07-24"],
            "currency": ["USD"] * 5,
            "unit_price": ["50", "500", "100", "50", "1"],
            "quantity": ["1"] * 5,
            "remessa_conforme": ["true", None, None, "true", None],
        }
    )


def test_batch_matches_single_quotes_row_by_row(tmp_path: Path) -> None:
    path = tmp_path / "orders.parquet"
    pq.write_table(_orders(), path)
    out = quote_table(read_orders(path)).to_pylist()
    assert [r["total_tax"] for r in out] == ["22.29", "167.50", "26.14", "22.29", None]
    assert out[4]["error"] and "supported-destination" in out[4]["error"]
    single = quote(parse_request(UOL_50), default_rules())
    assert out[0]["landed_cost"] == str(single.landed_cost)


def test_cli_batch_csv(tmp_path: Path) -> None:
    src = tmp_path / "orders.csv"
    src.write_text(
        "destination,destination_region,date,currency,unit_price,quantity\nMX,,2025-09-01,USD,500,1\n"
    )
    dst = tmp_path / "quotes.parquet"
    result = CliRunner().invoke(app, ["quote", "--batch", str(src), "--out", str(dst), "--json"])
    assert result.exit_code == 0, result.output
    assert pq.read_table(dst)["total_tax"].to_pylist() == ["167.50"]


def test_batch_counts_in_a_file_may_be_written_2_0_but_not_2_5() -> None:
    table = pa.table(
        {
            "destination": ["BR", "BR"],
            "date": ["2025-07-24", "2025-07-24"],
            "currency": ["USD", "USD"],
            "unit_price": ["50.00", "50.00"],
            "quantity": ["2.0", "2.5"],
        }
    )
    whole, fraction = quote_table(table).to_pylist()
    assert whole["error"] is None and whole["total_tax"] is not None
    assert "quantity" in fraction["error"] and "integer" in fraction["error"]

import json

import pyarrow.parquet as pq
import typer
from typer.testing import CliRunner

from ponte.cli.simulate import simulate

app = typer.Typer()
app.command()(simulate)


def test_parquet_and_json_summary(tmp_path):
    out = tmp_path / "orders.parquet"
    result = CliRunner().invoke(
        app, ["--orders", "3000", "--seed", "4", "--days", "20", "--out", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["tables"]["orders"] == 3000
    assert pq.read_table(out).num_rows == 3000
    assert pq.read_table(tmp_path / "orders.lines.parquet").num_rows == summary["tables"]["lines"]
    assert abs(summary["export_mean_parcel_kg"] - 0.84) < 0.01


def test_csv_output(tmp_path):
    out = tmp_path / "o.csv"
    result = CliRunner().invoke(app, ["--orders", "200", "--out", str(out)])
    assert result.exit_code == 0, result.output
    header = (tmp_path / "o.products.csv").read_text(encoding="utf-8").splitlines()[0]
    assert '"title_zh-CN"' in header
    assert len(out.read_text().splitlines()) == 201


def test_bad_format_is_refused_naming_the_field(tmp_path):
    from ponte.kernel.errors import ValidationError

    result = CliRunner().invoke(app, ["--orders", "10", "--out", str(tmp_path / "o.xlsx")])
    assert isinstance(result.exception, ValidationError) and result.exception.field == "out"
    assert not list(tmp_path.iterdir())

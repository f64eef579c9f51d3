"""Ponte's orders dataset: the simulator writes it, every command reads it, the database exports it, and
all three give the same order records."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from ponte.cli import app as cli_app
from ponte.kernel.errors import ValidationError
from ponte.orders import service as orders
from ponte.orders.core import Order
from ponte.orders.dataset import Rejected, companion, read_tables, records, to_tables, write_tables
from ponte.simulate import simulate, tables_of, write
from ponte.simulate.load import load_corpus

START = date(2026, 3, 2)


def _orders(tables: dict[str, pa.Table]) -> dict[str, Order]:
    got = list(records(tables))
    rejected = [r for r in got if isinstance(r, Rejected)]
    assert not rejected, rejected[:3]
    return {o.id: o for o in got if isinstance(o, Order)}


@pytest.fixture(scope="module")
def corpus() -> dict[str, pa.Table]:
    return tables_of(simulate(7, 400, START, 5, 4))


def test_parquet_and_csv_files_give_the_simulator_s_orders(tmp_path: Path, corpus) -> None:  # type: ignore[no-untyped-def]
    expected = _orders(corpus)
    assert len(expected) == 400
    for suffix in (".parquet", ".csv"):
        path = tmp_path / f"o{suffix}"
        write_tables(corpus, path)
        assert companion(path, "lines").is_file() and companion(path, "products").is_file()
        assert _orders(read_tables(path)) == expected, suffix


def test_records_carry_customs_data_handling_and_payments(corpus) -> None:  # type: ignore[no-untyped-def]
    got = _orders(corpus)
    products = [ln.product for o in got.values() for ln in o.lines]
    assert all(p.china is not None and len(p.china.code) == 10 for p in products)
    assert all(p.china.code.startswith(p.hs_code) for p in products if p.china)
    assert any(
        p.handling.battery == "lithium-ion" and p.handling.battery_packing == "alone" for p in products
    )
    assert all(p.handling.perishable == (p.category in ("cherries", "avocados")) for p in products)
    paid = [o for o in got.values() if o.payment is not None]
    assert paid and all(o.payment.paid_at > o.placed_at for o in paid if o.payment)


def test_records_become_tables_and_back_unchanged(corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = _orders(corpus)
    again = to_tables(first.values())
    assert _orders(again) == first
    write_tables(again, tmp_path / "again.parquet")
    assert _orders(read_tables(tmp_path / "again.parquet")) == first


def test_a_bad_row_is_reported_with_its_order_and_the_rest_go_through(corpus) -> None:  # type: ignore[no-untyped-def]
    lines = corpus["lines"]
    product_ids = lines["product_id"].to_pylist()
    product_ids[0] = "prd_missing"
    broken = dict(corpus, lines=lines.set_column(lines.schema.get_field_index("product_id"), "product_id",
                                                 pa.array(product_ids)))  # fmt: skip
    got = list(records(broken))
    rejected = [r for r in got if isinstance(r, Rejected)]
    assert [r.order_id for r in rejected] == [lines["order_id"][0].as_py()]
    assert (rejected[0].problems[0].field, rejected[0].problems[0].rule) == (
        "lines[0].product_id",
        "known-product",
    )
    assert len(got) - len(rejected) == 399


@pytest.mark.parametrize(
    ("damage", "field", "rule"),
    [
        ("binary", "o.parquet", "parquet"),
        ("no-lines", "o.lines.parquet", "readable"),
        ("no-quantity", "o.lines.parquet/quantity", "required-columns"),
        ("text-quantity", "o.lines.parquet/quantity", "type"),
        ("wrong-suffix", "o.txt", "file-type"),
    ],
)
def test_a_broken_file_names_the_file_the_field_and_the_rule(
    tmp_path: Path, corpus, damage: str, field: str, rule: str
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "o.parquet"
    write_tables(corpus, path)
    lines_path = companion(path, "lines")
    if damage == "binary":
        path.write_bytes(bytes(range(256)) * 8)
    elif damage == "no-lines":
        lines_path.unlink()
    elif damage == "no-quantity":
        pq.write_table(pq.read_table(lines_path).drop_columns(["quantity"]), lines_path)
    elif damage == "text-quantity":
        table = pq.read_table(lines_path)
        i = table.schema.get_field_index("quantity")
        pq.write_table(table.set_column(i, "quantity", pa.array(["two"] * table.num_rows)), lines_path)
    elif damage == "wrong-suffix":
        path = path.with_suffix(".txt")
    with pytest.raises(ValidationError) as err:
        read_tables(path)
    assert (err.value.violations[0].field, err.value.violations[0].rule) == (field, rule)


def test_the_database_exports_the_records_it_stores(database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tables = simulate(3, 120, START, 3, 2)
    load_corpus(database, tables, slug_prefix="exp", issue_keys=False)
    from_files = _orders(tables_of(tables))
    tenants = sorted({o.tenant_id for o in from_files.values()})
    with database.unit_of_work() as uow:
        stored = {
            o.id: o
            for tenant in tenants
            for o in orders.load_orders(
                uow, tenant, [i for i, r in from_files.items() if r.tenant_id == tenant]
            )
        }
        exported = {t: orders.export_tables(uow, t, page=50) for t in tenants}
    assert stored == from_files  # the database keeps every fact of the dataset
    for tenant, table in exported.items():
        assert _orders(table) == {i: o for i, o in from_files.items() if o.tenant_id == tenant}


def test_ponte_simulate_then_ponte_export_from_the_database(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ponte import bootstrap

    monkeypatch.setenv("PONTE_DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    bootstrap.reset()
    try:
        runner = CliRunner()
        loaded = runner.invoke(cli_app, ["simulate", "--orders", "60", "--days", "2", "--sellers", "2", "--db",
                                         "--seed", "5", "--json"])  # fmt: skip
        assert loaded.exit_code == 0, loaded.output
        out = tmp_path / "export.parquet"
        done = runner.invoke(cli_app, ["export", "--tenant", "sim5-001", "--out", str(out), "--json"])
        assert done.exit_code == 0, done.output
        assert json.loads(done.output)["rows"]["orders"] == read_tables(out)["orders"].num_rows > 0
        bad = runner.invoke(cli_app, ["export", "--tenant", "nobody", "--out", str(out), "--json"])
        assert bad.exit_code == 2 and "nobody" in bad.output
        worse = runner.invoke(
            cli_app, ["export", "--tenant", "sim5-001", "--out", str(out), "--since", "May"]
        )
        assert worse.exit_code == 2 and "--since" in worse.output
    finally:
        bootstrap.reset()


def test_simulator_files_are_the_dataset(tmp_path: Path) -> None:
    write(simulate(2, 50, START, 2, 2), tmp_path / "s.parquet")
    assert len(_orders(read_tables(tmp_path / "s.parquet"))) == 50

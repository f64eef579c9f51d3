"""Orders files (Parquet and CSV datasets) apply the bounds of every intake: an order with a time in year 1 or
9999, an amount out of bounds or control characters in its text is rejected naming the field and the rule,
through the Parquet file as through the CSV one, and the other orders go through."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from ponte.orders.dataset import Rejected, read_tables, records, write_tables
from ponte.simulate import simulate, tables_of


@pytest.fixture(scope="module")
def corpus() -> dict[str, pa.Table]:
    return tables_of(simulate(11, 60, date(2026, 3, 2), 3, 2))


def _with(tables: dict[str, pa.Table], table: str, column: str, value: object) -> dict[str, pa.Table]:
    t = tables[table]
    values = t[column].to_pylist()
    values[0] = value
    i = t.schema.get_field_index(column)
    return dict(
        tables, **{table: t.set_column(i, t.schema.field(i), pa.array(values, t.schema.field(i).type))}
    )


CASES = [
    ("orders", "placed_at", datetime(1, 1, 1, tzinfo=UTC), "placed_at", "date-window"),
    ("orders", "placed_at", datetime(9999, 12, 31, tzinfo=UTC), "placed_at", "date-window"),
    ("orders", "external_ref", "SO\x001", "external_ref", "no-control-characters"),
    ("orders", "external_ref", "SO-1\nforged", "external_ref", "one-line"),
    ("buyers", "name", "Maria\x1b[2J", "buyer.name", "no-control-characters"),
]


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
@pytest.mark.parametrize(("table", "column", "value", "field", "rule"), CASES)
def test_an_out_of_bounds_value_rejects_its_order_only(
    corpus, tmp_path: Path, suffix, table, column, value, field, rule
) -> None:  # type: ignore[no-untyped-def]
    broken = _with(corpus, table, column, value)
    write_tables(broken, tmp_path / f"o.{suffix}")
    got = list(records(read_tables(tmp_path / f"o.{suffix}")))
    rejected = [r for r in got if isinstance(r, Rejected)]
    assert len(rejected) >= 1 and len(got) == 60
    assert any((p.field, p.rule) == (field, rule) for r in rejected for p in r.problems), rejected


@pytest.mark.parametrize(
    ("value", "rule"), [(Decimal("-1"), "greater-than-equal"), (Decimal("1e13"), "less-than-equal")]
)
def test_an_amount_out_of_bounds_is_rejected(corpus, value, rule) -> None:  # type: ignore[no-untyped-def]
    orders = corpus["orders"]
    freight = orders["freight"].to_pylist()
    freight[0] = value
    i = orders.schema.get_field_index("freight")
    wide = pa.array(freight, pa.decimal128(38, 6))  # wider than the file's own column
    broken = dict(corpus, orders=orders.set_column(i, pa.field("freight", pa.decimal128(38, 6)), wide))
    rejected = [r for r in records(broken) if isinstance(r, Rejected)]
    assert [(p.field, p.rule) for p in rejected[0].problems] == [("freight", rule)]

"""The records read once in ``prepare`` and moved to the fulfilment's trade modes are the records of the tables
under those modes (the path they replace: ``with_modes`` then ``records``), and the duties' and fulfilment's
batch paths answer the same from them as from the tables."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ponte.batch.context import JobContext
from ponte.batch.inputs import Inputs
from ponte.batch.records import FULFILMENT_SCHEMA
from ponte.batch.stages import choose_fulfilment, quote_lines, read_records, under_modes, with_modes
from ponte.orders.dataset import records

MODES = ("9610", "9710", "9810", "1210")


def _tables(inputs: Inputs) -> dict[str, pa.Table]:
    return max(inputs.parts.values(), key=lambda t: t["orders"].num_rows)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_records_under_the_chosen_modes_are_those_of_the_tables_under_them(
    inputs: Inputs, data: st.DataObject
) -> None:
    tables = _tables(inputs)
    ids = tables["orders"]["id"].to_pylist()
    modes = data.draw(st.lists(st.sampled_from(MODES), min_size=len(ids), max_size=len(ids)))
    n = len(ids)
    fulfilment = pa.table(
        {
            "order_id": ids,
            "trade_mode": modes,
            "fulfilment": ["direct-air-parcel"] * n,
            "by_air": [True] * n,
            "chosen_by": ["test"] * n,
        },
        schema=FULFILMENT_SCHEMA,
    )
    assert under_modes(read_records(tables), fulfilment) == list(records(with_modes(tables, fulfilment)))


def test_fulfilment_and_quotes_from_the_records_equal_those_from_the_tables(
    inputs: Inputs, ctx: JobContext
) -> None:
    tables = _tables(inputs)
    read = read_records(tables)
    fulfilment = choose_fulfilment(tables, ctx, read)
    assert fulfilment.equals(choose_fulfilment(tables, ctx))
    moved = with_modes(tables, fulfilment)
    given_ = quote_lines(moved, ctx, under_modes(read, fulfilment))
    own = quote_lines(moved, ctx)
    assert given_.orders.equals(own.orders) and given_.lines.equals(own.lines)

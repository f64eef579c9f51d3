"""Batch quoting of a table of single-line orders (CSV or Parquet).

Orders in a day's file repeat the same few products, prices, markets and
flags, so the batch first reduces the table to its distinct quoting inputs
(an Arrow group-by), quotes each distinct combination once with the same
engine as single quotes (exact Decimal arithmetic), and joins the results
back onto every row. The cost grows with the number of distinct inputs, not
with the number of rows.

Columns (names as in the JSON request; missing optional columns take the
request defaults): destination, date, currency, unit_price, quantity and
optionally destination_region, origin, category, hs_code, freight,
insurance, regime, remessa_conforme, ioss, sii_registered, buyer_kind,
annual_cbec_used, shipments_this_year, tax_currency, and `fx_<BASE>_<QUOTE>`
columns for explicit rates (e.g. fx_USD_BRL).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ponte.duties import fastbatch
from ponte.duties.context import FxSource
from ponte.duties.engine import quote
from ponte.duties.model import parse_request
from ponte.duties.params import Rules, default_rules
from ponte.duties.rows import OPTIONAL, REQUIRED, row_request
from ponte.kernel.errors import PonteError, ValidationError

__all__ = ["OUTPUT_COLUMNS", "quote_table", "read_orders", "row_request", "write_results"]

OUTPUT_COLUMNS = (
    "regime",
    "treatment",
    "tax_currency",
    "total_tax",
    "landed_cost",
    "allowed",
    "complete",
    "error",
)


def read_orders(path: Path) -> pa.Table:
    if not path.exists():
        raise ValidationError(f"{path} does not exist", field="--batch", rule="readable")
    if path.suffix.lower() in (".parquet", ".pq"):
        table = pq.read_table(path)
    elif path.suffix.lower() == ".csv":
        # every column as text: amounts stay exact decimals
        table = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                column_types={}, strings_can_be_null=True, auto_dict_encode=False
            ),
            read_options=pacsv.ReadOptions(autogenerate_column_names=False),
        )
        table = table.cast(pa.schema([pa.field(f.name, pa.string()) for f in table.schema]))
    else:
        raise ValidationError(f"{path.name}: give a .csv or .parquet file", field="--batch", rule="file-type")
    missing = [c for c in REQUIRED if c not in table.column_names]
    if missing:
        raise ValidationError(
            f"{path.name} lacks column(s) {', '.join(missing)}", field="--batch", rule="required-columns"
        )
    return table


def _one(row: dict[str, Any], rules: Rules, fx: FxSource | None) -> tuple[Any, ...]:
    try:
        q = quote(parse_request(row_request(row)), rules, fx)
    except PonteError as exc:
        return (None, None, None, None, None, False, False, str(exc))
    return (
        q.regime,
        q.treatment,
        q.currency,
        None if q.blocked else str(q.total_tax),
        None if q.blocked else str(q.landed_cost),
        q.allowed,
        q.complete,
        None,
    )


def quote_table(
    table: pa.Table,
    rules: Rules | None = None,
    fx: FxSource | None = None,
    progress: Callable[[int, int], None] | None = None,
    fast: bool = True,
) -> pa.Table:
    """The input table with the quote columns appended, one row per order, in input order.

    Rows of the main ad valorem regimes go through the exact vectorised path
    (ponte.duties.fastbatch); the others are quoted once per distinct input.
    """
    rules = rules or default_rules()
    n = table.num_rows
    out = {name: np.full(n, None, dtype=object) for name in OUTPUT_COLUMNS}
    rest = np.arange(n)
    if fast and n:
        got = fastbatch.fast_quote(table, rules, fx)
        idx = np.flatnonzero(got.covered)
        if len(idx):
            kinds = got.treatment[idx]
            out["regime"][idx] = np.array(fastbatch.REGIMES, dtype=object)[got.regime[idx]]
            out["treatment"][idx] = np.array(fastbatch.TREATMENTS, dtype=object)[kinds]
            # covered rows are computed in their price currency (no other tax currency)
            cur = pc.dictionary_encode(table["currency"].take(pa.array(idx))).combine_chunks()
            codes = np.array(cur.dictionary.to_pylist(), dtype=object)
            out["tax_currency"][idx] = codes[cur.indices.to_numpy(zero_copy_only=False)]
            total = got.total_tax[idx]
            open_ = ~got.blocked[idx]  # a blocked quote has no total to pay
            tax_text = np.array(fastbatch.cents_text(total), dtype=object)
            landed_text = np.array(fastbatch.cents_text(got.value[idx] + total), dtype=object)
            tax_text[~open_] = None
            landed_text[~open_] = None
            out["total_tax"][idx] = tax_text
            out["landed_cost"][idx] = landed_text
            out["allowed"][idx] = got.allowed[idx]
            out["complete"][idx] = got.complete[idx]
        rest = np.flatnonzero(~got.covered)
    if len(rest):
        part = table if len(rest) == n else table.take(pa.array(rest))
        for name, arr in _quote_distinct(part, rules, fx, progress).items():
            out[name][rest] = arr.to_numpy(zero_copy_only=False)
    types = dict(zip(OUTPUT_COLUMNS, [pa.string()] * 5 + [pa.bool_(), pa.bool_(), pa.string()], strict=True))
    result = table
    for name in OUTPUT_COLUMNS:
        result = result.append_column(name, pa.array(out[name], type=types[name]))
    return result


def _quote_distinct(
    table: pa.Table, rules: Rules, fx: FxSource | None, progress: Callable[[int, int], None] | None
) -> dict[str, pa.Array]:
    """The scalar engine once per distinct input, joined back onto every row."""
    keys = [c for c in table.column_names if c in REQUIRED or c in OPTIONAL or c.startswith("fx_")]
    keyed = table.select(keys).cast(pa.schema([pa.field(c, pa.string()) for c in keys]))
    # nulls never match in a join: an empty string stands for "not given"
    keyed = pa.table({c: pc.fill_null(keyed[c], "") for c in keys})
    distinct = keyed.group_by(keys, use_threads=False).aggregate([])
    rows = distinct.to_pylist()
    results = []
    for n, row in enumerate(rows):
        results.append(_one(row, rules, fx))
        if progress and n % 10_000 == 0:
            progress(n, len(rows))
    out_types = [pa.string()] * 5 + [pa.bool_(), pa.bool_(), pa.string()]
    columns = {
        name: pa.array([r[i] for r in results], type=t)
        for i, (name, t) in enumerate(zip(OUTPUT_COLUMNS, out_types, strict=True))
    }
    distinct = distinct.append_column("__row", pa.array(range(len(rows)), type=pa.int64()))
    index = keyed.append_column("__pos", pa.array(range(keyed.num_rows), type=pa.int64()))
    joined = index.join(distinct, keys=keys, join_type="left outer", use_threads=True)
    joined = joined.sort_by("__pos")
    picks = joined["__row"]
    return {name: pc.take(arr, picks).combine_chunks() for name, arr in columns.items()}


def write_results(table: pa.Table, path: Path) -> None:
    if path.suffix.lower() in (".parquet", ".pq"):
        pq.write_table(table, path)
    else:
        pacsv.write_csv(table, path)

"""Ponte's orders dataset: the files ``ponte simulate`` and ``ponte export`` write and every command that
takes orders reads (``ponte process``, ``declare``, ``consolidate``, ``quote --batch``, ``fulfil``).

An orders file (``orders.parquet`` or ``orders.csv``) has companions beside it, one per table:
``orders.lines.parquet``, ``orders.products.parquet``, ``orders.buyers.parquet``,
``orders.sellers.parquet`` (and, from the simulator, ``booths`` and ``sessions``). Each table has one
schema (``ponte.orders.columns.SCHEMAS``); a file is read against it, so a binary, corrupt or
wrong-columns file is an error naming the file, the column and the rule, and a row with a bad value is
reported with its order, never stopping the others (``records``).

CSV has no nested values: ``titles`` travels as ``title_<lang>`` columns and lists as ``a|b``.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ponte.kernel.errors import ValidationError
from ponte.kernel.languages import LANGUAGES
from ponte.orders.columns import COMPANIONS, SCHEMAS, companion, conform, fail
from ponte.orders.rows import Rejected, records, to_tables

__all__ = [
    "COMPANIONS",
    "SCHEMAS",
    "Rejected",
    "companion",
    "conform",
    "read_tables",
    "records",
    "to_tables",
    "write_tables",
]

FORMATS = (".parquet", ".csv")


def _read_file(path: Path, name: str) -> pa.Table:
    if not path.is_file():
        raise fail(path, "does not exist (an orders file needs its companions beside it)", rule="readable")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        try:
            return pq.read_table(path)
        except (OSError, pa.ArrowException) as exc:
            raise fail(path, f"is not a Parquet file ({exc})", rule="parquet") from None
    if suffix == ".csv":
        types = {
            n: t
            for n, t in zip(SCHEMAS[name].names, SCHEMAS[name].types, strict=True)
            if n not in ("titles",)
        }
        csv_types = {
            n: (pa.string() if pa.types.is_list(t) or pa.types.is_timestamp(t) else t)
            for n, t in types.items()
        }
        csv_types.update({f"title_{lang}": pa.string() for lang in LANGUAGES})
        try:
            return pacsv.read_csv(
                path,
                convert_options=pacsv.ConvertOptions(column_types=csv_types, strings_can_be_null=True),
            )
        except (OSError, pa.ArrowException, UnicodeDecodeError) as exc:
            raise fail(
                path, f"is not a CSV file of this table ({str(exc).splitlines()[0]})", rule="csv"
            ) from None
    raise fail(path, "give a .parquet or .csv orders file", rule="file-type")


def read_tables(path: Path) -> dict[str, pa.Table]:
    """The orders file and its companions, each checked against its schema."""
    if path.suffix.lower() not in FORMATS:
        raise fail(path, "give a .parquet or .csv orders file", rule="file-type")
    out = {}
    for name in ("orders", *COMPANIONS):
        p = companion(path, name)
        out[name] = conform(name, _read_file(p, name), p)
    return out


def _flat(table: pa.Table) -> pa.Table:
    cols, names = [], []
    for name, col in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_struct(col.type):
            for f in col.type:
                cols.append(pc.struct_field(col, f.name))
                names.append(f"title_{f.name}" if name == "titles" else f"{name}_{f.name}")
        elif pa.types.is_list(col.type):
            cols.append(pa.chunked_array([pc.binary_join(c, "|") for c in col.chunks], pa.string()))
            names.append(name)
        else:
            cols.append(col)
            names.append(name)
    return pa.table(cols, names=names)


def write_tables(tables: dict[str, pa.Table], path: Path) -> dict[str, Path]:
    """Write the tables beside ``path`` (each under a temporary name, then renamed into place)."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValidationError("--out must end in .parquet or .csv", field="out", rule="file-format")
    path.parent.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, table in tables.items():
        target = companion(path, name)
        if name in SCHEMAS:
            table = conform(name, table, target)
        tmp = target.with_name(target.name + ".part")
        if suffix == ".parquet":
            pq.write_table(table, tmp, compression="zstd", row_group_size=256_000)
        else:
            pacsv.write_csv(_flat(table), tmp)
        tmp.replace(target)
        written[name] = target
    return written

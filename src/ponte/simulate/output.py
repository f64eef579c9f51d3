"""Writing the corpus to Parquet or CSV: one file per table next to the orders file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ponte.kernel.errors import ValidationError
from ponte.simulate.core import Tables

FORMATS = {".parquet": "parquet", ".csv": "csv"}


def companion_paths(out: Path) -> dict[str, Path]:
    """``orders.parquet`` → ``orders.parquet`` for orders, ``orders.lines.parquet`` for lines, ..."""
    suffix = out.suffix.lower()
    stem = out.with_suffix("")
    paths = {"orders": out}
    for name in ("lines", "products", "buyers", "sellers", "booths", "sessions"):
        paths[name] = stem.with_name(f"{stem.name}.{name}{suffix}")
    return paths


def _flat(table: pa.Table) -> pa.Table:
    """CSV has no nested values: titles become title_<lang>, lists become ``a|b``."""
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


def write(tables: Tables, out: Path) -> dict[str, Path]:
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise ValidationError("--out must end in .parquet or .csv", field="out", rule="file-format")
    paths = companion_paths(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        target = paths[name]
        tmp = target.with_name(target.name + ".part")
        if fmt == "parquet":
            pq.write_table(table, tmp, compression="zstd", row_group_size=256_000)
        else:
            pacsv.write_csv(_flat(table), tmp)
        tmp.replace(target)  # no half-written file under the final name
    return paths


def summary(tables: Tables) -> dict[str, Any]:
    o = tables.orders
    export = o.filter(pc.equal(o["direction"], "export"))
    days = pc.strftime(o["placed_at"], format="%Y-%m-%d")
    counts = pc.value_counts(days)
    live = pc.sum(pc.equal(o["channel"], "live").cast(pa.int64())).as_py() or 0
    return {
        "tables": {name: t.num_rows for name, t in tables.items()},
        "first_order_at": pc.min(o["placed_at"]).as_py().isoformat() if o.num_rows else None,
        "last_order_at": pc.max(o["placed_at"]).as_py().isoformat() if o.num_rows else None,
        "busiest_day_orders": int(pc.max(counts.field("counts")).as_py() or 0),
        "live_share": round(live / max(o.num_rows, 1), 4),
        "export_orders": export.num_rows,
        "export_mean_parcel_kg": round(
            float(pc.mean(export["weight_kg"].cast(pa.float64())).as_py() or 0), 3
        ),
        "by_destination": {r["values"]: r["counts"] for r in pc.value_counts(o["destination"]).to_pylist()},
        "by_trade_mode": {r["values"]: r["counts"] for r in pc.value_counts(o["trade_mode"]).to_pylist()},
    }

"""Writing the corpus as Ponte's orders dataset (Parquet or CSV, one file per table)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ponte.orders.dataset import write_tables
from ponte.simulate.core import Tables


def tables_of(tables: Tables) -> dict[str, pa.Table]:
    """The corpus as Ponte's orders dataset (plus the simulator's booths and live sessions)."""
    return dict(tables.items())


def write(tables: Tables, out: Path) -> dict[str, Path]:
    """Write the corpus as Ponte's orders dataset beside ``out`` (``orders.parquet`` and companions)."""
    return write_tables(tables_of(tables), out)


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

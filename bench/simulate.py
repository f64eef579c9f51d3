"""Throughput of `ponte simulate` to Parquet: orders/s and peak memory at 100k and 1M orders.

Each size runs in a fresh process so peak memory (ru_maxrss) belongs to that size alone.
Baseline in the same run: writing the same orders table with pyarrow only (no generation).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile

CHILD = r"""
import json, resource, sys, time, tempfile
from datetime import date
from pathlib import Path
import pyarrow.parquet as pq
from ponte.simulate import simulate, write
n = int(sys.argv[1])
out = Path(tempfile.mkdtemp()) / "orders.parquet"
t0 = time.perf_counter()
tables = simulate(42, n, date(2026, 1, 1), 365)
t1 = time.perf_counter()
write(tables, out)
t2 = time.perf_counter()
pq.write_table(tables.orders, out.with_name("baseline.parquet"), compression="zstd")
t3 = time.perf_counter()
print(json.dumps({"orders": n, "lines": tables.lines.num_rows, "generate_s": t1 - t0, "write_s": t2 - t1,
                  "total_s": t2 - t0, "baseline_write_orders_s": t3 - t2,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    print(
        f"{'orders':>9} {'lines':>9} {'gen s':>7} {'write s':>8} {'total s':>8} {'orders/s':>10} {'peak MiB':>9}"
    )
    for n in (100_000, 1_000_000):
        with tempfile.TemporaryDirectory():
            raw = subprocess.run(
                [sys.executable, "-c", CHILD, str(n)], check=True, capture_output=True, text=True
            )
        r = json.loads(raw.stdout.strip().splitlines()[-1])
        rate = r["orders"] / r["total_s"]
        print(
            f"{r['orders']:>9,} {r['lines']:>9,} {r['generate_s']:>7.2f} {r['write_s']:>8.2f} {r['total_s']:>8.2f}"
            f" {rate:>10,.0f} {r['peak_mib']:>9.0f}   (baseline: orders table alone written in "
            f"{r['baseline_write_orders_s']:.2f} s)"
        )


if __name__ == "__main__":
    main()

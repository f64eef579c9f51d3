"""Throughput of `ponte process`: orders per second end to end and by stage, and how time grows with the
batch size.

    python bench/pipeline.py [--sizes 10000,100000] [--skip customs] [--workers 1] [--days 30]

Each size is a fresh simulated corpus (seed 42, the same number of days) run into a temporary folder.
Stage times are summed over partitions (CPU of the workers); "wall" is the whole run including reading.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from ponte.batch import pipeline
from ponte.simulate import simulate, write


def one(n: int, days: int, options: pipeline.Options, workers: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="ponte-bench-"))
    try:
        write(simulate(42, n, date(2026, 1, 1), days), tmp / "orders.parquet")
        t0 = time.perf_counter()
        inputs = pipeline.read_inputs(tmp / "orders.parquet")
        read = time.perf_counter() - t0
        summary = pipeline.run(inputs, tmp / "out", options, workers=workers)
        wall = time.perf_counter() - t0
        return {
            "n": n,
            "wall": wall,
            "read": read,
            "stages": summary["seconds"],
            "parts": summary["partitions"],
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--skip", default="")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--days", type=int, default=30)
    args = ap.parse_args()
    options = pipeline.Options(
        skip=frozenset(s for s in args.skip.split(",") if s), fx=(("USD/EUR", "0.92"),)
    )
    print(f"stages: {', '.join(options.stages)}; workers {args.workers}; {args.days} days")
    print(
        f"{'orders':>8}{'parts':>7}{'wall s':>9}{'orders/s':>10}  per-stage µs/order (summed over partitions)"
    )
    base = None
    for n in (int(x) for x in args.sizes.split(",")):
        r = one(n, args.days, options, args.workers)
        per = "  ".join(f"{k} {v / n * 1e6:,.0f}" for k, v in sorted(r["stages"].items()))
        us = r["wall"] / n * 1e6
        base = base or us
        print(
            f"{n:>8}{r['parts']:>7}{r['wall']:>9.2f}{n / r['wall']:>10,.0f}  read {r['read'] / n * 1e6:,.0f}  {per}"
            f"  | µs/order vs first size x{us / base:.2f}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MiB")


if __name__ == "__main__":
    main()

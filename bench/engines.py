"""Dask distributed against Ray on this job: the same corpus and the same task functions, each engine given
the context once (Dask: scatter with broadcast; Ray: put), 2 local workers. Prints the wall time of the whole
run and of starting the cluster, and checks both wrote the same files.

    python bench/engines.py [--orders 3000] [--days 4]

Ray is measured here only (it is not a dependency of Ponte); install it to run this.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import distributed

from pipeline import PROFILE, _stock  # the pipeline bench's profile and AWB stock (bench/ is on the path)
from ponte.batch.context import JobContext, build_context
from ponte.batch.inputs import read_inputs
from ponte.batch.job import run
from ponte.batch.runners.base import TASKS
from ponte.batch.runners.dask import DaskRunner
from ponte.customs import service as customs
from ponte.simulate import simulate, write


class RayRunner:
    """The runner contract on Ray (bench only)."""

    name = "ray"

    def __init__(self, ray: Any, workers: int) -> None:
        self._ray, self.workers = ray, workers
        self._remote = {k: ray.remote(fn) for k, fn in TASKS.items()}
        self._ctx: Any = None

    def start(self, ctx: JobContext) -> None:
        self._ctx = self._ray.put(ctx)

    def submit(self, kind: str, *args: Any) -> Any:
        return self._remote[kind].remote(*args, self._ctx)

    def wait_any(self, handles: Sequence[Any]) -> list[Any]:
        done, _ = self._ray.wait(list(handles), num_returns=1)
        return list(done)

    def result(self, handle: Any) -> dict[str, Any]:
        out: dict[str, Any] = self._ray.get(handle)
        return out

    def close(self) -> None:
        return None


def _digest(out: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out)
        if (
            p.is_file()
            and rel.parts[0] in ("results", "messages", "plan")
            and not p.name.endswith("ned.json")
        ):
            h.update(str(rel).encode() + p.read_bytes())
    return h.hexdigest()[:12]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=3000)
    ap.add_argument("--days", type=int, default=4)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ponte-engines-"))
    try:
        write(simulate(42, args.orders, date(2026, 1, 5), args.days), tmp / "orders.parquet")
        inputs = read_inputs([tmp / "orders.parquet"])
        span = inputs.days()
        assert span is not None
        profile = customs.profile_from(json.loads(PROFILE.read_text("utf-8")), "profile")
        ctx = build_context(span, profile=profile, awb_ranges=_stock())
        t0 = time.perf_counter()
        with (
            distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
            distributed.Client(cluster) as client,
        ):
            started = time.perf_counter() - t0
            t1 = time.perf_counter()
            run(inputs, tmp / "dask", ctx, DaskRunner(client))
            dask_run = time.perf_counter() - t1
        print(f"dask: cluster up {started:.1f} s, run {dask_run:.1f} s, files {_digest(tmp / 'dask')}")
        try:
            import ray  # optional: measured here only, not a dependency of Ponte
        except ImportError:
            print("ray: not installed")
            return
        t0 = time.perf_counter()
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        started = time.perf_counter() - t0
        t1 = time.perf_counter()
        run(inputs, tmp / "ray", ctx, RayRunner(ray, 2))
        ray_run = time.perf_counter() - t1
        ray.shutdown()
        print(f"ray:  cluster up {started:.1f} s, run {ray_run:.1f} s, files {_digest(tmp / 'ray')}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

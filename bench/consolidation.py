"""Consolidation benchmark: 10k, 100k and 1M parcels into bags, ULDs and flights.

Prints parcels/s, bags/ULDs/flights used, gap to the lower bounds and peak memory (each size in its own
process), beside same-run baselines: plain first-fit decreasing by weight (bags only, volume ignored), plain
two-dimensional first-fit decreasing of every ULD's parcels (the same flight assignment), OR-Tools CP-SAT on a
400-parcel sample (where it finishes within its time limit), and ``ponte consolidate`` end to end on a parcel
CSV of the same size (read with pyarrow, planned, checked, JSON and every assignment to Parquet).

    .venv/bin/python bench/consolidation.py [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, date, datetime


def _schedule() -> list[dict]:
    rows = []
    for i, dest in enumerate(["MEX", "GRU", "SCL", "MAD", "LIS"]):
        rows.append(
            {
                "number": f"BX{100 + i}",
                "carrier": "784",
                "origin": "CAN",
                "destination": dest,
                "days": [1, 2, 3, 4, 5, 6, 7],
                "local_departure": "23:00",
                "block_hours": 20,
                "freighter": True,
                "payload_kg": 100000,
                "positions": {"PMC": 30, "AKE": 10},
                "cost_per_kg": "4.00",
                "cutoff_hours": 6,
            }
        )
    return rows


def ffd_2d(w, v, cap_w: int, cap_v: int) -> int:
    """Plain two-dimensional first-fit decreasing (by the larger normalised size): the baseline."""
    import numpy as np

    order = np.argsort(-np.maximum(w / cap_w, v / cap_v), kind="stable")
    rw = np.empty(len(w), dtype=np.int64)
    rv = np.empty(len(w), dtype=np.int64)
    bins = 0
    for i in order.tolist():
        wi, vi = int(w[i]), int(v[i])
        ok = np.nonzero((rw[:bins] >= wi) & (rv[:bins] >= vi))[0]
        if len(ok):
            b = int(ok[0])
        else:
            b, bins = bins, bins + 1
            rw[b], rv[b] = cap_w, cap_v
        rw[b] -= wi
        rv[b] -= vi
    return bins


def cli_run(n: int, flights_csv: str | None = None) -> dict:
    """``ponte consolidate`` on a parcel CSV of n parcels, end to end, in its own process (time, peak memory)."""
    import csv
    import tempfile

    from ponte.logistics.synthetic import synthetic_batch

    batch = synthetic_batch(n, 42, datetime(2026, 3, 2, tzinfo=UTC), hours=48)
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "parcels.csv")
    with open(path, "w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(
            [
                "id",
                "weight_kg",
                "length_cm",
                "width_cm",
                "height_cm",
                "origin",
                "destination",
                "ready_at",
                "segregation",
            ]
        )
        for i in range(n):
            d = batch.dims_cm[i]
            ready = datetime.fromtimestamp(int(batch.ready[i]), UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
            out.writerow(
                [
                    batch.ids[i],
                    f"{batch.weight_g[i] / 1000:.3f}",
                    d[0],
                    d[1],
                    d[2],
                    batch.airports[batch.origin[i]],
                    batch.airports[batch.dest[i]],
                    ready,
                    batch.classes[batch.seg[i]],
                ]
            )
    code = (
        "import resource,sys,time;t=time.perf_counter();from ponte.cli import main;sys.argv=['ponte','consolidate',"
        f"{path!r},'--days','7','--out',{os.path.join(folder, 'plan.parquet')!r},'--json'];"
        "import contextlib,io\ntry:\n  main()\nexcept SystemExit:\n  pass\n"
        "print('BENCH',time.perf_counter()-t,resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024,file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    line = [ln for ln in done.stderr.splitlines() if ln.startswith("BENCH")]
    if not line:
        return {"cli_s": None, "cli_peak_mb": None, "cli_error": done.stderr[-300:]}
    _b, secs, mb = line[-1].split()
    return {"cli_s": round(float(secs), 2), "cli_peak_mb": round(float(mb))}


def one(n: int) -> dict:
    import numpy as np

    from ponte.logistics.binpack import cpsat_pack, first_fit_decreasing, pack_two_pointer
    from ponte.logistics.bounds import assignment_free_uld_bound
    from ponte.logistics.consolidation import check_plan, consolidate
    from ponte.logistics.network import sample_flights
    from ponte.logistics.synthetic import synthetic_batch
    from ponte.logistics.uld import bag_types

    start = datetime(2026, 3, 2, tzinfo=UTC)
    t0 = time.perf_counter()
    batch = synthetic_batch(n, 42, start, hours=48)
    t1 = time.perf_counter()
    flights = sample_flights(date(2026, 3, 2), 21, _schedule())
    plan = consolidate(batch, flights)
    t2 = time.perf_counter()
    problems = check_plan(plan)
    t2b = time.perf_counter()
    free_bound = assignment_free_uld_bound(plan, 2.0)
    t2c = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    bag = bag_types()["BAG30"]
    # baseline 1: plain FFD by weight only (what a weight-only planner does), bags only
    w = batch.weight_g[batch.weight_g <= bag.payload_g]
    t3 = time.perf_counter()
    ffd_bags = len(set(first_fit_decreasing(w.tolist(), bag.payload_g)))
    t4 = time.perf_counter()
    # baseline 2: CP-SAT on a 400-parcel sample of one group, against our packer on the same sample
    rng = np.random.default_rng(1)
    ok = (batch.volume_cm3 <= bag.volume_cm3) & (batch.weight_g <= bag.payload_g)
    sample = rng.choice(np.nonzero(ok)[0], size=min(400, int(ok.sum())), replace=False)
    sw, sv = batch.weight_g[sample], batch.volume_cm3[sample]
    _a, ours_sample = pack_two_pointer(sw, sv, None, (bag.payload_g, bag.volume_cm3))
    lb_sample = max(-(-int(sw.sum()) // bag.payload_g), -(-int(sv.sum()) // bag.volume_cm3))
    t5 = time.perf_counter()
    target = lb_sample
    cp = None
    while target <= ours_sample and cp is None and time.perf_counter() - t5 < 20:
        cp = cpsat_pack(
            sw.tolist(), sv.tolist(), bag.payload_g, bag.volume_cm3, target, time_limit=5.0, workers=1
        )
        target += 0 if cp is not None else 1
    t6 = time.perf_counter()
    # baseline 3: plain 2-D first-fit decreasing of every ULD's baggable parcels (the same flight assignment)
    baggable = (batch.weight_g <= bag.payload_g) & (batch.volume_cm3 <= bag.volume_cm3)
    ffd2 = 0
    t7 = time.perf_counter()
    for u in range(plan.ulds):
        m = np.nonzero((plan.parcel_uld == u) & baggable)[0]
        if len(m):
            ffd2 += ffd_2d(batch.weight_g[m], batch.volume_cm3[m], bag.payload_g, bag.volume_cm3)
    t8 = time.perf_counter()
    placed = int((plan.parcel_uld >= 0).sum())
    return {
        "parcels": n,
        "generate_s": round(t1 - t0, 2),
        "plan_s": round(t2 - t1, 2),
        "parcels_per_s": round(n / (t2 - t1)),
        "placed": placed,
        "unplaced": n - placed,
        "bags": plan.bags,
        "bags_lb": plan.lower_bound_bags,
        "gap_bags_pct": round(plan.gap_bags * 100, 2),
        "ulds": plan.ulds,
        "ulds_lb": plan.lower_bound_ulds,
        "gap_ulds_pct": round(plan.gap_ulds * 100, 2),
        "ulds_lb_any_flights": free_bound,
        "gap_ulds_any_pct": round((plan.ulds - free_bound) / free_bound * 100, 2) if free_bound else None,
        "bound_s": round(t2c - t2b, 2),
        "connections": sum(1 for u in range(plan.ulds) if len(plan.legs(u)) > 1),
        "flights": plan.flights_used,
        "rule_problems": len(problems),
        "peak_rss_mb": round(peak_mb),
        "ffd_weight_bags": ffd_bags,
        "ffd2d_bags": ffd2,
        "ffd2d_s": round(t8 - t7, 2),
        "ffd_s": round(t4 - t3, 2),
        "sample_n": len(sample),
        "sample_lb": lb_sample,
        "sample_ours": ours_sample,
        "sample_cpsat": (target if cp is not None else None),
        "cpsat_s": round(t6 - t5, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--one", type=int)
    parser.add_argument("--cli", type=int)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    if args.cli:
        print(json.dumps(cli_run(args.cli)))
        return
    print(
        f"{'parcels':>9} {'plan s':>7} {'parcels/s':>10} {'bags':>7} {'LB':>7} {'gap%':>5} {'ULDs':>5} "
        f"{'LB':>5} {'gap%':>5} {'flts':>4} {'peakMB':>6} | {'FFD(w) bags':>11} {'FFD2D bags':>10} | "
        f"{'sample LB/ours/CP-SAT':>22} {'CP s':>5}"
    )
    print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores shared)")
    for n in (int(x) for x in args.sizes.split(",")):
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        c = subprocess.run(
            [sys.executable, __file__, "--cli", str(n)], capture_output=True, text=True, check=True
        )
        r.update(json.loads(c.stdout.strip().splitlines()[-1]))
        print(
            f"{r['parcels']:>9} {r['plan_s']:>7} {r['parcels_per_s']:>10} {r['bags']:>7} {r['bags_lb']:>7} "
            f"{r['gap_bags_pct']:>5} {r['ulds']:>5} {r['ulds_lb']:>5} {r['gap_ulds_pct']:>5} {r['flights']:>4} "
            f"{r['peak_rss_mb']:>6} | {r['ffd_weight_bags']:>11} {r['ffd2d_bags']:>10} | "
            f"{r['sample_lb']:>6}/{r['sample_ours']}/{r['sample_cpsat']!s:>5} {r['cpsat_s']:>5}"
            f"   unplaced {r['unplaced']} rule problems {r['rule_problems']}"
            f"   CLI end to end {r['cli_s']} s, peak {r['cli_peak_mb']} MB"
            f"   ULD bound on any flights {r['ulds_lb_any_flights']} (gap {r['gap_ulds_any_pct']}%, "
            f"{r['bound_s']} s)   connecting ULDs {r['connections']}"
        )


if __name__ == "__main__":
    main()

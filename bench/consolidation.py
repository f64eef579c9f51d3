"""Consolidation benchmark: 10k, 100k and 1M parcels into bags, ULDs and flights.

Prints parcels/s, bags/ULDs/flights used, gap to the lower bounds and peak memory (each size in its own
process), beside same-run baselines: plain first-fit decreasing by weight (bags only, volume ignored) and
OR-Tools CP-SAT on a 400-parcel sample (where it finishes within its time limit).

    .venv/bin/python bench/consolidation.py [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import json
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


def one(n: int) -> dict:
    import numpy as np

    from ponte.logistics.binpack import cpsat_pack, first_fit_decreasing, pack_two_pointer
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
        "flights": plan.flights_used,
        "rule_problems": len(problems),
        "peak_rss_mb": round(peak_mb),
        "ffd_weight_bags": ffd_bags,
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
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    print(
        f"{'parcels':>9} {'plan s':>7} {'parcels/s':>10} {'bags':>7} {'LB':>7} {'gap%':>5} {'ULDs':>5} "
        f"{'LB':>5} {'gap%':>5} {'flts':>4} {'peakMB':>6} | {'FFD(w) bags':>11} {'FFD s':>6} | "
        f"{'sample LB/ours/CP-SAT':>22} {'CP s':>5}"
    )
    for n in (int(x) for x in args.sizes.split(",")):
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{r['parcels']:>9} {r['plan_s']:>7} {r['parcels_per_s']:>10} {r['bags']:>7} {r['bags_lb']:>7} "
            f"{r['gap_bags_pct']:>5} {r['ulds']:>5} {r['ulds_lb']:>5} {r['gap_ulds_pct']:>5} {r['flights']:>4} "
            f"{r['peak_rss_mb']:>6} | {r['ffd_weight_bags']:>11} {r['ffd_s']:>6} | "
            f"{r['sample_lb']:>6}/{r['sample_ours']}/{r['sample_cpsat']!s:>5} {r['cpsat_s']:>5}"
            f"   unplaced {r['unplaced']} rule problems {r['rule_problems']}"
        )


if __name__ == "__main__":
    main()

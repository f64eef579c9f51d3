"""Replenishment benchmark: the forecast's backtest against naive and seasonal-naive baselines, and the
simulated stock-out rate of the replenishment policy at several service levels, on simulated demand histories
(weekly seasonality, trend, a weekly live session and random flash-sale spikes).

    .venv/bin/python bench/replenishment.py [--series 24] [--days 280] [--seed 2026]

Prints MASE and sMAPE per model (rolling origin, 4 windows of 14 days), the time the forecasts took, and per
service level and first-leg lead time the share of review cycles that ran out of stock, the fill rate and
the average stock in days of demand.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date

import numpy as np

from ponte.simulate.warehouses import DemandShape, demand_history
from ponte.warehouses.evaluate import evaluate_policy
from ponte.warehouses.forecast import backtest


def histories(series: int, days: int, seed: int) -> dict[str, list[int]]:
    rng = np.random.default_rng(seed)
    out = {}
    for i in range(series):
        shape = DemandShape(
            base=float(rng.uniform(2, 25)),
            trend=float(rng.uniform(-0.001, 0.003)),
            live_lift=float(rng.uniform(1.3, 2.6)),
            flash_rate=float(rng.uniform(0.0, 0.06)),
        )
        out[f"SKU-{i:03d}"] = demand_history(rng, shape, date(2026, 1, 5), days)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--series", type=int, default=24)
    parser.add_argument("--days", type=int, default=280)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data = histories(args.series, args.days, args.seed)
    t0 = time.perf_counter()
    bt = backtest(data, horizon=14, windows=4)
    t_bt = time.perf_counter() - t0
    report: dict[str, object] = {
        "series": bt.series,
        "days": args.days,
        "backtest": {"mase": dict(bt.mase), "smape": dict(bt.smape)},
        "backtest_seconds": round(t_bt, 2),
        "policies": [],
    }
    if not args.json:
        print(f"backtest over {bt.series} series, {bt.windows} windows of {bt.horizon} days ({t_bt:.1f} s)")
        print(f"{'model':<15}{'MASE':>8}{'sMAPE %':>10}")
        for name in bt.mase:
            print(f"{name:<15}{bt.mase[name]:>8.3f}{bt.smape[name]:>10.2f}")
        print(
            f"\n{'service':>8}{'lead d':>8}{'cycles':>8}{'stock-outs':>12}{'rate':>8}{'target':>8}{'fill':>8}{'stock d':>9}"
        )
    for lead in (9, 34):
        t1 = time.perf_counter()
        results = evaluate_policy(data, lead, 7, (0.90, 0.95, 0.98), warmup=112)
        seconds = round(time.perf_counter() - t1, 1)
        for r in results:
            report["policies"].append(  # type: ignore[attr-defined]
                {
                    "service_level": r.service_level,
                    "lead_days": lead,
                    "cycles": r.cycles,
                    "stock_out_cycles": r.stock_out_cycles,
                    "stock_out_rate": round(r.stock_out_rate, 4),
                    "fill_rate": r.fill_rate,
                    "average_stock_days": r.average_stock_days,
                    "seconds": seconds,
                }
            )
            if not args.json:
                print(
                    f"{r.service_level:>8.2f}{lead:>8}{r.cycles:>8}{r.stock_out_cycles:>12}{r.stock_out_rate:>8.3f}"
                    f"{1 - r.service_level:>8.3f}{r.fill_rate:>8.3f}{r.average_stock_days:>9.1f}",
                    flush=True,
                )
    if args.json:
        print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

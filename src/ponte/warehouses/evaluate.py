"""How well the replenishment policy keeps its promise: run it on demand histories (forecasting again at each
review, from what was known then) and count the review cycles that ran out of stock (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ponte.warehouses.forecast import forecast
from ponte.warehouses.replenish import Policy, simulate

__all__ = ["PolicyResult", "evaluate_policy"]


@dataclass(frozen=True)
class PolicyResult:
    service_level: float
    lead_days: int
    review_days: int
    series: int
    cycles: int
    stock_out_cycles: int
    fill_rate: float
    average_stock_days: float

    @property
    def stock_out_rate(self) -> float:
        return self.stock_out_cycles / self.cycles if self.cycles else 0.0

    @property
    def within_target(self) -> bool:
        return self.stock_out_rate <= 1 - self.service_level


def evaluate_policy(
    histories: Mapping[str, Sequence[int]],
    lead_days: int,
    review_days: int,
    service_levels: Sequence[float],
    warmup: int,
) -> list[PolicyResult]:
    """Each series' first ``warmup`` days are history; the rest is played day by day under the policy of each
    service level (the forecasts, made afresh at every review from the days before it, are shared), starting
    with the order-up-to level in stock (the cycles before a first shipment can land are not counted)."""
    keys = sorted(histories)
    n_cycles = min((len(histories[k]) - warmup) // review_days for k in keys)
    horizon = lead_days + review_days
    plans: dict[str, list[tuple[Sequence[float], float, Sequence[float], Sequence[float]]]] = {
        k: [] for k in keys
    }
    for c in range(n_cycles):
        cut = warmup + c * review_days
        made = forecast({k: histories[k][:cut] for k in keys}, horizon)
        for k in keys:
            plans[k].append((made[k].mean, made[k].sigma, made[k].residuals, made[k].spread))
    return [
        _play(histories, keys, plans, Policy(lead_days, review_days, level), warmup)
        for level in service_levels
    ]


def _play(
    histories: Mapping[str, Sequence[int]],
    keys: list[str],
    plans: Mapping[str, list[tuple[Sequence[float], float, Sequence[float], Sequence[float]]]],
    policy: Policy,
    warmup: int,
) -> PolicyResult:
    cycles = outs = 0
    fill = stock_days = 0.0
    for k in keys:
        future = list(histories[k][warmup:])
        first_mean, first_sigma, first_resid, first_spread = plans[k][0]
        # the warehouse starts at its order-up-to level; the cycles before a first shipment could land are
        # played (stock runs down as it would) but not counted
        start = int(policy.order_up_to(first_mean, first_sigma, first_resid, first_spread))
        settle = -(-policy.lead_days // policy.review_days)
        sim = simulate(future, policy, plans[k], max(start, 0), settle)
        cycles += sim.cycles
        outs += sim.stock_out_cycles
        fill += sim.fill_rate
        daily = sum(future) / max(len(future), 1)
        stock_days += sim.average_stock / daily if daily else 0.0
    return PolicyResult(
        policy.service_level,
        policy.lead_days,
        policy.review_days,
        len(keys),
        cycles,
        outs,
        round(fill / len(keys), 4),
        round(stock_days / len(keys), 1),
    )

"""Replenishment of a warehouse (pure): safety stock for a service level over the first leg's lead time, the
order-up-to level a periodic review keeps, the suggested shipment, and a simulation of the policy that counts
stock-outs (what the chosen service level promises to keep under).

The service level is a *cycle* service level: the share of review cycles that end without a stock-out."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

__all__ = ["Policy", "Simulation", "order_quantity", "safety_stock", "simulate"]


def z_for(service_level: float) -> float:
    if not 0.5 <= service_level < 1:
        raise ValueError("a service level is between 0.5 and 1 (e.g. 0.95)")
    return NormalDist().inv_cdf(service_level)


def safety_stock(
    sigma_daily: float,
    lead_days: int,
    review_days: int,
    service_level: float,
    residuals: Sequence[float] = (),
    spread: Sequence[float] = (),
) -> float:
    """The buffer that covers the forecast's error over the lead time and review period (L+R days), the
    largest of: the normal z·σ·√(L+R) of independent daily errors; the ``service_level`` quantile of the
    one-step errors summed over every L+R consecutive days of the history (spikes and runs as they
    happened); and z·Σσₕ, the model's own error at each day ahead added up (a wrong level stays wrong)."""
    cover = lead_days + review_days
    z = z_for(service_level)
    best = z * sigma_daily * math.sqrt(cover)
    if len(residuals) >= 2 * cover:
        sums = np.convolve(np.asarray(residuals, dtype=float), np.ones(cover), mode="valid")
        best = max(best, float(np.quantile(sums, service_level)))
    if len(spread) >= cover:
        best = max(best, z * float(sum(spread[:cover])))
    return best


@dataclass(frozen=True)
class Policy:
    lead_days: int
    review_days: int
    service_level: float

    def order_up_to(
        self,
        daily_forecast: Sequence[float],
        sigma_daily: float,
        residuals: Sequence[float] = (),
        spread: Sequence[float] = (),
    ) -> float:
        cover = self.lead_days + self.review_days
        demand = (
            sum(daily_forecast[:cover])
            if len(daily_forecast) >= cover
            else ((sum(daily_forecast) / max(len(daily_forecast), 1)) * cover)
        )
        return demand + safety_stock(
            sigma_daily, self.lead_days, self.review_days, self.service_level, residuals, spread
        )


def order_quantity(order_up_to: float, available: int, inbound: int) -> int:
    """Units to ship now so that stock on hand and on the way reaches the order-up-to level."""
    return max(0, math.ceil(order_up_to - available - inbound))


@dataclass(frozen=True)
class Simulation:
    cycles: int
    stock_out_cycles: int
    fill_rate: float
    average_stock: float

    @property
    def stock_out_rate(self) -> float:
        return self.stock_out_cycles / self.cycles if self.cycles else 0.0


def simulate(
    demand: Sequence[int],
    policy: Policy,
    forecasts: Sequence[tuple[Sequence[float], float, Sequence[float], Sequence[float]]],
    start_stock: int,
    settle_cycles: int = 0,
) -> Simulation:
    """Run the periodic-review policy over ``demand`` (units asked per day): at the start of each review cycle
    the shipment ``order_quantity`` leaves, arriving ``lead_days`` later; ``forecasts[c]`` is the forecast (daily
    means, σ, residuals, spread) made at cycle ``c``. A cycle is a stock-out when some demand in it was not met from stock;
    the first ``settle_cycles`` (before the first shipment can arrive) are played but not counted."""
    stock = start_stock
    pipeline: dict[int, int] = {}
    served = asked = 0
    cycles = outs = 0
    level_sum = 0
    n_cycles = min(len(forecasts), len(demand) // policy.review_days)
    for c in range(n_cycles):
        mean, sigma, residuals, spread = forecasts[c]
        day0 = c * policy.review_days
        on_way = sum(q for d, q in pipeline.items() if d >= day0)  # what lands today is not on the shelf yet
        qty = order_quantity(policy.order_up_to(mean, sigma, residuals, spread), stock, on_way)
        if qty:
            pipeline[day0 + policy.lead_days] = pipeline.get(day0 + policy.lead_days, 0) + qty
        short = False
        for day in range(day0, day0 + policy.review_days):
            stock += pipeline.pop(day, 0)
            want = demand[day]
            got = min(stock, want)
            stock -= got
            short = short or got < want
            if c >= settle_cycles:
                served += got
                asked += want
                level_sum += stock
        if c >= settle_cycles:
            cycles += 1
            outs += short
    days = cycles * policy.review_days
    return Simulation(cycles, outs, served / asked if asked else 1.0, level_sum / days if days else 0.0)

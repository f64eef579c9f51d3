"""Replenishment: the forecast beats the naive baselines on simulated demand, the policy's simulated
stock-outs stay near its service level, and a suggestion is costed with freight and the duties engine."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from factories import Tenants
from ponte.simulate.warehouses import DemandShape, demand_history
from ponte.warehouses.forecast import backtest, mase, smape
from ponte.warehouses.replenish import Policy, safety_stock, simulate
from ponte.warehouses.service import WarehouseService


def histories(n: int, days: int, seed: int = 7) -> dict[str, list[int]]:
    rng = np.random.default_rng(seed)
    return {
        f"S{i}": demand_history(rng, DemandShape(base=float(rng.uniform(4, 20))), date(2026, 1, 5), days)
        for i in range(n)
    }


def test_the_errors_are_what_they_say() -> None:
    actual, pred = np.array([10.0, 0, 5]), np.array([8.0, 0, 10])
    assert smape(actual, pred) == pytest.approx(100 * (2 * 2 / 18 + 0 + 2 * 5 / 15) / 3)
    insample = np.array([1.0, 2, 3, 4, 5, 6, 7, 3, 4, 5, 6, 7, 8, 9])
    assert mase(actual, pred, insample) == pytest.approx(np.mean([2, 0, 5]) / 2.0)


def test_the_forecast_beats_naive_and_seasonal_naive() -> None:
    result = backtest(histories(4, 140), horizon=14, windows=3)
    assert result.beats_baselines(), result
    assert result.smape["AutoETS"] < result.smape["Naive"]


def test_more_safety_stock_means_fewer_stock_outs() -> None:
    rng = np.random.default_rng(3)
    demand = [int(x) for x in rng.poisson(10, 7 * 60)]
    plans = [([10.0] * 16, 3.2, (), ())] * 60
    low = simulate(demand, Policy(9, 7, 0.6), plans, 100)
    high = simulate(demand, Policy(9, 7, 0.98), plans, 100)
    assert high.stock_out_rate <= 0.05 < low.stock_out_rate
    assert high.average_stock > low.average_stock
    assert safety_stock(3.2, 9, 7, 0.95) == pytest.approx(1.6448536 * 3.2 * 4, rel=1e-6)


def test_a_suggestion_without_a_catalogue_product_is_not_costed(
    tenants: Tenants, stocked: WarehouseService
) -> None:
    s = stocked
    today = s.clock.now().date()
    s.record_history(
        tenants.a, "GRU-1", "LIP-001", "H", "A-01", today - timedelta(days=120), histories(1, 120)["S0"]
    )
    assert s.lots(tenants.a, "GRU-1")[0].on_hand == 0  # the history's units came and went
    assert sum(s.demand_history(tenants.a, "GRU-1")["LIP-001"]) == sum(histories(1, 120)["S0"])
    [sug] = s.replenishment(tenants.a, "GRU-1", service_level=0.95)
    assert sug.sku == "LIP-001" and sug.quantity > 0 and sug.lead_days == 48
    assert sug.order_up_to >= sug.safety_stock > 0
    assert sug.freight is None and "catalogue" in sug.duty_note

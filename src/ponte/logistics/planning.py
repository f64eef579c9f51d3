"""One plan, start to finish, without a database: consolidate, check, number the lots (pure but for the AWB
stock object it is given, which hands out numbers in memory). The CLI plans files with it; the service plans the
stored parcels with it and then stores what it decided."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ponte.kernel.errors import PonteError
from ponte.logistics.awb import AwbNumber, AwbStock
from ponte.logistics.bounds import assignment_free_uld_bound
from ponte.logistics.consolidation import Plan, Rules, check_plan, consolidate
from ponte.logistics.errors import LogisticsError
from ponte.logistics.lots import Lot, lots_of
from ponte.logistics.parcels import ParcelBatch, Reject
from ponte.logistics.summary import plan_summary
from ponte.logistics.uld import Flight

__all__ = ["PlanCheckFailed", "Planned", "plan_batch"]


class PlanCheckFailed(PonteError):
    """The planner broke one of its own rules: nothing is returned or stored (a defect to report)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            "the plan breaks its rules: " + "; ".join(problems[:5]),
            field="plan",
            rule=LogisticsError.PLAN_CHECK,
            status=500,
        )
        self.problems = problems


@dataclass
class Planned:
    plan: Plan
    lots: list[Lot]
    masters: dict[int, AwbNumber]
    summary: dict[str, Any]


def plan_batch(
    batch: ParcelBatch,
    flights: Sequence[Flight],
    stock: AwbStock | None = None,
    rejects: Sequence[Reject] = (),
    rules: Rules | None = None,
    detail: bool = True,
) -> Planned:
    """Plan ``batch`` on ``flights``, check every rule, issue one master per lot from ``stock`` (when given)."""
    plan = consolidate(batch, list(flights), rules)
    problems = check_plan(plan)
    if problems:
        raise PlanCheckFailed(problems)
    if plan.rules.any_flights_bound_seconds > 0:
        plan.lower_bound_ulds_any_flights = assignment_free_uld_bound(
            plan, plan.rules.any_flights_bound_seconds
        )
    lots = lots_of(plan)
    masters = {lot.index: stock.next(lot.carrier) for lot in lots} if stock is not None else {}
    summary = plan_summary(plan, masters, detail=detail, lots=lots)
    summary["rejected"] = [r.as_dict() for r in rejects]
    return Planned(plan, lots, masters, summary)

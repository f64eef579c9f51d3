"""The ULD bound that does not depend on Ponte's flight assignment is never above the optimum: on small instances
the optimum is found exactly here with CP-SAT (parcels to ULD positions of any eligible flight, weight, volume,
one class a ULD, every flight's payload with ULD tares), under rules no stricter than Ponte's, and the bound stays
at or below it, while the plan stays at or above it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from ponte.logistics.bounds import assignment_free_uld_bound
from ponte.logistics.consolidation import Plan, check_plan, consolidate
from ponte.logistics.intake import batch_of
from ponte.logistics.parcels import Parcel
from ponte.logistics.uld import Flight, segregation_classes, uld_types

T0 = datetime(2026, 3, 2, tzinfo=UTC)
CAO = {c.code for c in segregation_classes().values() if c.cargo_aircraft_only}


def exact_fewest_ulds(plan: Plan) -> int | None:
    """The fewest ULDs carrying the parcels the plan placed, on any flights they may take (None: not proved)."""
    b, ulds = plan.batch, uld_types()
    items = [i for i in range(len(b)) if plan.parcel_uld[i] >= 0]
    slots = [
        (fi, code) for fi, f in enumerate(plan.flights) for code, n in f.positions.items() for _ in range(n)
    ]
    m = cp_model.CpModel()
    y = [m.new_bool_var("") for _ in slots]
    classes = sorted({int(b.seg[i]) for i in items})
    z = {(s, k): m.new_bool_var("") for s in range(len(slots)) for k in classes}
    x = {}
    for i in items:
        f_ok = [
            s
            for s, (fi, _c) in enumerate(slots)
            if int(b.ready[i]) <= plan.flights[fi].cutoff.timestamp()
            and (plan.flights[fi].freighter or b.classes[b.seg[i]] not in CAO)
        ]
        for s in f_ok:
            x[i, s] = m.new_bool_var("")
            m.add_implication(x[i, s], z[s, int(b.seg[i])])
        m.add_exactly_one(x[i, s] for s in f_ok)
    for s, (_fi, code) in enumerate(slots):
        t = ulds[code]
        inside = [i for i in items if (i, s) in x]
        m.add(sum(int(b.weight_g[i]) * x[i, s] for i in inside) <= t.payload_g * y[s])
        m.add(sum(int(b.volume_cm3[i]) * x[i, s] for i in inside) <= int(t.volume_cm3 * 0.95) * y[s])
        m.add(sum(z[s, k] for k in classes) <= 1)
    for fi, f in enumerate(plan.flights):
        on = [s for s, (g, _c) in enumerate(slots) if g == fi]
        m.add(
            sum(ulds[slots[s][1]].tare_g * y[s] for s in on)
            + sum(int(b.weight_g[i]) * x[i, s] for s in on for i in items if (i, s) in x)
            <= f.payload_g
        )
    m.minimize(sum(y))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 20
    solver.parameters.num_workers = 1
    return round(solver.objective_value) if solver.solve(m) == cp_model.OPTIMAL else None


def _flight(number: str, hours: int, positions: dict[str, int], freighter: bool, payload: int) -> Flight:
    d = T0 + timedelta(hours=hours)
    return Flight(number, "784", "CAN", "GRU", d, d + timedelta(hours=15), d - timedelta(hours=4), freighter,
                  Decimal(payload), positions)  # fmt: skip


rows = st.tuples(
    st.integers(50, 900),
    st.integers(20, 110),
    st.sampled_from(["GEN", "GEN", "ELI", "CAO"]),
    st.integers(0, 30),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows, min_size=1, max_size=9), st.integers(1500, 9000))
def test_the_assignment_free_bound_is_never_above_the_exact_optimum(parcels, payload) -> None:  # type: ignore[no-untyped-def]
    batch = batch_of(
        [
            Parcel(
                f"p{i}",
                Decimal(kg),
                Decimal(cm),
                Decimal(cm),
                Decimal(cm),
                "CAN",
                "GRU",
                T0 + timedelta(hours=h),
                s,
            )
            for i, (kg, cm, s, h) in enumerate(parcels)
        ]
    )
    flights = [
        _flight("F1", 20, {"AKE": 2}, False, payload),
        _flight("F2", 40, {"AKE": 1, "PMC": 1}, True, payload),
    ]
    plan = consolidate(batch, flights)
    assert check_plan(plan) == []
    bound = assignment_free_uld_bound(plan)
    best = exact_fewest_ulds(plan)
    if best is not None:
        assert bound <= best <= plan.ulds
    assert bound <= plan.ulds
    if plan.ulds:
        assert bound >= 1


def test_the_bound_counts_weight_and_volume_together_across_flights() -> None:
    # 6 parcels of 400 kg: an AKE carries 3 by weight (1,588 kg less tare), a PMC all of them
    parcels = [
        Parcel(f"p{i}", Decimal(400), Decimal(60), Decimal(60), Decimal(60), "CAN", "GRU", T0)
        for i in range(6)
    ]
    flights = [_flight("F1", 20, {"AKE": 4}, True, 20000), _flight("F2", 40, {"PMC": 1}, True, 20000)]
    plan = consolidate(batch_of(parcels), flights)
    assert assignment_free_uld_bound(plan) == 1 == exact_fewest_ulds(plan)
    assert plan.ulds >= 1

"""A lower bound on the ULDs of any plan that carries the same parcels, whatever flights it puts them on (pure).

The plan's own bound (``consolidation._bounds``) is given Ponte's flight assignment; this one is not. Parcels
are grouped by (lane, class, the routes they may take: cut-off, cargo-aircraft-only) and treated as divisible
between those routes; per (route, class) integer counts of each ULD type must cover the share of weight and of
volume it takes, within every leg's positions and payload (ULD tares included; bag tares and parcel sizes are
left out, which only lowers the bound). A mixed-integer model (OR-Tools, SCIP) solved within a time limit; when
it is not proved optimal its proved bound is used, so the answer is a valid lower bound in every case.
"""

from __future__ import annotations

__all__ = ["assignment_free_uld_bound"]

import math
from typing import Any

import numpy as np

from ponte.logistics.itineraries import Route as _Route
from ponte.logistics.itineraries import routes_of
from ponte.logistics.plan import Plan
from ponte.logistics.uld import segregation_classes


def assignment_free_uld_bound(plan: Plan, time_limit: float = 2.0, routes: list[_Route] | None = None) -> int:
    """The fewest ULDs any plan needs to carry the parcels ``plan`` placed (0 when none is placed)."""
    batch, rules = plan.batch, plan.rules
    placed = np.nonzero(plan.parcel_uld >= 0)[0]
    if len(placed) == 0:
        return 0
    routes = routes if routes is not None else routes_of(plan.flights, rules)
    code = {c: i for i, c in enumerate(batch.airports)}
    cao = {k: segregation_classes()[c].cargo_aircraft_only for k, c in enumerate(batch.classes)}
    # each placed parcel's eligible routes (lane, cut-off, freighter for CAO); groups of the same eligibility
    lane_routes: dict[tuple[int, int], list[int]] = {}
    for ri, r in enumerate(routes):
        if r.origin in code and r.destination in code and r.types:
            lane_routes.setdefault((code[r.origin], code[r.destination]), []).append(ri)
    groups: dict[tuple[int, tuple[int, ...]], list[int]] = {}
    ready = batch.ready[placed]
    for (o, d), rs in lane_routes.items():
        on = (batch.origin[placed] == o) & (batch.dest[placed] == d)
        for k in np.unique(batch.seg[placed][on]).tolist():
            sel = on & (batch.seg[placed] == k)
            usable = [ri for ri in rs if routes[ri].freighter or not cao[k]]
            cutoffs = sorted({routes[ri].cutoff for ri in usable})
            # parcels ready by a given cut-off may take every route whose cut-off is that or later
            edges = np.searchsorted(np.array(cutoffs), ready[sel], side="left")
            for e in np.unique(edges).tolist():
                if e >= len(cutoffs):
                    return 0  # a placed parcel with no route: not a plan this bound describes
                members = placed[sel][edges == e].tolist()
                elig = tuple(ri for ri in usable if routes[ri].cutoff >= cutoffs[e])
                groups.setdefault((k, elig), []).extend(members)
    # the linear relaxation first (GLOP, fast and always solved), then the integer model for what time is left
    relaxed = _solve(plan, routes, groups, "GLOP", time_limit)
    exact = _solve(plan, routes, groups, "SCIP", time_limit)
    return max(relaxed, exact)


def _solve(
    plan: Plan,
    routes: list[_Route],
    groups: dict[tuple[int, tuple[int, ...]], list[int]],
    name: str,
    time_limit: float,
) -> int:
    from ortools.linear_solver import pywraplp  # lazy: only the bound needs the solvers

    batch, rules = plan.batch, plan.rules
    solver = pywraplp.Solver.CreateSolver(name)
    if solver is None:  # pragma: no cover - the wheel ships both
        return 0
    solver.SetTimeLimit(int(time_limit * 1000))
    integer = name != "GLOP"
    w, v = batch.weight_g, batch.volume_cm3
    share: dict[tuple[int, int], list[tuple[float, float, Any]]] = {}  # (route, class) -> (kg, m3, var)
    for (k, elig), members in groups.items():
        gw, gv = float(w[members].sum()) / 1000, float(v[members].sum()) / 1e6
        parts = [solver.NumVar(0, 1, "") for _ in elig]
        solver.Add(sum(parts) == 1)
        for ri, a in zip(elig, parts, strict=True):
            share.setdefault((ri, k), []).append((gw, gv, a))
    count: dict[tuple[int, int, str], Any] = {}
    leg_positions: dict[tuple[int, str], list[Any]] = {}
    leg_load: dict[int, list[Any]] = {}
    for (ri, k), parts in share.items():
        r = routes[ri]
        new = solver.IntVar if integer else solver.NumVar
        xs = {t.code: new(0, solver.infinity(), "") for t in r.types}
        for t in r.types:
            count[(ri, k, t.code)] = xs[t.code]
            for leg in r.legs:
                leg_positions.setdefault((leg, t.code), []).append(xs[t.code])
        solver.Add(
            sum(t.payload_g / 1000 * xs[t.code] for t in r.types) >= sum(gw * a for gw, _gv, a in parts)
        )
        solver.Add(
            sum(t.volume_cm3 * rules.uld_volume_utilisation / 1e6 * xs[t.code] for t in r.types)
            >= sum(gv * a for _gw, gv, a in parts)
        )
        load = sum(t.tare_g / 1000 * xs[t.code] for t in r.types) + sum(gw * a for gw, _gv, a in parts)
        for leg in r.legs:
            leg_load.setdefault(leg, []).append(load)
    for (leg, t_code), on_leg in leg_positions.items():
        solver.Add(sum(on_leg) <= plan.flights[leg].positions.get(t_code, 0))
    for leg, loads in leg_load.items():
        solver.Add(sum(loads) <= plan.flights[leg].payload_g / 1000)
    solver.Minimize(sum(count.values()))
    status = solver.Solve()
    if status == pywraplp.Solver.OPTIMAL:
        return math.ceil(solver.Objective().Value() - 1e-6)
    if status == pywraplp.Solver.INFEASIBLE:
        return 0  # the divisible model cannot be infeasible for a sound plan; claim nothing
    if not integer:
        return 0  # an LP not solved in time proves nothing
    best = solver.Objective().BestBound()
    return max(0, math.ceil(best - 1e-6)) if math.isfinite(best) else 0

"""Consolidation: parcels into ULDs on flights, then into bags inside each ULD.

Rules kept by construction (and re-checked by :func:`check_plan`):

* a ULD goes on one flight whose origin and destination are the parcels' own;
* a parcel flies only if it was ready before the flight's cut-off;
* a bag and a ULD hold one segregation class; cargo-aircraft-only classes fly on freighters;
  perishables (lowest priority number) claim each flight's positions first;
* weight and volume limits of every bag, ULD and flight (payload includes ULD and bag tare).

The heuristic fills ULDs with a two-pointer scan (largest parcels first, topped up with the smallest) so
that a million parcels plan in seconds; small groups whose count is above their lower bound are re-packed
with OR-Tools CP-SAT. Every plan reports its lower bounds and the gap to them.
"""

from __future__ import annotations

__all__ = ["Plan", "Rules", "check_plan", "consolidate", "routes_of"]

import numpy as np

from ponte.logistics.binpack import (
    cpsat_pack,
    first_fit_decreasing_2d,
    pack_two_pointer,
    shared_positions_bound,
)
from ponte.logistics.itineraries import Route as _Route
from ponte.logistics.itineraries import routes_of
from ponte.logistics.parcels import ParcelBatch
from ponte.logistics.plan import Plan, Rules
from ponte.logistics.plancheck import check_plan
from ponte.logistics.uld import Flight, UldType, bag_types, segregation_classes, uld_types


def _bag_reserve(t: UldType, bag: UldType, util: float) -> int:
    """Tare of the most bags a ULD of type t can hold (so bag tare never breaks its weight limit)."""
    most = max(-(-int(t.volume_cm3 * util) // bag.volume_cm3), -(-t.payload_g // bag.payload_g)) + 1
    return most * bag.tare_g


def _fits(dims: np.ndarray, t: UldType) -> np.ndarray:
    box = sorted((t.length_cm, t.width_cm, t.height_cm), reverse=True)
    return (dims[:, 0] <= box[0]) & (dims[:, 1] <= box[1]) & (dims[:, 2] <= box[2])


def _baggable(batch: ParcelBatch, bag: UldType) -> np.ndarray:
    return (
        _fits(batch.dims_cm, bag) & (batch.weight_g <= bag.payload_g) & (batch.volume_cm3 <= bag.volume_cm3)
    )


def _min_count(demand: int, caps: list[int]) -> int:
    """Fewest bins from ``caps`` (largest first) whose capacity covers ``demand``."""
    total, count = 0, 0
    for c in sorted(caps, reverse=True):
        if total >= demand:
            break
        total += c
        count += 1
    return count


def consolidate(batch: ParcelBatch, flights: list[Flight], rules: Rules | None = None) -> Plan:
    rules = rules or Rules()
    n = len(batch)
    bag = bag_types()[rules.bag_type]
    catalogue = uld_types()
    classes = segregation_classes()
    flights = sorted(flights, key=lambda f: (f.departs, f.number))
    prio = np.array([classes[c].priority for c in batch.classes], dtype=np.int64)[batch.seg]
    claim = np.lexsort((np.arange(n), batch.ready, prio))  # oldest first within priority
    placed = np.zeros(n, dtype=bool)
    plan = Plan(batch, flights, np.full(n, -1, dtype=np.int64), np.full(n, -1, dtype=np.int64), rules=rules)
    code_index = {c: i for i, c in enumerate(batch.airports)}
    class_order = sorted(range(len(batch.classes)), key=lambda k: classes[batch.classes[k]].priority)
    groups: list[tuple[int, int, np.ndarray]] = []  # (first leg, class, parcel indices) for bounds
    # parcels of each (origin, destination, class), in claim order: what is still to place is kept compact
    key = (batch.origin[claim].astype(np.int64) * 100_000 + batch.dest[claim]) * 64 + batch.seg[claim]
    by_key = np.argsort(key, kind="stable")
    keys, starts = np.unique(key[by_key], return_index=True)
    ends = [*starts[1:].tolist(), n] if len(keys) else []
    pending: dict[tuple[int, int, int], np.ndarray] = {
        (int(k) // 64 // 100_000, int(k) // 64 % 100_000, int(k) % 64): claim[by_key[a:b]]
        for k, a, b in zip(keys, starts, ends, strict=True)
    }
    pairs = {(batch.airports[o], batch.airports[d]) for o, d, _k in pending}
    served = {(f.origin, f.destination) for f in flights}
    routes = routes_of(flights, rules, pairs if rules.connect_direct_lanes else pairs - served)
    fits_cache = {code: _fits(batch.dims_cm, t) for code, t in catalogue.items()}
    # per leg: the positions and payload still free
    free: list[dict[str, int]] = [{c: k for c, k in f.positions.items() if k > 0} for f in flights]
    payload: list[int] = [f.payload_g for f in flights]
    # priority first across every route (perishables take their positions before general cargo anywhere),
    # then direct legs in departure order (the earliest eligible flight with room), then connections in
    # arrival order (or, preferring cost, the cheapest route first), then the classes of that priority
    levels = sorted({classes[c].priority for c in batch.classes})
    for level in levels:
        level_classes = [k for k in class_order if classes[batch.classes[k]].priority == level]
        for _round in range(2):
            for route in routes:
                o, d = code_index.get(route.origin), code_index.get(route.destination)
                if o is None or d is None or not route.types:
                    continue
                for k in level_classes:
                    if not route.freighter and classes[batch.classes[k]].cargo_aircraft_only:
                        continue
                    cand = pending.get((o, d, k))
                    if cand is None or len(cand) == 0 or min(payload[x] for x in route.legs) <= 0:
                        continue
                    cand = cand[~placed[cand]]
                    pending[(o, d, k)] = cand
                    sel = cand[batch.ready[cand] <= route.cutoff]
                    if len(sel) == 0:
                        continue
                    # a parcel fits the route if one offered type holds it: those that fit only some types
                    # are filled first into those types, then the rest into any
                    mask = np.zeros(len(sel), dtype=np.int64)
                    for j, t in enumerate(route.types):
                        mask |= fits_cache[t.code][sel].astype(np.int64) << j
                    full = (1 << len(route.types)) - 1
                    for m in sorted(
                        set(mask.tolist()) - {0}, key=lambda m: (m == full, bin(m).count("1"), m)
                    ):
                        types = [t for j, t in enumerate(route.types) if m >> j & 1]
                        part = sel[mask == m] if m != full else sel[(mask == full) & ~placed[sel]]
                        _fill(
                            plan,
                            part,
                            route.legs,
                            k,
                            types,
                            free,
                            payload,
                            placed,
                            groups,
                            fits_cache,
                            bag,
                            rules,
                        )
    _bag_all(plan, bag, rules)
    _bounds(plan, groups, bag, rules)
    _reasons(plan, placed, routes)
    return plan


def _fill(
    plan: Plan,
    sel: np.ndarray,
    legs: tuple[int, ...],
    k: int,
    types: list[UldType],
    free: list[dict[str, int]],
    payload: list[int],
    placed: np.ndarray,
    groups: list[tuple[int, int, np.ndarray]],
    fits_cache: dict[str, np.ndarray],
    bag: UldType,
    rules: Rules,
) -> None:
    """Fill ULDs of ``types`` on the legs ``legs`` with the parcels ``sel`` (claim order) of class ``k``, within
    the positions and payload free on every leg (tares of ULDs and bags included); takes them off each leg."""
    w, v = plan.batch.weight_g, plan.batch.volume_cm3
    room = min(payload[x] for x in legs)
    if len(sel) == 0 or room <= 0:
        return
    positions = {t.code: min(free[x].get(t.code, 0) for x in legs) for t in types}
    caps: list[tuple[int, int]] = []
    cap_type: list[UldType] = []
    for t in types:
        wc = t.payload_g - _bag_reserve(t, bag, rules.uld_volume_utilisation)
        vc = int(t.volume_cm3 * rules.uld_volume_utilisation)
        caps += [(wc, vc)] * positions[t.code]
        cap_type += [t] * positions[t.code]
    if not caps:
        return
    total_w = min(sum(c[0] for c in caps), room - sum(t.tare_g for t in cap_type))
    total_v = sum(c[1] for c in caps)
    cut = min(
        int(np.searchsorted(np.cumsum(w[sel]), total_w * 0.995, side="right")),
        int(np.searchsorted(np.cumsum(v[sel]), total_v * 0.995, side="right")),
    )
    sub = sel[: max(cut, 1)]
    assign, used = pack_two_pointer(w[sub], v[sub], caps, mixed_tail=rules.mixed_tail)
    if used == 0:
        return
    # payload: keep the ULDs (in fill order) whose gross, tares included, fits every leg
    gross = _uld_gross(w, v, sub, assign, used, bag) + np.array([t.tare_g for t in cap_type[:used]])
    keep = int(np.searchsorted(np.cumsum(gross), room, side="right"))
    if keep < used:
        assign[assign >= keep] = -1
        used = keep
    if used:
        gross[used - 1] += _right_size(
            sub[assign == used - 1], cap_type, used, types, positions, fits_cache, bag, rules, w, v
        )
    ok = assign >= 0
    first = plan.ulds
    for b in range(used):
        plan.uld_flight.append(legs[0])
        plan.uld_legs.append(legs)
        plan.uld_type.append(cap_type[b].code)
        plan.uld_class.append(k)
        for x in legs:
            free[x][cap_type[b].code] -= 1
    plan.parcel_uld[sub[ok]] = first + assign[ok]
    placed[sub[ok]] = True
    for x in legs:
        payload[x] -= int(gross[:used].sum())
    groups.append((legs[0], k, sub[ok]))


def _right_size(
    members: np.ndarray,
    cap_type: list[UldType],
    used: int,
    types: list[UldType],
    positions: dict[str, int],
    fits: dict[str, np.ndarray],
    bag: UldType,
    rules: Rules,
    w: np.ndarray,
    v: np.ndarray,
) -> int:
    """The last ULD of a fill is part-filled: give it the smallest type with a free position that holds its
    contents (weight with bag reserve, stowable volume, every parcel's size), so that the large positions stay
    free for the classes still to come. Changes ``cap_type`` in place; returns the change of tare."""
    last = cap_type[used - 1]
    taken = {t.code: 0 for t in types}
    for t in cap_type[:used]:
        taken[t.code] += 1
    cw, cv = int(w[members].sum()), int(v[members].sum())
    for t in sorted(types, key=lambda t: (t.volume_cm3, t.payload_g)):
        if t.volume_cm3 >= last.volume_cm3:
            break
        if taken[t.code] >= positions[t.code]:
            continue
        if (
            cw <= t.payload_g - _bag_reserve(t, bag, rules.uld_volume_utilisation)
            and cv <= int(t.volume_cm3 * rules.uld_volume_utilisation)
            and bool(fits[t.code][members].all())
        ):
            cap_type[used - 1] = t
            return t.tare_g - last.tare_g
    return 0


def _uld_gross(
    w: np.ndarray, v: np.ndarray, sub: np.ndarray, assign: np.ndarray, used: int, bag: UldType
) -> np.ndarray:
    """Per ULD: contents plus the tare of the most bags its contents can need."""
    ok = assign >= 0
    tw = np.bincount(assign[ok], weights=w[sub][ok], minlength=used)[:used]
    tv = np.bincount(assign[ok], weights=v[sub][ok], minlength=used)[:used]
    bags = np.maximum(np.ceil(tw / bag.payload_g), np.ceil(tv / bag.volume_cm3)) + 1
    return (tw + bags * bag.tare_g).astype(np.int64)


def _bag_all(plan: Plan, bag: UldType, rules: Rules) -> None:
    """Inside each ULD, parcels that fit a bag go into bags; the rest ride loose in the ULD."""
    batch = plan.batch
    w, v = batch.weight_g, batch.volume_cm3
    baggable = _baggable(batch, bag)
    idx = np.nonzero((plan.parcel_uld >= 0) & baggable)[0]
    idx = idx[np.argsort(plan.parcel_uld[idx], kind="stable")]
    bounds = np.searchsorted(plan.parcel_uld[idx], np.arange(plan.ulds + 1))
    budget = rules.exact_budget_seconds
    cap = (bag.payload_g, bag.volume_cm3)
    for u in range(plan.ulds):
        members = idx[bounds[u] : bounds[u + 1]]
        if len(members) == 0:
            continue
        assign, used = pack_two_pointer(w[members], v[members], None, cap)
        lb = max(-(-int(w[members].sum()) // cap[0]), -(-int(v[members].sum()) // cap[1]))
        if used > lb:  # never worse than plain two-dimensional first-fit decreasing
            ffd, ffd_used = first_fit_decreasing_2d(w[members], v[members], cap)
            if ffd_used < used:
                assign, used = ffd, ffd_used
        if used > lb and len(members) <= rules.exact_max_items and budget > 0:
            exact = cpsat_pack(
                list(w[members]), list(v[members]), cap[0], cap[1], used - 1, rules.exact_seconds
            )
            budget -= rules.exact_seconds
            if exact is not None:
                assign = np.asarray(exact, dtype=np.int64)
                used = int(assign.max()) + 1
        first = plan.bags
        plan.bag_uld.extend([u] * used)
        plan.parcel_bag[members] = first + assign


def _bounds(plan: Plan, groups: list[tuple[int, int, np.ndarray]], bag: UldType, rules: Rules) -> None:
    """Lower bounds given the flight assignment. ULDs: per (flight, class) group the fewest of the flight's
    types whose payload (resp. volume) covers the group; on a flight where classes compete for positions,
    the joint bound of ``shared_positions_bound`` (each class its own ULDs, all from the flight's positions
    and payload) when higher. Bags: L1 per group."""
    batch, catalogue = plan.batch, uld_types()
    w, v = batch.weight_g, batch.volume_cm3
    baggable = _baggable(batch, bag)
    merged: dict[tuple[int, int], list[np.ndarray]] = {}
    for fi, k, members in groups:
        merged.setdefault((fi, k), []).append(members)
    lb_b = 0
    per_flight: dict[int, int] = {}
    demands: dict[int, list[tuple[int, int]]] = {}
    for (fi, _k), parts in merged.items():
        members = np.concatenate(parts)
        flight = plan.flights[fi]
        types = [catalogue[c] for c, cnt in flight.positions.items() for _ in range(cnt)]
        gw, gv = int(w[members].sum()), int(v[members].sum())
        per_flight[fi] = per_flight.get(fi, 0) + max(
            _min_count(gw, [t.payload_g for t in types]),
            _min_count(gv, [int(t.volume_cm3 * rules.uld_volume_utilisation) for t in types]),
        )
        demands.setdefault(fi, []).append((gw, gv))
        bm = members[baggable[members]]
        lb_b += max(-(-int(w[bm].sum()) // bag.payload_g), -(-int(v[bm].sum()) // bag.volume_cm3))
    for fi, groups_on_flight in demands.items():
        flight = plan.flights[fi]
        offered = [(catalogue[c], n) for c, n in flight.positions.items() if n > 0]
        if not _contended(groups_on_flight, offered, rules):
            continue
        # classes on one flight draw on the same positions (and payload): a joint bound, both dimensions
        # at once (a few milliseconds of CP-SAT per flight)
        shared = shared_positions_bound(
            groups_on_flight,
            [
                (t.payload_g, int(t.volume_cm3 * rules.uld_volume_utilisation), n, t.tare_g)
                for t, n in offered
            ],
            flight.payload_g,
        )
        per_flight[fi] = max(per_flight[fi], shared)
    plan.lower_bound_ulds, plan.lower_bound_bags = sum(per_flight.values()), lb_b


def _contended(groups: list[tuple[int, int]], offered: list[tuple[UldType, int]], rules: Rules) -> bool:
    """Whether the classes' separate bounds (each taking the largest positions first) ask for more
    positions of some type than the flight has; if not, the joint bound is not worth a solver call."""
    pool = [t for t, n in sorted(offered, key=lambda e: -e[0].volume_cm3) for _ in range(n)]
    wanted: dict[str, int] = {}
    for gw, gv in groups:
        count = max(
            _min_count(gw, [t.payload_g for t in pool]),
            _min_count(gv, [int(t.volume_cm3 * rules.uld_volume_utilisation) for t in pool]),
        )
        for t in pool[:count]:
            wanted[t.code] = wanted.get(t.code, 0) + 1
    return any(wanted.get(t.code, 0) > n for t, n in offered)


def _reasons(plan: Plan, placed: np.ndarray, routes: list[_Route]) -> None:
    """Why each parcel left over was not placed: the furthest it got over every route of its lane."""
    batch = plan.batch
    left = np.nonzero(~placed)[0]
    if len(left) == 0:
        return
    classes = segregation_classes()
    code_index = {c: i for i, c in enumerate(batch.airports)}
    cao = np.array([classes[c].cargo_aircraft_only for c in batch.classes], dtype=bool)[batch.seg[left]]
    lane = batch.origin[left].astype(np.int64) * 100_000 + batch.dest[left]
    stage = np.zeros(len(left), dtype=np.int8)
    fits = {t.code: _fits(batch.dims_cm[left], t) for t in uld_types().values()}
    # routes of one lane that differ only in cut-off: the latest cut-off decides
    latest: dict[tuple[int, bool, tuple[str, ...]], float] = {}
    for r in routes:
        o, d = code_index.get(r.origin, -1), code_index.get(r.destination, -1)
        if o < 0 or d < 0:
            continue
        k = (o * 100_000 + d, r.freighter, tuple(t.code for t in r.types))
        latest[k] = max(latest.get(k, r.cutoff), r.cutoff)
    for (lane_key, freighter, codes), cutoff in latest.items():
        on = lane == lane_key
        s1 = on & ~(cao & (not freighter))
        s2 = s1 & (batch.ready[left] <= cutoff)
        s3 = np.zeros(len(left), dtype=bool)
        for c in codes:
            s3 |= fits[c]
        s3 &= s2
        stage = np.maximum(stage, np.where(s3, 4, np.where(s2, 3, np.where(s1, 2, np.where(on, 1, 0)))))
    reason = np.full(len(left), "no-flight-to-destination", dtype=object)
    names = {1: "cargo-aircraft-only", 2: "missed-cut-off", 3: "does-not-fit-offered-ulds", 4: "no-capacity"}
    for level, name in names.items():
        reason[stage == level] = name
    plan.unplaced_reason = dict(zip(left.tolist(), reason.tolist(), strict=True))

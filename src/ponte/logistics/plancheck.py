"""Every rule of a plan re-checked from the plan alone (run on every plan before it is returned or stored)."""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from ponte.logistics.network import min_connection
from ponte.logistics.plan import Plan
from ponte.logistics.uld import UldType, bag_types, segregation_classes, uld_types

__all__ = ["check_plan"]


def _fits(dims: np.ndarray, t: UldType) -> np.ndarray:
    box = sorted((t.length_cm, t.width_cm, t.height_cm), reverse=True)
    return (dims[:, 0] <= box[0]) & (dims[:, 1] <= box[1]) & (dims[:, 2] <= box[2])


def check_plan(plan: Plan) -> list[str]:
    """Every rule re-checked from the plan alone; returns the broken ones (empty when the plan is sound)."""
    batch, problems = plan.batch, []
    w, v = batch.weight_g, batch.volume_cm3
    bag = bag_types()[plan.rules.bag_type]
    catalogue, classes = uld_types(), segregation_classes()
    placed = plan.parcel_uld >= 0
    if set(np.nonzero(~placed)[0].tolist()) != set(plan.unplaced_reason):
        problems.append("unplaced parcels and reasons differ")
    bagged = plan.parcel_bag >= 0
    if (bagged & ~placed).any():
        problems.append("a bagged parcel has no ULD")
    bag_of = np.asarray(plan.bag_uld, dtype=np.int64)
    if bagged.any() and (bag_of[plan.parcel_bag[bagged]] != plan.parcel_uld[bagged]).any():
        problems.append("a parcel's bag is in another ULD")
    nb = plan.bags
    bw = np.bincount(plan.parcel_bag[bagged], weights=w[bagged], minlength=nb)
    bv = np.bincount(plan.parcel_bag[bagged], weights=v[bagged], minlength=nb)
    if (bw > bag.payload_g).any() or (bv > bag.volume_cm3).any():
        problems.append("a bag is over its weight or volume limit")
    if bagged.any() and (~(_fits(batch.dims_cm[bagged], bag))).any():
        problems.append("a parcel larger than its bag")
    nu = plan.ulds
    uw = np.bincount(plan.parcel_uld[placed], weights=w[placed], minlength=nu)
    uw += np.bincount(bag_of, minlength=nu) * bag.tare_g if nb else 0
    uv = np.bincount(plan.parcel_uld[placed], weights=v[placed], minlength=nu)
    flight_gross: dict[int, float] = {}
    positions_used: dict[tuple[int, str], int] = {}
    for u in range(nu):
        t = catalogue[plan.uld_type[u]]
        if uw[u] > t.payload_g or uv[u] > t.volume_cm3 * plan.rules.uld_volume_utilisation:
            problems.append(f"ULD {u} over its limit")
        legs = plan.legs(u)
        if legs[0] != plan.uld_flight[u]:
            problems.append(f"ULD {u}'s first leg is not its flight")
        for a, b in pairwise(legs):
            fa, fb = plan.flights[a], plan.flights[b]
            if fa.destination != fb.origin or fb.departs < fa.arrives + min_connection(fb.origin):
                problems.append(f"ULD {u} misses its connection at {fb.origin}")
        for x in legs:  # the ULD takes a position and its gross weight on every leg it rides
            flight_gross[x] = flight_gross.get(x, 0) + uw[u] + t.tare_g
            positions_used[(x, t.code)] = positions_used.get((x, t.code), 0) + 1
    for fi, gross in flight_gross.items():
        f = plan.flights[fi]
        if gross > f.payload_g:
            problems.append(f"flight {f.key} over its payload")
    for (fi, code), used in positions_used.items():
        f = plan.flights[fi]
        if used > f.positions.get(code, 0):
            problems.append(f"flight {f.key} has more {code} than positions")
    if placed.any():
        p = np.nonzero(placed)[0]
        cls = np.asarray(plan.uld_class)[plan.parcel_uld[p]]
        for code in set(plan.uld_type):
            on = np.asarray(plan.uld_type, dtype=object)[plan.parcel_uld[p]] == code
            if (~_fits(batch.dims_cm[p[on]], catalogue[code])).any():
                problems.append(f"a parcel larger than its {code}")
        if (cls != batch.seg[p]).any():
            problems.append("a ULD mixes segregation classes")
        code_index = {c: i for i, c in enumerate(batch.airports)}
        first = np.array([plan.legs(u)[0] for u in range(nu)], dtype=np.int64)
        last = np.array([plan.legs(u)[-1] for u in range(nu)], dtype=np.int64)
        all_freighters = np.array([all(plan.flights[x].freighter for x in plan.legs(u)) for u in range(nu)])
        fo = np.array([code_index.get(f.origin, -1) for f in plan.flights])[first][plan.parcel_uld[p]]
        fd = np.array([code_index.get(f.destination, -1) for f in plan.flights])[last][plan.parcel_uld[p]]
        fc = np.array([f.cutoff.timestamp() for f in plan.flights])[first][plan.parcel_uld[p]]
        ff = all_freighters[plan.parcel_uld[p]]
        cao = np.array([classes[c].cargo_aircraft_only for c in batch.classes])[batch.seg[p]]
        if (fo != batch.origin[p]).any() or (fd != batch.dest[p]).any():
            problems.append("a parcel flies to the wrong place")
        if (batch.ready[p] > fc).any():
            problems.append("a parcel missed its flight's cut-off")
        if (cao & ~ff).any():
            problems.append("cargo-aircraft-only parcel on a passenger flight")
    return problems

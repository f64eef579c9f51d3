"""The booking ledger of flight-leg capacity, pure: what a forwarder holds on each leg (positions by ULD type and
payload in grams), what a plan takes of it, and the flights as they stand after what is already booked.

The store keeps one row per (tenant, leg, resource) with ``offered`` and ``booked``; a plan books with one
conditional update per row (``booked + n <= offered``), so plans made at the same time by several processes
never sell the same capacity twice: the second waits for the first's row lock, then finds the room gone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

import numpy as np

from ponte.logistics.plan import Plan
from ponte.logistics.uld import Flight, bag_types, uld_types

__all__ = ["PAYLOAD", "demand", "offered", "remaining"]

PAYLOAD = "*payload"  # the resource row of a leg's payload, in grams


def offered(flight: Flight) -> dict[str, int]:
    """A leg's capacity held by the forwarder: positions per ULD type and the payload in grams."""
    return {**{code: n for code, n in flight.positions.items() if n > 0}, PAYLOAD: flight.payload_g}


def remaining(flights: Sequence[Flight], booked: Mapping[str, Mapping[str, int]]) -> list[Flight]:
    """The flights with what is booked on each leg taken off (a leg with no payload left offers nothing)."""
    out = []
    for f in flights:
        taken = booked.get(f.key, {})
        positions = {code: max(n - taken.get(code, 0), 0) for code, n in f.positions.items()}
        payload_g = max(f.payload_g - taken.get(PAYLOAD, 0), 0)
        if payload_g == 0:
            positions = {code: 0 for code in positions}
        out.append(replace(f, positions=positions, payload_kg=Decimal(max(payload_g, 1)) / 1000))
    return out


def demand(plan: Plan) -> dict[str, dict[str, int]]:
    """What the plan takes per leg: its ULD positions by type and their gross weight (contents, bag and ULD
    tares) in grams."""
    batch, types = plan.batch, uld_types()
    bag_tare = bag_types()[plan.rules.bag_type].tare_g
    on = plan.parcel_uld >= 0
    contents = (
        np.bincount(plan.parcel_uld[on], weights=batch.weight_g[on], minlength=plan.ulds).astype(np.int64)
        + np.bincount(np.asarray(plan.bag_uld, dtype=np.int64), minlength=plan.ulds) * bag_tare
    ).tolist()
    out: dict[str, dict[str, int]] = {}
    for u in range(plan.ulds):
        for x in plan.legs(u):  # a connecting ULD takes its position and weight on every leg
            entry = out.setdefault(plan.flights[x].key, {PAYLOAD: 0})
            entry[plan.uld_type[u]] = entry.get(plan.uld_type[u], 0) + 1
            entry[PAYLOAD] += contents[u] + types[plan.uld_type[u]].tare_g
    return out

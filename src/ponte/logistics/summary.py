"""A consolidation plan as plain data (the CLI's ``--json``, the API and the console). No side effects: the
master waybill numbers come in (``masters``: lot index → AWB, issued by ``logistics.service``), never from here.

The shape is ``ponte.consolidation/1`` and is kept stable (``docs/logistics.md`` documents every key):
counts, bounds and gaps; ``flight_loads`` per flight leg; ``lots`` (one master waybill each, with its houses);
``uld_list``; and with ``detail`` every parcel's ``assignments`` (parcel → order, bag, ULD, flight, house, master)
and the ``unplaced_parcels`` with their reasons.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ponte.logistics.awb import AwbNumber
from ponte.logistics.consolidation import Plan
from ponte.logistics.lots import Lot, lots_of, numbers
from ponte.logistics.uld import uld_types

SCHEMA = "ponte.consolidation/1"


def plan_summary(
    plan: Plan,
    masters: Mapping[int, AwbNumber] | None = None,
    detail: bool = True,
    lots: list[Lot] | None = None,
) -> dict[str, Any]:
    """Counts, bounds, gaps, load factors, lots with their waybill numbers and, with ``detail``, every parcel."""
    batch = plan.batch
    w, v = batch.weight_g, batch.volume_cm3
    placed = plan.parcel_uld >= 0
    uw = np.bincount(plan.parcel_uld[placed], weights=w[placed], minlength=plan.ulds)
    uv = np.bincount(plan.parcel_uld[placed], weights=v[placed], minlength=plan.ulds)
    bags_in = (
        np.bincount(np.asarray(plan.bag_uld, dtype=np.int64), minlength=plan.ulds)
        if plan.bags
        else np.zeros(plan.ulds, dtype=np.int64)
    )
    bag_tare = plan.bag_tare_g
    types = uld_types()
    lots = lots if lots is not None else lots_of(plan)
    numbered = numbers(lots, masters)
    lot_of_flight = {lot.flight_index: lot for lot in lots}
    flights: dict[int, dict[str, Any]] = {}
    ulds = []
    for u in range(plan.ulds):
        t = types[plan.uld_type[u]]
        fi = plan.uld_flight[u]
        f = plan.flights[fi]
        gross = uw[u] + int(bags_in[u]) * bag_tare + t.tare_g
        entry = flights.setdefault(
            fi,
            {
                "flight": f.key,
                "number": f.number,
                "carrier": f.carrier,
                "origin": f.origin,
                "destination": f.destination,
                "departs": f.departs.isoformat(),
                "arrives": f.arrives.isoformat(),
                "ulds": 0,
                "gross_kg": 0.0,
                "payload_kg": float(f.payload_kg),
            },
        )
        entry["ulds"] += 1
        entry["gross_kg"] += float(gross) / 1000
        ulds.append(
            {
                "uld": u,
                "id": f"U{u + 1:05d}",
                "type": t.code,
                "flight": f.key,
                "class": batch.classes[plan.uld_class[u]],
                "bags": int(bags_in[u]),
                "net_kg": round(float(uw[u]) / 1000, 3),
                "gross_kg": round(float(gross) / 1000, 3),
                "volume_m3": round(float(uv[u]) / 1e6, 3),
                "load_factor_volume": round(
                    float(uv[u]) / (t.volume_cm3 * plan.rules.uld_volume_utilisation), 3
                ),
                "load_factor_weight": round(float(uw[u]) / t.payload_g, 3),
            }
        )
    out_lots = []
    for fi, entry in flights.items():
        entry["load_factor"] = round(entry["gross_kg"] / entry["payload_kg"], 3)
        entry["gross_kg"] = round(entry["gross_kg"], 1)
        lot = lot_of_flight[fi]
        master, houses = numbered[lot.index]
        if master is not None:
            entry["mawb"] = master
            entry["hawbs"] = houses
    for lot in lots:
        master, houses = numbered[lot.index]
        out_lots.append(
            {
                "lot": lot.index,
                "master": master,
                "carrier": lot.flight.carrier,
                "flight": lot.flight.key,
                "origin": lot.flight.origin,
                "destination": lot.flight.destination,
                "ulds": [f"U{u + 1:05d}" for u in lot.ulds],
                "pieces": len(lot.parcels),
                "net_kg": round(float(w[lot.parcels].sum()) / 1000, 3),
                "houses": [
                    {
                        "house": number,
                        "shipper": h.shipper,
                        "pieces": len(h.parcels),
                        "net_kg": round(float(w[h.parcels].sum()) / 1000, 3),
                        "volume_m3": round(float(v[h.parcels].sum()) / 1e6, 3),
                    }
                    for h, number in zip(lot.houses, houses, strict=True)
                ],
            }
        )
    reasons: dict[str, int] = {}
    for r in plan.unplaced_reason.values():
        reasons[r] = reasons.get(r, 0) + 1
    out: dict[str, Any] = {
        "schema": SCHEMA,
        "parcels": len(batch),
        "placed": int(placed.sum()),
        "unplaced": len(plan.unplaced_reason),
        "unplaced_by_reason": reasons,
        "bags": plan.bags,
        "ulds": plan.ulds,
        "flights": plan.flights_used,
        "lower_bound": {"bags": plan.lower_bound_bags, "ulds": plan.lower_bound_ulds},
        "gap": {"bags": round(plan.gap_bags, 4), "ulds": round(plan.gap_ulds, 4)},
        "flight_loads": sorted(flights.values(), key=lambda e: (e["departs"], e["flight"])),
        "lots": out_lots,
    }
    if detail:
        out["uld_list"] = ulds
        out["assignments"] = assignments(plan, lots, numbered)
        out["unplaced_parcels"] = [
            {"parcel": batch.ids[i], "order": _order(batch, i), "reason": r}
            for i, r in sorted(plan.unplaced_reason.items())
        ]
    return out


def _order(batch: Any, i: int) -> str | None:
    return batch.order_ids[i] if batch.order_ids else None


def assignment_columns(
    plan: Plan, lots: list[Lot], numbered: Mapping[int, tuple[str | None, list[str]]]
) -> dict[str, list[Any]]:
    """Per placed parcel, in input order, as columns: parcel, order, bag, ULD, ULD type, flight number and leg
    key, carrier (AWB prefix), airports, gross weight (kg, whole grams as planned), times, house, master."""
    batch = plan.batch
    n = len(batch)
    house_of = np.full(n, -1, dtype=np.int64)
    lot_of = np.full(n, -1, dtype=np.int64)
    house_names: list[str] = []
    for lot in lots:
        _master, houses = numbered[lot.index]
        for h, number in zip(lot.houses, houses, strict=True):
            house_of[h.parcels] = len(house_names)
            house_names.append(number)
        lot_of[lot.parcels] = lot.index
    masters = [numbered[lot.index][0] for lot in lots]
    idx = np.nonzero(plan.parcel_uld >= 0)[0]
    u = plan.parcel_uld[idx]
    fl = np.asarray(plan.uld_flight, dtype=np.int64)[u] if len(idx) else np.zeros(0, dtype=np.int64)
    flights = plan.flights

    def per_flight(values: list[Any]) -> list[Any]:
        return [values[f] for f in fl.tolist()]

    orders = batch.order_ids or [None] * n
    uld_type = plan.uld_type
    return {
        "parcel": [batch.ids[i] for i in idx.tolist()],
        "order": [orders[i] for i in idx.tolist()],
        "bag": [f"B{b + 1:06d}" if b >= 0 else None for b in plan.parcel_bag[idx].tolist()],
        "uld": [f"U{x + 1:05d}" for x in u.tolist()],
        "uld_type": [uld_type[x] for x in u.tolist()],
        "flight": per_flight([f.number for f in flights]),
        "leg": per_flight([f.key for f in flights]),
        "carrier": per_flight([f.carrier for f in flights]),
        "origin": per_flight([f.origin for f in flights]),
        "destination": per_flight([f.destination for f in flights]),
        "gross_kg": [f"{g / 1000:.3f}" for g in batch.weight_g[idx].tolist()],
        "departs": per_flight([f.departs.isoformat() for f in flights]),
        "arrives": per_flight([f.arrives.isoformat() for f in flights]),
        "house": [house_names[h] for h in house_of[idx].tolist()],
        "master": [masters[x] for x in lot_of[idx].tolist()],
    }


def assignments(
    plan: Plan, lots: list[Lot], numbered: Mapping[int, tuple[str | None, list[str]]]
) -> list[dict[str, Any]]:
    """The assignment columns as one record per placed parcel (the JSON's ``assignments``)."""
    cols = assignment_columns(plan, lots, numbered)
    names = list(cols)
    return [dict(zip(names, row, strict=True)) for row in zip(*cols.values(), strict=True)]

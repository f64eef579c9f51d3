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
import pyarrow as pa
import pyarrow.compute as pc

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
    lots_on_leg: dict[int, list[Lot]] = {}
    for lot in lots:
        for x in plan.legs(lot.ulds[0]):
            lots_on_leg.setdefault(x, []).append(lot)
    flights: dict[int, dict[str, Any]] = {}
    ulds = []
    for u in range(plan.ulds):
        t = types[plan.uld_type[u]]
        legs = plan.legs(u)
        gross = uw[u] + int(bags_in[u]) * bag_tare + t.tare_g
        for fi in legs:  # a connecting ULD loads every leg it rides
            f = plan.flights[fi]
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
                "flight": plan.flights[legs[0]].key,
                "legs": [plan.flights[x].key for x in legs],
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
        on_leg = lots_on_leg[fi]
        # the lot that starts on this leg (else the first connecting through it) names the leg's master
        lot = next((x for x in on_leg if x.flight_index == fi), on_leg[0])
        master, houses = numbered[lot.index]
        if master is not None:
            entry["mawb"] = master
            entry["hawbs"] = houses
            entry["masters"] = [numbered[x.index][0] for x in on_leg]
    for lot in lots:
        master, houses = numbered[lot.index]
        out_lots.append(
            {
                "lot": lot.index,
                "master": master,
                "carrier": lot.flight.carrier,
                "flight": lot.flight.key,
                "legs": [f.key for f in lot.route],
                "origin": lot.origin,
                "destination": lot.destination,
                "departs": lot.flight.departs.isoformat(),
                "arrives": lot.arrives.isoformat(),
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
        **_any_flights(plan),
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


def _any_flights(plan: Plan) -> dict[str, Any]:
    """The ULD bound of any plan carrying the same parcels (not only on the flights chosen), and the gap to it:
    an upper bound of the plan's distance to the optimum."""
    bound = plan.lower_bound_ulds_any_flights
    if bound is None:
        return {}
    gap = (plan.ulds - bound) / bound if bound else 0.0
    return {"lower_bound_any_flights": {"ulds": bound}, "gap_any_flights": {"ulds": round(gap, 4)}}


def _order(batch: Any, i: int) -> str | None:
    return batch.order_ids[i] if batch.order_ids else None


def assignment_table(
    plan: Plan, lots: list[Lot], numbered: Mapping[int, tuple[str | None, list[str]]]
) -> pa.Table:
    """Per placed parcel, in input order, as an Arrow table of strings (built column by column, no record per
    parcel): parcel, order, bag, ULD, ULD type, the first leg's flight number and leg key, carrier (AWB prefix),
    origin and final destination, gross weight (kg, whole grams as planned), departure of the first leg and
    arrival of the last, house, master, and ``legs`` (every leg key, space-separated)."""
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
    idx = np.nonzero(plan.parcel_uld >= 0)[0]
    u = plan.parcel_uld[idx]
    lot_rows = lot_of[idx]

    def per_lot(values: list[Any]) -> pa.Array:
        return pa.array(values, pa.string()).take(pa.array(lot_rows))

    ids = pa.array(batch.ids, pa.string()).take(pa.array(idx))
    orders = (
        pa.array(batch.order_ids, pa.string()).take(pa.array(idx))
        if batch.order_ids
        else pa.nulls(len(idx), pa.string())
    )
    bag = plan.parcel_bag[idx]
    bag_names = pc.binary_join_element_wise(
        "B", pc.utf8_lpad(pa.array(bag + 1).cast(pa.string()), 6, "0"), ""
    )
    bag_names = pc.if_else(pa.array(bag >= 0), bag_names, pa.scalar(None, pa.string()))
    uld_names = pc.binary_join_element_wise("U", pc.utf8_lpad(pa.array(u + 1).cast(pa.string()), 5, "0"), "")
    grams = pa.array(batch.weight_g[idx])
    kg = pc.binary_join_element_wise(  # exact: whole kilograms, a point, the grams (weights are positive)
        pc.divide(grams, 1000).cast(pa.string()),
        pc.utf8_lpad(pc.remainder(grams, 1000).cast(pa.string()), 3, "0"),
        ".",
    )
    route = [lot.route for lot in lots]
    return pa.table(
        {
            "parcel": ids,
            "order": orders,
            "bag": bag_names,
            "uld": uld_names,
            "uld_type": pa.array(plan.uld_type, pa.string()).take(pa.array(u)),
            "flight": per_lot([r[0].number for r in route]),
            "leg": per_lot([r[0].key for r in route]),
            "carrier": per_lot([r[0].carrier for r in route]),
            "origin": per_lot([r[0].origin for r in route]),
            "destination": per_lot([r[-1].destination for r in route]),
            "gross_kg": kg,
            "departs": per_lot([r[0].departs.isoformat() for r in route]),
            "arrives": per_lot([r[-1].arrives.isoformat() for r in route]),
            "house": pa.array(house_names, pa.string()).take(pa.array(house_of[idx])),
            "master": per_lot([numbered[lot.index][0] for lot in lots]),
            "legs": per_lot([" ".join(f.key for f in r) for r in route]),
        }
    )


def assignment_columns(
    plan: Plan, lots: list[Lot], numbered: Mapping[int, tuple[str | None, list[str]]]
) -> dict[str, list[Any]]:
    """``assignment_table`` as lists per column (kept for callers that want plain values)."""
    return assignment_table(plan, lots, numbered).to_pydict()


def assignments(
    plan: Plan, lots: list[Lot], numbered: Mapping[int, tuple[str | None, list[str]]]
) -> list[dict[str, Any]]:
    """The assignment columns as one record per placed parcel (the JSON's ``assignments``)."""
    return assignment_table(plan, lots, numbered).to_pylist()

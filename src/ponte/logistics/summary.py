"""A consolidation plan as plain data (for JSON, the API and the console)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ponte.logistics.awb import AwbStock
from ponte.logistics.consolidation import Plan
from ponte.logistics.uld import uld_types


def plan_summary(plan: Plan, stock: AwbStock | None = None, detail: bool = True) -> dict[str, Any]:
    """Counts, bounds, gaps and load factors; with ``stock`` one master AWB per flight used and one house
    waybill per shipper on it."""
    batch = plan.batch
    w, v = batch.weight_g, batch.volume_cm3
    placed = plan.parcel_uld >= 0
    uw = np.bincount(plan.parcel_uld[placed], weights=w[placed], minlength=plan.ulds)
    uv = np.bincount(plan.parcel_uld[placed], weights=v[placed], minlength=plan.ulds)
    types = uld_types()
    flights: dict[int, dict[str, Any]] = {}
    ulds = []
    for u in range(plan.ulds):
        t = types[plan.uld_type[u]]
        fi = plan.uld_flight[u]
        f = plan.flights[fi]
        entry = flights.setdefault(
            fi,
            {
                "flight": f.key,
                "origin": f.origin,
                "destination": f.destination,
                "departs": f.departs.isoformat(),
                "ulds": 0,
                "gross_kg": 0.0,
                "payload_kg": float(f.payload_kg),
            },
        )
        entry["ulds"] += 1
        entry["gross_kg"] += (uw[u] + t.tare_g) / 1000
        ulds.append(
            {
                "uld": u,
                "type": t.code,
                "flight": f.key,
                "class": batch.classes[plan.uld_class[u]],
                "net_kg": round(uw[u] / 1000, 3),
                "volume_m3": round(uv[u] / 1e6, 3),
                "load_factor_volume": round(uv[u] / (t.volume_cm3 * plan.rules.uld_volume_utilisation), 3),
                "load_factor_weight": round(uw[u] / t.payload_g, 3),
            }
        )
    for fi, entry in flights.items():
        entry["load_factor"] = round(entry["gross_kg"] / entry["payload_kg"], 3)
        entry["gross_kg"] = round(entry["gross_kg"], 1)
        if stock is not None:
            master = stock.next(plan.flights[fi].carrier)
            entry["mawb"] = str(master)
            members = np.nonzero(
                placed & np.isin(plan.parcel_uld, [u for u in range(plan.ulds) if plan.uld_flight[u] == fi])
            )[0]
            shippers = sorted({batch.shipper[i] or "-" for i in members.tolist()})
            entry["hawbs"] = [f"H{master.serial}{k + 1:03d}" for k in range(len(shippers))]
    reasons: dict[str, int] = {}
    for r in plan.unplaced_reason.values():
        reasons[r] = reasons.get(r, 0) + 1
    out: dict[str, Any] = {
        "parcels": len(batch),
        "placed": int(placed.sum()),
        "unplaced": len(plan.unplaced_reason),
        "unplaced_by_reason": reasons,
        "bags": plan.bags,
        "ulds": plan.ulds,
        "flights": plan.flights_used,
        "lower_bound": {"bags": plan.lower_bound_bags, "ulds": plan.lower_bound_ulds},
        "gap": {"bags": round(plan.gap_bags, 4), "ulds": round(plan.gap_ulds, 4)},
        "flight_loads": sorted(flights.values(), key=lambda e: e["departs"]),
    }
    if detail:
        out["uld_list"] = ulds
        out["unplaced_parcels"] = [
            {"parcel": batch.ids[i], "reason": r} for i, r in sorted(plan.unplaced_reason.items())
        ]
    return out

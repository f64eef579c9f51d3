"""Stage ``plan``: the whole day's air parcels, gathered from every (day, destination) partition (the shuffle:
parcels of every destination share flights, hubs and AWB stock, so they are planned in one place), consolidated
by logistics onto the flights of the day's window as they stand after what earlier days booked (the capacity
ledger), checked by logistics' own plan checker, and numbered: one master waybill per lot from the AWB stock,
house waybills per shipper (``logistics.planning.plan_batch``).

Days are planned one after the other (each books the legs the next one sees); the ledger and the stock's used
numbers travel from day to day as a ``Ledger`` written with each day's plan, so a resumed run books exactly
what an uninterrupted one does."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ponte.batch.context import JobContext
from ponte.batch.records import ASSIGNMENT_SCHEMA
from ponte.logistics.awb import AwbStock, StockRange
from ponte.logistics.ledger import demand, remaining
from ponte.logistics.lots import numbers
from ponte.logistics.parcels import SCHEMA as LOGISTICS_PARCELS
from ponte.logistics.parcels import ParcelBatch
from ponte.logistics.planning import plan_batch
from ponte.logistics.summary import assignment_columns

__all__ = ["UNPLACED_SCHEMA", "DayPlan", "Ledger", "plan_day"]

UNPLACED_SCHEMA = pa.schema([("parcel_id", pa.string()), ("order_id", pa.string()), ("reason", pa.string())])


@dataclass
class Ledger:
    """What the run has booked so far: per flight leg, ULD positions by type and payload (grams); and the AWB
    serials issued."""

    booked: dict[str, dict[str, int]] = field(default_factory=dict)
    used: list[tuple[str, int]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"booked": self.booked, "used": [list(u) for u in self.used]}

    @classmethod
    def of(cls, data: dict[str, Any]) -> Ledger:
        return cls(
            {k: dict(v) for k, v in data["booked"].items()}, [(str(p), int(s)) for p, s in data["used"]]
        )


@dataclass
class DayPlan:
    day: date
    assignments: pa.Table  # ASSIGNMENT_SCHEMA
    unplaced: pa.Table  # UNPLACED_SCHEMA
    summary: dict[str, Any]
    ledger: Ledger  # after this day


def _logistics_table(parcels: pa.Table) -> pa.Table:
    """The batch's parcel columns as logistics' parcel table (column for column, no rows rebuilt)."""
    cols = {
        "id": parcels["parcel_id"],
        "weight_kg": parcels["gross_kg"],
        "length_cm": parcels["length_cm"],
        "width_cm": parcels["width_cm"],
        "height_cm": parcels["height_cm"],
        "origin": parcels["origin"],
        "destination": parcels["destination"],
        "ready_at": parcels["ready_at"],
        "segregation": parcels["handling_class"],
        "shipper": parcels["shipper"],
        "order_id": parcels["order_id"],
    }
    # ready times to the second, as logistics reads a parcel record (table_from_parcels truncates too)
    return pa.table(
        {f.name: cols[f.name].cast(f.type, safe=False) for f in LOGISTICS_PARCELS}, schema=LOGISTICS_PARCELS
    )


def _stock(ctx: JobContext, used: list[tuple[str, int]]) -> AwbStock | None:
    if not ctx.awb_ranges:
        return None
    stock = AwbStock()
    for prefix, lo, hi in ctx.awb_ranges:
        stock.add_range(StockRange(prefix, lo, hi))
    stock.used = set(used)
    return stock


def plan_day(day: date, parcels: pa.Table, ctx: JobContext, before: Ledger) -> DayPlan:
    """Plan ``day``'s air parcels (PARCEL_SCHEMA rows, every destination, sorted by parcel id)."""
    parcels = parcels.sort_by("parcel_id")
    flights = ctx.flights_for(day)
    free = remaining(flights, before.booked)
    stock = _stock(ctx, before.used)
    batch, bad = ParcelBatch.from_table(_logistics_table(parcels))
    planned = plan_batch(batch, free, stock, bad, detail=False)
    plan = planned.plan
    booked = {k: dict(v) for k, v in before.booked.items()}
    for leg, taken in demand(plan).items():
        row = booked.setdefault(leg, {})
        for resource, n in taken.items():
            row[resource] = row.get(resource, 0) + n
    used = sorted(stock.used) if stock is not None else []
    cols = assignment_columns(plan, planned.lots, numbers(planned.lots, planned.masters))
    assignments = pa.table(
        {
            "parcel_id": pa.array(cols["parcel"], pa.string()),
            "order_id": pa.array(cols["order"], pa.string()),
            "bag": pa.array(cols["bag"], pa.string()),
            "uld": pa.array([f"{day.isoformat()}/{u}" for u in cols["uld"]], pa.string()),
            "uld_type": pa.array(cols["uld_type"], pa.string()),
            "flight": pa.array(cols["flight"], pa.string()),
            "leg": pa.array(cols["leg"], pa.string()),
            "legs": pa.array(cols["legs"], pa.string()),
            "carrier": pa.array(cols["carrier"], pa.string()),
            "origin": pa.array(cols["origin"], pa.string()),
            "destination": pa.array(cols["destination"], pa.string()),
            "departs": pc.cast(
                pa.array(cols["departs"], pa.string()), ASSIGNMENT_SCHEMA.field("departs").type
            ),
            "arrives": pc.cast(
                pa.array(cols["arrives"], pa.string()), ASSIGNMENT_SCHEMA.field("arrives").type
            ),
            "house": pa.array(cols["house"], pa.string()),
            "master": pa.array(cols["master"], pa.string()),
        },
        schema=ASSIGNMENT_SCHEMA,
    )
    if cols["bag"]:
        bags = pa.array([f"{day.isoformat()}/{b}" if b else None for b in cols["bag"]], pa.string())
        assignments = assignments.set_column(2, "bag", bags)
    left = np.nonzero(plan.parcel_uld < 0)[0].tolist()
    ids, orders = batch.ids, batch.order_ids or [None] * len(batch)
    order_of = dict(zip(parcels["parcel_id"].to_pylist(), parcels["order_id"].to_pylist(), strict=True))
    unplaced = pa.table(
        {
            "parcel_id": [ids[i] for i in left] + [r.parcel for r in bad],
            "order_id": [orders[i] for i in left] + [order_of.get(r.parcel) for r in bad],
            "reason": [plan.unplaced_reason.get(i, "unplaced") for i in left]
            + [f"{r.rule}: {r.message}" for r in bad],
        },
        schema=UNPLACED_SCHEMA,
    )
    summary: dict[str, Any] = {
        k: planned.summary[k]
        for k in ("parcels", "placed", "bags", "ulds", "flights", "lower_bound", "gap", "flight_loads")
        if k in planned.summary
    }
    return DayPlan(day, assignments, unplaced, summary, Ledger(booked, used))

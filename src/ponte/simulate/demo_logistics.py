"""The demo's air freight: more of a seller's orders quoted, packed and booked together on the schedule's flights
(so a master waybill carries several house waybills, ULDs and bags), then the carrier's and customs' tracking
events of every shipment, each shipment at its own stage (delivered, arrived, departed, manifested, received,
booked), so the forwarder's pages, the tracking timeline and the documents have something to show.

Everything goes through the journey's and logistics' services: the orders move with their events.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from ponte.journey import service as journey
from ponte.kernel.errors import PonteError
from ponte.logistics import service as logistics
from ponte.orders import service as orders
from ponte.platform.db import Database

log = logging.getLogger("ponte.demo")

__all__ = ["STAGES", "fly", "ship_together", "track"]

#: The stages the demo's shipments stand at, in turn, and the master AWB's events up to each: the FSU code,
#: hours from departure (``dep``) or arrival (``arr``), at the origin (``o``) or destination (``d``), and who
#: reports it.
_EVENTS = (
    ("BKD", "dep", -40, "o", "carrier"),
    ("RCS", "dep", -20, "o", "carrier"),
    ("MAN", "dep", -5, "o", "carrier"),
    ("DEP", "dep", 0, "o", "carrier"),
    ("ARR", "arr", 0, "d", "carrier"),
    ("RCF", "arr", 2, "d", "carrier"),
    ("CRC", "arr", 3, "d", "customs"),
    ("NFD", "arr", 6, "d", "carrier"),
    ("DLV", "arr", 30, "d", "carrier"),
)
STAGES = {
    "delivered": 9,
    "arrived": 6,
    "departed": 4,
    "manifested": 3,
    "received": 2,
    "booked": 1,
}


def ship_together(
    database: Database, ctx: journey.Context, tenant_id: str, at: datetime, count: int = 96, batch: int = 48
) -> list[str]:
    """The tenant's newest placed orders quoted and packed, and the air ones booked in batches of ``batch``
    (each batch one consolidation: masters per flight lot, houses per shipper, bags and ULDs). Returns the
    consolidation ids."""
    with database.unit_of_work() as uow:
        page, _ = orders.search(uow, tenant_id, None, count, status="placed")
        ids = [o.id for o in page.items]
    packed: list[str] = []
    for order_id in ids:
        with database.unit_of_work() as uow:
            try:
                if journey.requote(uow, tenant_id, order_id, ctx, at).order.status != "quoted":
                    uow.commit()
                    continue
                journey.fulfil(uow, tenant_id, order_id, ctx, at)
                uow.commit()
            except PonteError as exc:
                log.info("order %s not packed: %s", order_id, exc)
                continue
            if orders.get(uow, tenant_id, order_id).trade_mode in journey.AIR_MODES:
                packed.append(order_id)
    done = []
    for start in range(0, len(packed), batch):
        with database.unit_of_work() as uow:
            try:
                shipped = journey.ship(uow, tenant_id, packed[start : start + batch], ctx, at)
                uow.commit()
            except PonteError as exc:
                log.info("orders not booked: %s", exc)
                continue
        if shipped.consolidation_id:
            done.append(shipped.consolidation_id)
    return done


def _rows(s: Any, parcels: Sequence[str], upto: int, now: datetime) -> list[dict[str, Any]]:
    rows = []
    for code, base, hours, where, source in _EVENTS[:upto]:
        when = (s.departs if base == "dep" else s.arrives) + timedelta(hours=hours)
        if when > now:
            break  # nothing is reported before it happens
        place = s.origin if where == "o" else s.destination
        if (
            code == "RCS" and parcels
        ):  # the first parcel is received too: its timeline merges with the master's
            rows.append({"subject": "parcel", "id": parcels[0], "code": code, "at": when, "location": place})
        rows.append(
            {
                "subject": "awb",
                "id": s.mawb,
                "code": code,
                "at": when,
                "location": place,
                "source": source,
                "flight": s.flight if code in ("BKD", "MAN", "DEP", "ARR") else "",
            }
        )
    return rows


def track(
    database: Database, tenant_id: str, now: datetime, only: Collection[str] | None = None
) -> dict[str, int]:
    """The tracking events of the tenant's booked shipments without events (of these shipment ids, or all),
    each at the next stage in turn (events after ``now`` are not reported). Returns how many shipments stand at
    each stage."""
    stages = list(STAGES.items())
    out: dict[str, int] = {}
    with database.unit_of_work() as uow:
        rows, cursor = [], None
        while True:
            page = logistics.shipments(uow, tenant_id, cursor, 200)
            rows += [s for s in page.items if s.status == "booked"]
            if not page.next_cursor:
                break
            cursor = page.next_cursor
        codes = logistics.states(uow, rows)
        fresh = [s for s in rows if not codes[s.id] and (only is None or s.id in only)]
    for n, s in enumerate(sorted(fresh, key=lambda s: (s.departs, s.mawb))):
        stage, upto = stages[n % len(stages)]
        with database.unit_of_work() as uow:
            parcels = [p["parcel"] for p in logistics.shipment(uow, tenant_id, s.id)[1]]
            events = _rows(s, parcels, upto, now)
            try:
                journey.record_tracking(uow, tenant_id, events, now)
                uow.commit()
            except PonteError as exc:
                log.info("events of %s not recorded: %s", s.mawb, exc)
                continue
        out[stage] = out.get(stage, 0) + 1
    return out


def fly(database: Database, ctx: journey.Context, tenant_id: str, at: datetime) -> dict[str, int]:
    """Book more of the tenant's orders together and track every shipment: the demo's flights."""
    consolidations = ship_together(database, ctx, tenant_id, at)
    return {
        "consolidations": len(consolidations),
        **{f"shipments_{k}": v for k, v in track(database, tenant_id, at).items()},
    }

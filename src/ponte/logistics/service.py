"""The logistics use cases, the only place that stages or commits logistics work.

Every function stages in the caller's unit of work (the caller commits): ``pack`` makes and stores an order's
parcel; ``consolidate_and_issue`` plans packed parcels on the platform's flights, checks the plan, issues master
waybills from the tenant's AWB stock, stores shipments with their house waybills and parcels, and answers per
parcel its ``Waybill``; ``record_events`` validates tracking events once and stores them with their webhook
notifications; ``timeline`` and ``eta`` read them back; ``hand_over`` books a parcel with a last-mile carrier.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from ponte.kernel.errors import ConflictError, NotFoundError, ValidationError
from ponte.kernel.ids import new_id
from ponte.logistics.awb import AwbNumber, StockRange, check_house_number
from ponte.logistics.costing import priced, rate_shop
from ponte.logistics.errors import LogisticsError
from ponte.logistics.events import COLUMNS as EVENT_COLUMNS
from ponte.logistics.events import check_events
from ponte.logistics.files import plan_file, rate_cards_file, schedule_file
from ponte.logistics.intake import batch_of
from ponte.logistics.ledger import demand, offered, remaining
from ponte.logistics.network import Lanes
from ponte.logistics.packing import parcel_for
from ponte.logistics.planning import Planned, plan_batch
from ponte.logistics.service_offload import offload
from ponte.logistics.service_orders import orders_of_events, parcel, parcel_rows, withdraw_parcel
from ponte.logistics.service_reads import (
    console_shipment,
    console_shipments,
    eta,
    onerecord,
    shipment,
    shipments,
    states,
    timeline,
    timeline_of_rows,
)
from ponte.logistics.shipping import OrderParcel, Waybill
from ponte.logistics.store.ledger import LedgerRepository
from ponte.logistics.store.repository import (
    AwbStockRepository,
    ParcelRepository,
    ShipmentRepository,
    TrackingRepository,
    parcel_of,
)
from ponte.logistics.store.tables import ParcelRecord, Shipment, ShipmentParcel
from ponte.logistics.tracking import TrackingEvent, event_payload
from ponte.logistics.uld import Flight
from ponte.orders.core import Order
from ponte.platform.db import UnitOfWork
from ponte.webhooks import service as webhooks

__all__ = [
    "EVENT_COLUMNS",
    "Consolidation",
    "add_awb_range",
    "add_parcels",
    "awb_stock",
    "console_shipment",
    "console_shipments",
    "consolidate_and_issue",
    "eta",
    "hand_over",
    "offload",
    "onerecord",
    "orders_of_events",
    "pack",
    "parcel",
    "parcel_rows",
    "plan_file",
    "priced",
    "rate_cards_file",
    "rate_shop",
    "record_events",
    "schedule_file",
    "shipment",
    "shipments",
    "states",
    "timeline",
    "timeline_of_rows",
    "waybill",
    "withdraw_parcel",
]


def pack(
    uow: UnitOfWork,
    tenant_id: str,
    order: Order,
    at: datetime,
    lanes: Lanes | None = None,
    route: tuple[str, str] | None = None,
) -> OrderParcel:
    """The order's parcel, made by ``parcel_for`` and stored (once: packing an order again returns its parcel)."""
    repo = ParcelRepository(uow.session, tenant_id)
    found = repo.by_order(order.id)
    if found is not None:
        return parcel_of(found)
    parcel = parcel_for(order, lanes=lanes, route=route)
    repo.add(parcel, at)
    return parcel


def add_parcels(uow: UnitOfWork, tenant_id: str, parcels: Sequence[OrderParcel], at: datetime) -> list[str]:
    """A forwarder's own parcels (no order), stored packed; a reference already stored is a conflict. Returns
    their row ids."""
    repo = ParcelRepository(uow.session, tenant_id)
    taken = repo.by_refs([p.id for p in parcels])
    if taken:
        ref = sorted(taken)[0]
        raise ConflictError(
            f"parcel {ref!r} is already stored ({taken[ref].status})",
            field="parcels.id",
            rule=LogisticsError.PARCEL_EXISTS,
        )
    return [repo.add(p, at).id for p in parcels]


def add_awb_range(uow: UnitOfWork, tenant_id: str, rng: StockRange, at: datetime) -> dict[str, Any]:
    repo = AwbStockRepository(uow.session, tenant_id)
    repo.lock_prefix(rng.prefix)  # registrations of one prefix, by any forwarder, one after the other
    other = repo.held_elsewhere(rng)
    if other is not None:
        raise ConflictError(
            f"{rng.prefix} serials {rng.first}-{rng.last} overlap a range another forwarder holds; AWB numbers "
            "are the airline's and belong to one forwarder: ask the airline which range is yours",
            field="first",
            rule=LogisticsError.RANGE_OVERLAP,
        )
    stock = repo.stock()
    stock.add_range(rng)  # overlapping a range already held is a conflict
    row = repo.add_range(rng, at)
    return {
        "id": row.id,
        "prefix": row.prefix,
        "first": row.first_serial,
        "last": row.last_serial,
        "remaining": stock.remaining(rng.prefix),
    }


def awb_stock(uow: UnitOfWork, tenant_id: str) -> dict[str, Any]:
    repo = AwbStockRepository(uow.session, tenant_id)
    stock = repo.stock()
    return {
        "ranges": [
            {"id": r.id, "prefix": r.prefix, "first": r.first_serial, "last": r.last_serial}
            for r in repo.ranges()
        ],
        "remaining": {p: stock.remaining(p) for p in sorted({r.prefix for r in stock.ranges})},
    }


@dataclass
class Consolidation:
    id: str
    summary: dict[str, Any]
    shipments: list[dict[str, str]]
    waybills: dict[str, Waybill]  # parcel ref -> its waybill (placed parcels only)


def consolidate_and_issue(
    uow: UnitOfWork,
    tenant_id: str,
    parcel_ids: Sequence[str] | None,
    flights: Sequence[Flight],
    at: datetime,
) -> Consolidation:
    """Plan the packed parcels (these row ids, or all packed ones), issue the masters, store the shipments."""
    parcels = ParcelRepository(uow.session, tenant_id)
    rows = parcels.many(parcel_ids, status="packed")
    if parcel_ids is not None and len(rows) != len(set(parcel_ids)):
        missing = sorted(set(parcel_ids) - {r.id for r in rows})
        raise ConflictError(
            f"parcel {missing[0]!r} is not packed and waiting",
            field="parcel_ids",
            rule=LogisticsError.PARCEL_STATE,
        )
    by_ref = {r.ref: r for r in rows}
    batch = batch_of([parcel_of(r) for r in rows])
    # the tenant's AWB stock is locked first: its plans issue numbers and book capacity one after the other
    stock_repo = AwbStockRepository(uow.session, tenant_id)
    stock = stock_repo.stock(lock=True)
    before = set(stock.used)
    # plan against the ledger: what other plans (other processes, days, calls) booked is taken off
    ledger = LedgerRepository(uow.session, tenant_id)
    ledger.ensure({f.key: offered(f) for f in flights}, at)
    free = remaining(flights, ledger.booked([f.key for f in flights]))
    planned = plan_batch(batch, free, stock)
    for leg, taken in sorted(demand(planned.plan).items()):
        for resource, n in sorted(taken.items()):
            if n and not ledger.book(leg, resource, n, at):
                raise ConflictError(
                    f"the capacity of {leg} ({resource}) was booked meanwhile; plan again",
                    field="flights",
                    rule=LogisticsError.OVERBOOKED,
                )
    stock_repo.record_issued(stock, before, at)
    cid = new_id("cns")
    stored, waybills = _store(uow, tenant_id, cid, planned, by_ref, at)
    return Consolidation(cid, planned.summary, stored, waybills)


def _store(
    uow: UnitOfWork,
    tenant_id: str,
    cid: str,
    planned: Planned,
    by_ref: Mapping[str, ParcelRecord],
    at: datetime,
) -> tuple[list[dict[str, str]], dict[str, Waybill]]:
    ships = ShipmentRepository(uow.session, tenant_id)
    parcels = ParcelRepository(uow.session, tenant_id)
    summary, plan = planned.summary, planned.plan
    batch = plan.batch
    loads = {e["flight"]: e for e in summary["flight_loads"]}
    uld_rows = {u["id"]: u for u in summary["uld_list"]}
    overall = {k: summary[k] for k in ("parcels", "placed", "bags", "ulds", "flights", "lower_bound", "gap")}
    stored, waybills = [], {}
    for lot, out in zip(planned.lots, summary["lots"], strict=True):
        flight, entry = lot.flight, loads[lot.flight.key]
        master = out["master"]
        snapshot = {
            **entry,
            "legs": out["legs"],
            "ulds": [uld_rows[u] for u in out["ulds"]],
            "consolidation": overall,
        }
        shipment = ships.add(
            Shipment(
                id=new_id("shp"),
                consolidation_id=cid,
                mawb=master,
                hawbs=json.dumps([h["house"] for h in out["houses"]]),
                flight=flight.key,
                carrier=flight.carrier,
                origin=lot.origin,
                destination=lot.destination,
                departs=flight.departs,
                arrives=lot.arrives,
                parcels=len(lot.parcels),
                gross_kg=Decimal(str(entry["gross_kg"])),
                plan_json=json.dumps(snapshot),
                created_at=at,
            )
        )
        links = []
        for house, h in zip(lot.houses, out["houses"], strict=True):
            members = [by_ref[batch.ids[i]] for i in house.parcels.tolist()]
            gross = sum((m.gross_kg for m in members), Decimal(0))
            ships.add_house(shipment.id, h["house"], house.shipper, len(members), gross)
            for i, m in zip(house.parcels.tolist(), members, strict=True):
                u, b = int(plan.parcel_uld[i]), int(plan.parcel_bag[i])
                links.append(
                    ShipmentParcel(
                        id=new_id("spc"),
                        shipment_id=shipment.id,
                        parcel_id=m.id,
                        hawb=h["house"],
                        bag=f"B{b + 1:06d}" if b >= 0 else None,
                        uld=f"U{u + 1:05d}",
                        uld_type=plan.uld_type[u],
                        weight_kg=m.gross_kg,
                    )
                )
                if not parcels.move(m.id, "packed", "booked", at, shipment_id=shipment.id, house=h["house"]):
                    raise ConflictError(
                        f"parcel {m.ref!r} was booked meanwhile; plan again",
                        field="parcel_ids",
                        rule=LogisticsError.PARCEL_STATE,
                    )
                waybills[m.ref] = Waybill(
                    house=h["house"],
                    carrier=_airline(flight.carrier),
                    origin=lot.origin,
                    destination=lot.destination,
                    master=master,
                    flight=flight.number,
                    departs=flight.departs,
                    arrives=lot.arrives,
                )
        ships.add_parcels(links)
        stored.append({"id": shipment.id, "mawb": master, "flight": flight.key})
    return stored, waybills


def _airline(prefix: str) -> str:
    try:
        airline = AwbNumber.issue(prefix, 0).airline
    except ValidationError:
        return prefix
    return airline.iata if airline is not None else prefix


def waybill(uow: UnitOfWork, tenant_id: str, order_id: str) -> Waybill | None:
    """The waybill of an order's parcel once it is booked (by air or with a last-mile carrier)."""
    row = ParcelRepository(uow.session, tenant_id).by_order(order_id)
    if row is None or row.status in ("packed", "cancelled", "offloaded"):
        return None
    if row.status == "handed-over":
        return Waybill(
            house=row.house or "", carrier=row.carrier or "", origin=row.origin, destination=row.destination
        )
    s = ShipmentRepository(uow.session, tenant_id).get(row.shipment_id or "")
    return Waybill(
        row.house or "",
        _airline(s.carrier),
        s.origin,
        s.destination,
        s.mawb,
        s.flight.split("/")[0],
        s.departs,
        s.arrives,
    )


def hand_over(
    uow: UnitOfWork, tenant_id: str, order_id: str, carrier: str, waybill_no: str, at: datetime
) -> Waybill:
    """A packed parcel leaves a warehouse with a last-mile carrier's waybill (no flight, no master)."""
    carrier = carrier.strip().upper()
    if not carrier or len(carrier) > 20:
        raise ValidationError(
            "the carrier's code (1-20 characters)", field="carrier", rule=LogisticsError.REQUIRED
        )
    number = check_house_number(waybill_no.strip().upper(), "waybill")
    repo = ParcelRepository(uow.session, tenant_id)
    row = repo.by_order(order_id)
    if row is None:
        raise NotFoundError("parcel of order", order_id)
    if not repo.move(row.id, "packed", "handed-over", at, house=number, carrier=carrier):
        raise ConflictError(
            f"the parcel is {row.status}, not packed", field="status", rule=LogisticsError.PARCEL_STATE
        )
    return Waybill(house=number, carrier=carrier, origin=row.origin, destination=row.destination)


def record_events(
    uow: UnitOfWork,
    tenant_id: str,
    rows: Sequence[Mapping[str, object]],
    at: datetime,
    source: str = "carrier",
) -> Recorded:
    """Validate events (once, for every way they come), store the new ones and queue their webhooks."""
    repo = TrackingRepository(uow.session, tenant_id)
    events = check_events(rows, lambda subject: repo.events([subject]), source)
    added = repo.add(events, at)
    for event_id, e in added:
        webhooks.notify(uow, tenant_id, e.code, event_payload(e), at, event_id, e.at)
    return Recorded(len(events), [e for _, e in added])


@dataclass(frozen=True)
class Recorded:
    """Tracking events received, and the new ones among them (a repeat is not recorded again)."""

    received: int
    added: list[TrackingEvent]

    def as_dict(self) -> dict[str, int]:
        recorded = len(self.added)
        return {"received": self.received, "recorded": recorded, "duplicates": self.received - recorded}

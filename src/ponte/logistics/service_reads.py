"""The logistics read use cases: timelines, ETAs, shipments and their ONE Record form (no writes).

``logistics.service`` re-exports them; adapters call them through it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from ponte.kernel.errors import NotFoundError
from ponte.logistics.awb import AwbNumber, is_valid_awb
from ponte.logistics.events import check_events
from ponte.logistics.onerecord import ExportConsolidation, ExportPiece, ExportShipment, export_consolidation
from ponte.logistics.routes import Itinerary
from ponte.logistics.store.repository import (
    ParcelRepository,
    ShipmentRepository,
    TrackingRepository,
    codes_by_mawb,
    shipment_of,
    shipments_of,
)
from ponte.logistics.store.tables import Shipment
from ponte.logistics.tracking import Eta, estimate_arrival, merge_timeline, timeline_view
from ponte.logistics.uld import Flight
from ponte.platform.db import UnitOfWork
from ponte.platform.pagination import Page

__all__ = [
    "console_shipment",
    "console_shipments",
    "eta",
    "onerecord",
    "shipment",
    "shipments",
    "states",
    "timeline",
    "timeline_of_rows",
]


def _itinerary(s: Shipment) -> Itinerary:
    leg = Flight(
        s.flight.split("/")[0],
        s.carrier,
        s.origin,
        s.destination,
        s.departs,
        s.arrives,
        s.departs,
        False,
        Decimal(1),
    )
    return Itinerary((leg,))


def _find(uow: UnitOfWork, tenant_id: str, ref: str) -> tuple[str, str, list[Shipment], list[str]]:
    ships = ShipmentRepository(uow.session, tenant_id)
    if is_valid_awb(ref):
        awb = str(AwbNumber.parse(ref))
        return "awb", awb, ships.by_mawb(awb), [awb]
    parcels = ParcelRepository(uow.session, tenant_id)
    row = parcels.by_ref(ref) or parcels.by_order(ref)
    if row is not None:
        ref = row.ref
    shipments = ships.by_parcel_ref(ref)
    return "parcel", ref, shipments, [ref, *sorted({s.mawb for s in shipments})]


def timeline(uow: UnitOfWork, tenant_id: str, ref: str, now: datetime) -> dict[str, Any]:
    """The merged timeline of an AWB, a parcel (its reference or its order's id), a bag or a ULD: its own events
    and those of the master AWBs it flies under, with the ETA and the late flag of its last shipment."""
    kind, ref, shipments, subjects = _find(uow, tenant_id, ref)
    merged = merge_timeline(TrackingRepository(uow.session, tenant_id).events(subjects))
    if not shipments and not merged:
        raise NotFoundError("tracking", ref)
    if not shipments:
        kind = merged[0].subject
    out = timeline_view(ref, kind, merged)
    out["shipments"] = [{"id": s.id, "mawb": s.mawb, "flight": s.flight} for s in shipments]
    if shipments:
        last = max(shipments, key=lambda s: s.departs)
        e = estimate_arrival(_itinerary(last), merged, now)
        out.update(
            eta=e.eta.isoformat(),
            delay_minutes=int(e.delay.total_seconds() // 60),
            late=e.late,
            delivered=e.delivered,
            reasons=list(e.reasons),
        )
    return out


def eta(uow: UnitOfWork, tenant_id: str, ref: str, now: datetime) -> Eta | None:
    """The estimated arrival of a parcel or AWB (None before it is on a flight)."""
    _kind, _ref, shipments, subjects = _find(uow, tenant_id, ref)
    if not shipments:
        return None
    merged = merge_timeline(TrackingRepository(uow.session, tenant_id).events(subjects))
    return estimate_arrival(_itinerary(max(shipments, key=lambda s: s.departs)), merged, now)


def shipments(uow: UnitOfWork, tenant_id: str, cursor: str | None, limit: int) -> Page[Shipment]:
    return ShipmentRepository(uow.session, tenant_id).page(cursor, limit)


def shipment(uow: UnitOfWork, tenant_id: str, shipment_id: str) -> tuple[Shipment, list[dict[str, Any]]]:
    """A shipment and its parcels (reference, order, house, bag, ULD, weight)."""
    repo = ShipmentRepository(uow.session, tenant_id)
    s = repo.get(shipment_id)
    return s, [
        {
            "parcel": p.ref,
            "order": p.order_id,
            "hawb": sp.hawb,
            "bag": sp.bag,
            "uld": sp.uld,
            "uld_type": sp.uld_type,
            "weight_kg": sp.weight_kg,
            "shc": p.shc_list,
        }
        for sp, p in repo.parcels(s.id)
    ]


def states(uow: UnitOfWork, rows: Sequence[Shipment]) -> dict[str, list[str]]:
    """Shipment id → the FSU codes of its master AWB, in time order (the console's shipment states)."""
    codes = codes_by_mawb(uow.session, {(s.tenant_id, s.mawb) for s in rows})
    return {s.id: codes[(s.tenant_id, s.mawb)] for s in rows}


def console_shipments(
    uow: UnitOfWork, tenants: Sequence[str] | None, cursor: str | None, limit: int
) -> Page[Shipment]:
    """Shipments of these tenants (None: every tenant, for the park operator)."""
    return shipments_of(uow.session, tenants, cursor, limit)


def console_shipment(
    uow: UnitOfWork, shipment_id: str, tenants: Sequence[str] | None
) -> tuple[Shipment, list[dict[str, Any]]]:
    s = shipment_of(uow.session, shipment_id, tenants)
    return shipment(uow, s.tenant_id, s.id)


def onerecord(uow: UnitOfWork, tenant_id: str, shipment_id: str, base: str) -> dict[str, Any]:
    """The shipment as ONE Record 3.3 JSON-LD (``base`` is the server's logistics-objects root)."""
    s, parcels = shipment(uow, tenant_id, shipment_id)
    events = TrackingRepository(uow.session, tenant_id).events([s.mawb, *(p["parcel"] for p in parcels)])
    houses = [
        ExportShipment(
            hawb,
            s.origin,
            s.destination,
            [
                ExportPiece(p["parcel"], p["weight_kg"], [e for e in events if e.subject_id == p["parcel"]])
                for p in parcels
                if p["hawb"] == hawb
            ],
        )
        for hawb in s.house_waybills
    ]
    master = [e for e in events if e.subject_id == s.mawb]
    return export_consolidation(
        ExportConsolidation(AwbNumber.parse(s.mawb), s.origin, s.destination, houses, master), base
    )


def timeline_of_rows(ref: str, rows: Sequence[Mapping[str, object]]) -> dict[str, Any]:
    """The timeline of ``ref`` from event rows alone (a CSV file, no database), validated like stored ones."""
    events = check_events(rows, default_source="csv")
    if is_valid_awb(ref):
        ref = str(AwbNumber.parse(ref))
    merged = merge_timeline([e for e in events if e.subject_id == ref])
    if not merged:
        raise NotFoundError("tracking", ref)
    return timeline_view(ref, merged[0].subject, merged)

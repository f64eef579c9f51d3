"""Logistics' bulk use case for jobs that pack and book many orders at once (``ponte process --database``):
the parcels a job made, and where its consolidation put them (parcel → bag → ULD → flight → house and master
waybill), stored in one statement per table, as ``pack`` and ``consolidate_and_issue`` store them one
consolidation at a time. Stages its work in the caller's unit of work; the caller commits."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import String, select, text
from sqlalchemy.exc import IntegrityError

from ponte.kernel.errors import ConflictError
from ponte.kernel.ids import new_id
from ponte.logistics.awb import AwbNumber
from ponte.logistics.service import _airline
from ponte.logistics.shipping import OrderParcel, Waybill
from ponte.logistics.store.tables import HouseWaybill, IssuedAwb, ParcelRecord, Shipment, ShipmentParcel
from ponte.platform.bulk import copy_rows, stage
from ponte.platform.db import UnitOfWork

__all__ = ["Booking", "store_parcels", "waybill_of"]


@dataclass(frozen=True)
class Booking:
    """Where a job's consolidation put one parcel."""

    house: str
    master: str
    flight: str  # the leg's key (number/date/origin-destination), as a shipment names its flight
    number: str  # the flight number
    carrier: str  # the AWB prefix of the airline
    origin: str
    destination: str
    departs: datetime
    arrives: datetime
    bag: str | None
    uld: str | None
    uld_type: str | None
    consolidation: str  # the job's plan it belongs to (one per day)


_PARCEL_COLUMNS = [c.name for c in ParcelRecord.__table__.columns]


def _parcel_row(
    p: OrderParcel, tenant_id: str, at: datetime, booked: Booking | None, shipment: str | None
) -> tuple:  # type: ignore[type-arg]
    row = {
        "id": new_id("pcl"),
        "tenant_id": tenant_id,
        "order_id": p.order_id or None,
        "ref": p.id,
        "status": "booked" if booked else "packed",
        "gross_kg": p.gross.kg,
        "net_kg": p.net.kg,
        "length_cm": p.box.length_cm,
        "width_cm": p.box.width_cm,
        "height_cm": p.box.height_cm,
        "handling_class": p.handling_class,
        "shc": json.dumps(list(p.shc)),
        "dangerous_goods": p.dangerous_goods,
        "cargo_aircraft_only": p.cargo_aircraft_only,
        "perishable": p.perishable,
        "dry_ice_kg": p.dry_ice.kg,
        "origin": p.origin,
        "destination": p.destination,
        "ready_at": p.ready_at,
        "shipper": p.shipper[:200],
        "goods": p.goods,
        "hs_codes": json.dumps(list(p.hs_codes)),
        "shipment_id": shipment,
        "house": booked.house if booked else None,
        "carrier": None,
        "created_at": at,
        "updated_at": at,
    }
    return tuple(row[c] for c in _PARCEL_COLUMNS)


def _shipments(
    uow: UnitOfWork, tenant_id: str, lots: Mapping[str, list[tuple[OrderParcel, Booking]]], at: datetime
) -> dict[str, str]:
    """A new shipment for every master, the masters recorded as issued. A master already stored (another
    run's, or the API's) is refused: its shipment is not another plan's to add to."""
    session = uow.session
    found = sorted(
        m
        for (m,) in session.execute(
            select(Shipment.mawb).where(Shipment.tenant_id == tenant_id, Shipment.mawb.in_(list(lots)))
        )
    )
    if found:
        raise ConflictError(
            f"master waybill {found[0]} is stored already, on another consolidation; "
            "give --awb-stock ranges not yet used",
            field="awb_stock",
            rule="awb-issued-elsewhere",
        )
    ids: dict[str, str] = {}
    new_ships, new_houses, issued = [], [], []
    for master, members in sorted(lots.items()):
        first = members[0][1]
        ids[master] = new_id("shp")
        houses: dict[str, list[OrderParcel]] = {}
        for p, b in members:
            houses.setdefault(b.house, []).append(p)
        gross = sum((p.gross.kg for p, _ in members), Decimal(0))
        snapshot = {"legs": sorted({b.flight for _, b in members}), "consolidation": first.consolidation}
        new_ships.append(
            (ids[master], tenant_id, first.consolidation, master, json.dumps(sorted(houses)), first.flight,
             first.carrier, first.origin, first.destination, first.departs, first.arrives, len(members),
             gross, json.dumps(snapshot), at, "booked")
        )  # fmt: skip
        for house, parcels in sorted(houses.items()):
            kg = sum((p.gross.kg for p in parcels), Decimal(0))
            new_houses.append(
                (new_id("hwb"), tenant_id, ids[master], house, parcels[0].shipper[:200], len(parcels), kg)
            )
        awb = AwbNumber.parse(master, field="master")
        issued.append((new_id("awb"), tenant_id, awb.prefix, int(awb.serial), master, at))
    try:
        copy_rows(
            session, IssuedAwb.__table__, ["id", "tenant_id", "prefix", "serial", "awb", "issued_at"], issued
        )
        session.flush()
    except IntegrityError:
        raise ConflictError(
            "an AWB number of this stock was issued already; check the ranges with the airline",
            field="awb_stock",
            rule="awb-issued-elsewhere",
        ) from None
    copy_rows(
        session,
        Shipment.__table__,
        ["id", "tenant_id", "consolidation_id", "mawb", "hawbs", "flight", "carrier", "origin", "destination",
         "departs", "arrives", "parcels", "gross_kg", "plan_json", "created_at", "status"],
        new_ships,
    )  # fmt: skip
    copy_rows(
        session,
        HouseWaybill.__table__,
        ["id", "tenant_id", "shipment_id", "number", "shipper", "pieces", "gross_kg"],
        new_houses,
    )
    return ids


def store_parcels(
    uow: UnitOfWork,
    tenant_id: str,
    parcels: Sequence[OrderParcel],
    bookings: Mapping[str, Booking],
    at: datetime,
) -> dict[str, Waybill]:
    """Store the parcels of orders a job packed (``bookings`` by order id: those it booked, with their
    shipment, house waybill, bag and ULD). A parcel of an order that already has one is left as stored.
    Returns the waybill of every booked order."""
    session = uow.session
    lots: dict[str, list[tuple[OrderParcel, Booking]]] = {}
    for p in parcels:
        b = bookings.get(p.order_id)
        if b is not None:
            lots.setdefault(b.master, []).append((p, b))
    shipments = _shipments(uow, tenant_id, lots, at) if lots else {}
    rows = []
    for p in parcels:
        b = bookings.get(p.order_id)
        rows.append(_parcel_row(p, tenant_id, at, b, shipments[b.master] if b else None))
    types = [(c.name, c.type) for c in ParcelRecord.__table__.columns]
    types = [(n, String(40)) if n in ("shipment_id", "tenant_id", "order_id") else (n, t) for n, t in types]
    staged = stage(session, "stage_parcels", types, rows)
    cols = ", ".join(f'"{c}"' for c in _PARCEL_COLUMNS)
    session.execute(
        text(
            f'INSERT INTO logistics_parcels ({cols}) SELECT {cols} FROM "{staged.name}" AS s '
            "WHERE NOT EXISTS (SELECT 1 FROM logistics_parcels p WHERE p.order_id = s.order_id) "
            "AND NOT EXISTS (SELECT 1 FROM logistics_parcels p WHERE p.tenant_id = s.tenant_id AND p.ref = s.ref)"
        )
    )
    # the parcels stored now (an order's parcel stored before keeps its own links)
    stored = {
        str(ref): str(pid)
        for ref, pid in session.execute(
            text(f'SELECT p.ref, p.id FROM logistics_parcels p JOIN "{staged.name}" AS s ON p.id = s.id')
        )
    }
    links = [
        (new_id("spc"), tenant_id, shipments[b.master], stored[p.id], b.house, b.bag, b.uld, b.uld_type,
         p.gross.kg)
        for p, b in _members(lots)
        if p.id in stored
    ]  # fmt: skip
    copy_rows(
        session,
        ShipmentParcel.__table__,
        ["id", "tenant_id", "shipment_id", "parcel_id", "hawb", "bag", "uld", "uld_type", "weight_kg"],
        links,
    )
    airlines: dict[str, str] = {}
    return {p.order_id: waybill_of(b, airlines) for p, b in _members(lots)}


def waybill_of(b: Booking, airlines: dict[str, str] | None = None) -> Waybill:
    """The waybill of a booked parcel, as ``waybill`` reads it back from the store; ``airlines`` keeps the
    airline of each AWB prefix already looked up (the caller's, for many parcels)."""
    airlines = {} if airlines is None else airlines
    if b.carrier not in airlines:
        airlines[b.carrier] = _airline(b.carrier)
    return Waybill(
        house=b.house,
        carrier=airlines[b.carrier],
        origin=b.origin,
        destination=b.destination,
        master=b.master,
        flight=b.number,
        departs=b.departs,
        arrives=b.arrives,
    )


def _members(lots: Mapping[str, list[tuple[OrderParcel, Booking]]]) -> list[tuple[OrderParcel, Booking]]:
    return [m for members in lots.values() for m in members]

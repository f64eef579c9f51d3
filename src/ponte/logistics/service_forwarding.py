"""A forwarder's read use cases: flight legs with their loads against the capacity held in the booking ledger,
what rides a leg (ULDs, masters), a ULD's bags and parcels, and the documents handed to the airline (the
consolidation list, the flight manifest, the ULD contents list) as PDF. No writes.

``tenants`` is whose records are read: a list of tenant ids, or None for every tenant (the park operator).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from ponte.kernel.errors import ConflictError, NotFoundError
from ponte.logistics.documents import (
    HouseLine,
    Leg,
    Master,
    Piece,
    UldLine,
    check_kind,
    consolidation_list,
    dg_lines,
    flight_manifest,
    uld_contents,
)
from ponte.logistics.documents_pdf import render_pdf
from ponte.logistics.errors import LogisticsError
from ponte.logistics.ledger import PAYLOAD
from ponte.logistics.store.forwarding import (
    houses_of,
    ledger_rows,
    parcels_of,
    shipments_departing,
    shipments_on_leg,
)
from ponte.logistics.store.repository import shipment_of
from ponte.logistics.store.tables import Shipment
from ponte.logistics.uld import uld_types
from ponte.platform.db import UnitOfWork
from ponte.platform.pdf_fonts import FontFiles

__all__ = ["flight", "flights", "leg_manifest_pdf", "master", "shipment_document", "uld"]


def _volume(length: Decimal | None, width: Decimal | None, height: Decimal | None) -> Decimal:
    if length is None or width is None or height is None:
        return Decimal(0)
    return (length * width * height / Decimal(1_000_000)).quantize(Decimal("0.001"))


def _masters(uow: UnitOfWork, rows: Sequence[Shipment]) -> list[Master]:
    ids = [s.id for s in rows]
    houses: dict[str, list[HouseLine]] = {}
    for h in houses_of(uow.session, ids):
        houses.setdefault(h.shipment_id, []).append(HouseLine(h.number, h.shipper, h.pieces, h.gross_kg))
    pieces: dict[str, list[Piece]] = {}
    for sp, p in parcels_of(uow.session, ids):
        pieces.setdefault(sp.shipment_id, []).append(
            Piece(
                parcel=p.ref,
                house=sp.hawb,
                bag=sp.bag,
                uld=sp.uld or "",
                gross_kg=sp.weight_kg,
                volume_m3=_volume(p.length_cm, p.width_cm, p.height_cm),
                goods=p.goods,
                hs_codes=tuple(json.loads(p.hs_codes or "[]")),
                shc=tuple(p.shc_list),
                dangerous_goods=p.dangerous_goods,
                cargo_aircraft_only=p.cargo_aircraft_only,
                dry_ice_kg=p.dry_ice_kg,
            )
        )
    out = []
    for s in rows:
        plan = s.plan
        ulds = tuple(
            UldLine(
                str(u["id"]),
                str(u["type"]),
                int(u.get("bags", 0)),
                Decimal(str(u["gross_kg"])),
                Decimal(str(u["volume_m3"])),
                tuple(u.get("legs") or [u.get("flight", s.flight)]),
            )
            for u in plan.get("ulds", [])
            if isinstance(u, dict) and "id" in u
        )
        legs = tuple(plan.get("legs") or [s.flight])
        out.append(
            Master(
                s.mawb,
                s.origin,
                s.destination,
                s.departs,
                s.arrives,
                legs,
                tuple(houses.get(s.id, [])),
                ulds,
                tuple(pieces.get(s.id, [])),
            )
        )
    return out


def master(uow: UnitOfWork, tenants: Sequence[str] | None, shipment_id: str) -> tuple[Shipment, Master]:
    """A stored shipment and its master waybill's lot (404 naming the shipment when it is not the viewer's)."""
    s = shipment_of(uow.session, shipment_id, tenants)
    return s, _masters(uow, [s])[0]


def _leg(key: str, on: Sequence[Shipment]) -> Leg:
    """The leg with its times where a shipment on it knows them (its first leg's, its last leg's arrival)."""
    departs = arrives = None
    for s in on:
        plan = s.plan
        if s.flight == key:
            departs = s.departs
            if plan.get("arrives"):
                arrives = datetime.fromisoformat(str(plan["arrives"]))
        legs = plan.get("legs") or [s.flight]
        if legs and legs[-1] == key:
            arrives = s.arrives
    return Leg(key, departs, arrives)


#: How long before a leg's UTC date the first leg of a shipment riding it may depart (a connection's first leg
#: leaves up to two days earlier; one more for the time zones).
_CONNECTING = timedelta(days=3)


def _window(first: date, last: date) -> tuple[datetime, datetime]:
    """The first-leg departures of shipments that may ride legs dated ``first`` to ``last``."""
    start = datetime.combine(first, time(0), UTC) - _CONNECTING
    return start, datetime.combine(last, time(0), UTC) + timedelta(days=1)


def _legs_of(s: Shipment) -> list[str]:
    return list(s.plan.get("legs") or [s.flight])


def _on_leg(
    uow: UnitOfWork, tenants: Sequence[str] | None, key: str
) -> tuple[Leg, list[Shipment], list[Master]]:
    day = Leg(key).day  # a malformed key is a validation error naming the leg
    rows = shipments_on_leg(uow.session, tenants, key, *_window(day, day))
    rows = [s for s in rows if s.flight == key or key in _legs_of(s)]
    return _leg(key, rows), rows, _masters(uow, rows)


def shipment_document(
    uow: UnitOfWork,
    tenants: Sequence[str] | None,
    shipment_id: str,
    kind: str,
    lang: str,
    fonts: FontFiles,
    at: datetime,
) -> tuple[str, bytes]:
    """One document of a shipment as (file name, PDF): its consolidation list, its ULD contents list, or the
    manifest of every leg it flies (each leg with every master of the same forwarder riding it)."""
    check_kind(kind)
    s, m = master(uow, tenants, shipment_id)
    if s.status != "booked":  # an offloaded master flies nothing: nothing of it goes to the airline
        raise ConflictError(
            f"shipment {shipment_id!r} is {s.status}: its parcels are off its flights, it has no documents",
            field="shipment_id",
            rule=LogisticsError.SHIPMENT_STATE,
        )
    if kind == "consolidation-list":
        doc = consolidation_list(m, lang, at)
    elif kind == "uld-contents":
        doc = uld_contents(m, lang, at)
    else:
        legs = []
        for key in m.legs:
            leg, _rows, masters = _on_leg(uow, [s.tenant_id], key)
            legs.append((leg, masters))
        doc = flight_manifest(legs, lang, at)
    return f"{s.mawb}-{kind}-{doc.language}.pdf", render_pdf(doc, fonts)


def leg_manifest_pdf(
    uow: UnitOfWork, tenants: Sequence[str] | None, key: str, lang: str, fonts: FontFiles, at: datetime
) -> tuple[str, bytes]:
    """The flight manifest of one leg (404 naming the leg when nothing of the viewer's rides it)."""
    leg, rows, masters = _on_leg(uow, tenants, key)
    if not rows:
        raise NotFoundError("flight leg", key)
    doc = flight_manifest([(leg, masters)], lang, at)
    return f"{key.replace('/', '_')}-flight-manifest-{doc.language}.pdf", render_pdf(doc, fonts)


def _capacity(rows: Sequence[Any]) -> dict[str, Any]:
    """A leg's allotment from its ledger rows (one forwarder's, or several added up for the park operator):
    payload (kg) and positions per ULD type, offered and booked, and the volume the offered positions hold
    (m³)."""
    types = uld_types()
    payload = booked = volume = Decimal(0)
    positions: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r.resource == PAYLOAD:
            payload += Decimal(r.offered) / 1000
            booked += Decimal(r.booked) / 1000
            continue
        entry = positions.setdefault(r.resource, {"type": r.resource, "offered": 0, "booked": 0})
        entry["offered"] += int(r.offered)
        entry["booked"] += int(r.booked)
        if r.resource in types:
            volume += Decimal(types[r.resource].volume_cm3 * int(r.offered)) / 1_000_000
    return {
        "payload_kg": payload,
        "booked_kg": booked,
        "positions": [positions[k] for k in sorted(positions)],
        "volume_m3": volume,
    }


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole).quantize(Decimal("0.001")) if whole > 0 else None


def _leg_row(tenant: str, key: str, ledger: Sequence[Any], on: Sequence[Shipment]) -> dict[str, Any]:
    """A leg's figures from its ledger rows and the stored plans of the shipments on it (no parcel is read)."""
    leg = Leg(key)
    cap = _capacity(ledger)
    ulds = [
        u for s in on for u in s.plan.get("ulds", []) if isinstance(u, dict) and key in (u.get("legs") or [])
    ]
    used_m3 = sum((Decimal(str(u["volume_m3"])) for u in ulds), Decimal(0))
    return {
        "tenant_id": tenant,
        "leg": key,
        "number": leg.number,
        "day": leg.day,
        "origin": leg.origin,
        "destination": leg.destination,
        **cap,
        "weight_factor": _ratio(cap["booked_kg"], cap["payload_kg"]),
        "used_m3": used_m3,
        "volume_factor": _ratio(used_m3, cap["volume_m3"]),
        "ulds": len(ulds),
        "masters": len(on),
        "pieces": sum(s.parcels for s in on),
    }


def flights(
    uow: UnitOfWork, tenants: Sequence[str] | None, offset: int = 0, limit: int | None = None
) -> tuple[list[dict[str, Any]], int]:
    """The legs with something booked, per forwarder, in date and flight order (``limit`` of them from
    ``offset``), and how many there are: each leg's load by weight (what the ledger booked, tares included)
    and by volume (the ULDs' contents) against the capacity held on it."""
    grouped: dict[tuple[str, str], list[Any]] = {}
    for r in ledger_rows(uow.session, tenants):
        grouped.setdefault((r.tenant_id, r.leg), []).append(r)
    booked = [k for k, rows in grouped.items() if any(r.booked for r in rows)]
    keys = sorted(booked, key=lambda k: (Leg(k[1]).day, Leg(k[1]).number, k[1], k[0]))
    page = keys[offset : None if limit is None else offset + limit]
    if not page:
        return [], len(keys)
    days = [Leg(k).day for _t, k in page]
    riding = shipments_departing(uow.session, sorted({t for t, _k in page}), *_window(min(days), max(days)))
    out = []
    for tenant, key in page:
        on = [s for s in riding if s.tenant_id == tenant and (s.flight == key or key in _legs_of(s))]
        out.append(_leg_row(tenant, key, grouped[(tenant, key)], on))
    return out, len(keys)


def flight(uow: UnitOfWork, tenants: Sequence[str] | None, key: str) -> dict[str, Any]:
    """One leg: its load against capacity, its ULDs (id, type, bags, pieces, weight, volume, master) and
    masters; 404 naming the leg when nothing of the viewer's rides it."""
    leg, rows, masters = _on_leg(uow, tenants, key)
    if not rows:
        raise NotFoundError("flight leg", key)
    riding = sorted({s.tenant_id for s in rows})  # one forwarder, or every one on the leg for the operator
    out = _leg_row(riding[0], key, ledger_rows(uow.session, riding, [key]), rows)
    out["tenant_ids"] = riding
    ids = {m.mawb: s.id for s, m in zip(rows, masters, strict=True)}
    out["departs"], out["arrives"] = leg.departs, leg.arrives
    out["uld_list"] = [
        {
            "shipment_id": ids[m.mawb],
            "mawb": m.mawb,
            "id": u.id,
            "type": u.type,
            "bags": u.bags,
            "pieces": sum(1 for p in m.pieces if p.uld == u.id),
            "gross_kg": u.gross_kg,
            "volume_m3": u.volume_m3,
            "shc": sorted({c for p in m.pieces if p.uld == u.id for c in p.shc}),
        }
        for m in masters
        for u in m.ulds
        if key in u.legs
    ]
    out["master_list"] = [
        {
            "shipment_id": ids[m.mawb],
            "mawb": m.mawb,
            "origin": m.origin,
            "destination": m.destination,
            "houses": [h.number for h in m.houses],
            "pieces": len(m.pieces),
            "gross_kg": m.gross_kg,
            "shc": sorted({c for p in m.pieces for c in p.shc}),
            "dangerous_goods": [
                {
                    "un": un,
                    "name": name,
                    "pi": pi,
                    "parcel": p.parcel,
                    "uld": p.uld,
                    "cao": p.cargo_aircraft_only,
                }
                for p in m.pieces
                for un, name, pi in dg_lines(p, leg.day)
            ],
        }
        for m in masters
    ]
    return out


def uld(uow: UnitOfWork, tenants: Sequence[str] | None, shipment_id: str, uld_id: str) -> dict[str, Any]:
    """A ULD of a shipment: its type, legs, weight and volume, and its bags with the parcels in each."""
    s, m = master(uow, tenants, shipment_id)
    found = next((u for u in m.ulds if u.id == uld_id), None)
    if found is None:
        raise NotFoundError("ULD", uld_id)
    bags: dict[str, list[Piece]] = {}
    for p in sorted((p for p in m.pieces if p.uld == uld_id), key=lambda p: (p.bag or "", p.parcel)):
        bags.setdefault(p.bag or "", []).append(p)
    return {"shipment": s, "master": m, "uld": found, "bags": bags}

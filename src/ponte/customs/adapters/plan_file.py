"""Read the consolidation plan ``ponte consolidate ORDERS --json`` prints: per order, its parcel, its
house and master waybill and its flight.

The plan belongs to the logistics capability and may grow; this reader takes what customs need and is
lenient about the shape around it: a list of entries, or an object holding them under ``orders``,
``parcels`` or ``assignments``; each entry names its order (``order_id``/``order``/``id``) and carries
its parcel and waybill either flat or under ``parcel`` and ``waybill``, with the usual spellings
(``house``/``house_waybill``/``hawb``, ``master``/``master_waybill``/``mawb``/``awb``, ``flight``,
``gross_kg``/``weight_kg``, ``net_kg``). An entry that lacks what customs need is reported, not guessed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ponte.kernel.errors import ValidationError, Violation
from ponte.kernel.measures import Box, Weight
from ponte.logistics.shipping import OrderParcel, Waybill

__all__ = ["PlanEntry", "read_plan"]

_ORDER = ("order_id", "order", "orderId")
_HOUSE = ("house", "house_waybill", "hawb", "house_awb", "logistics_no")
_MASTER = ("master", "master_waybill", "mawb", "awb", "master_awb")
_FLIGHT = ("flight", "flight_no", "flight_number")
_GROSS = ("gross_kg", "gross_weight_kg", "weight_kg", "gross")
_NET = ("net_kg", "net_weight_kg", "net")


@dataclass(frozen=True)
class PlanEntry:
    order_id: str
    parcel: OrderParcel | None
    waybill: Waybill | None
    problems: tuple[Violation, ...] = ()


def _first(d: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    for n in names:
        if d.get(n) not in (None, ""):
            return d[n]
    return None


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, Mapping):  # {"number": "784-12345675", ...}
        v = _first(v, ("number", "id", "awb", "flight", "code"))
    return None if v in (None, "") else str(v)


def _kg(v: Any) -> Weight | None:
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, float):  # a JSON number arrives as a float: take its shortest written form
        v = repr(v)
    try:
        return Weight(Decimal(str(v)))
    except (InvalidOperation, ValueError):
        return None


def _box(d: Mapping[str, Any]) -> Box:
    """The parcel's box when the plan gives it; customs declare weights only, so a plan without
    dimensions gets a unit box that nothing in a declaration reads."""
    sides = [_kg(d.get(k)) for k in ("length_cm", "width_cm", "height_cm")]
    if all(s is not None and s.kg > 0 for s in sides):
        return Box(*(s.kg for s in sides if s is not None))
    return Box(Decimal(1), Decimal(1), Decimal(1))


def _time(v: Any) -> datetime | None:
    if not isinstance(v, str):
        return None
    try:
        t = datetime.fromisoformat(v)
    except ValueError:
        return None
    return t if t.tzinfo else None


def _houses(doc: Any) -> dict[str, Mapping[str, Any]]:
    """Per house waybill, what the plan's lots say of it (its weights)."""
    out: dict[str, Mapping[str, Any]] = {}
    if isinstance(doc, Mapping):
        for lot in doc.get("lots") or []:
            for h in (lot.get("houses") or []) if isinstance(lot, Mapping) else []:
                if isinstance(h, Mapping) and h.get("house"):
                    out[str(h["house"])] = h
    return out


def _entries(doc: Any) -> list[Any]:
    if isinstance(doc, list):
        return doc
    if isinstance(doc, Mapping):
        for key in ("orders", "parcels", "assignments", "plan"):
            found = doc.get(key)
            if isinstance(found, list):
                return found
            if isinstance(found, Mapping):
                return _entries(found)
    raise ValidationError(
        "the plan holds no list of orders (give what `ponte consolidate ORDERS --json` prints)",
        field="plan",
        rule="plan-shape",
    )


def _flight_number(v: str | None) -> str | None:
    """``CZ431`` of a flight id like ``CZ431/2026-01-03/CAN-GRU``."""
    return v.split("/", 1)[0] if v else None


def _entry(
    i: int, raw: Any, tenant_of: Mapping[str, str], houses: Mapping[str, Mapping[str, Any]]
) -> PlanEntry | None:
    if not isinstance(raw, Mapping):
        return None
    parcel_d: Mapping[str, Any] = raw["parcel"] if isinstance(raw.get("parcel"), Mapping) else raw
    waybill_d: Mapping[str, Any] = raw["waybill"] if isinstance(raw.get("waybill"), Mapping) else raw
    order_id = _text(_first(raw, _ORDER)) or _text(_first(parcel_d, _ORDER))
    if order_id is None:
        return None
    problems = []
    house = _text(_first(waybill_d, _HOUSE)) or _text(_first(raw, _HOUSE))
    master = _text(_first(waybill_d, _MASTER)) or _text(_first(raw, _MASTER))
    flight = _flight_number(_text(_first(waybill_d, _FLIGHT)) or _text(_first(raw, _FLIGHT)))
    house_d = houses.get(house or "", {})
    gross = _kg(_first(parcel_d, _GROSS)) or _kg(_first(house_d, _GROSS))
    net = _kg(_first(parcel_d, _NET)) or _kg(_first(house_d, _NET))
    origin = _text(waybill_d.get("origin") or raw.get("origin")) or ""
    destination = _text(waybill_d.get("destination") or raw.get("destination")) or ""
    if house is None:
        problems.append(Violation(f"plan[{i}].house", "waybill-required", "the entry has no house waybill"))
    if gross is None:
        problems.append(
            Violation(f"plan[{i}].parcel", "parcel", "the plan gives no gross weight (kg) of the parcel")
        )
    if net is None:
        problems.append(
            Violation(f"plan[{i}].parcel", "parcel", "the plan gives no net weight (kg) of the parcel")
        )
    if problems:
        return PlanEntry(order_id, None, None, tuple(problems))
    assert gross is not None and net is not None and house is not None
    departs = _time(waybill_d.get("departs") or raw.get("departs"))
    parcel = OrderParcel(
        id=_text(parcel_d.get("id")) or f"{order_id}-parcel",
        order_id=order_id,
        tenant_id=tenant_of.get(order_id, ""),
        gross=gross,
        net=net,
        box=_box(parcel_d),
        dangerous_goods=str(parcel_d.get("dangerous_goods") or ""),
        perishable=bool(parcel_d.get("perishable")),
        origin=origin,
        destination=destination,
        ready_at=departs or datetime(1970, 1, 1, tzinfo=UTC),
    )
    waybill = Waybill(
        house=house,
        carrier=_text(waybill_d.get("carrier") or raw.get("carrier")) or "",
        origin=origin,
        destination=destination,
        master=master,
        flight=flight,
        departs=departs,
        arrives=_time(waybill_d.get("arrives") or raw.get("arrives")),
    )
    return PlanEntry(order_id, parcel, waybill)


def read_plan(path: Path, tenant_of: Mapping[str, str] | None = None) -> dict[str, PlanEntry]:
    """The plan's entries by order id; a file that is not a plan is an error naming it."""
    try:
        doc = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise ValidationError(
            f"{path}: cannot read ({exc.strerror})", field=str(path), rule="readable"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"{path}: not a JSON plan ({exc})", field=str(path), rule="json") from None
    out: dict[str, PlanEntry] = {}
    houses = _houses(doc)
    for i, raw in enumerate(_entries(doc)):
        entry = _entry(i, raw, tenant_of or {}, houses)
        if entry is not None:
            out[entry.order_id] = entry
    if isinstance(doc, Mapping):  # parcels the plan could not place say why
        for raw in doc.get("unplaced_parcels") or []:
            if isinstance(raw, Mapping) and raw.get("order") and str(raw["order"]) not in out:
                why = Violation("plan", "not-placed", f"consolidation placed no flight: {raw.get('reason')}")
                out[str(raw["order"])] = PlanEntry(str(raw["order"]), None, None, (why,))
    return out

"""Export of waybills, shipments, pieces and tracking events as ONE Record 3.3 JSON-LD."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ponte.logistics.awb import AwbNumber
from ponte.logistics.tracking import TrackingEvent

CARGO = "https://onerecord.iata.org/ns/cargo#"
CODES = "https://onerecord.iata.org/ns/code-lists/"
XSD = "http://www.w3.org/2001/XMLSchema#"
CONTEXT = {"cargo": CARGO, "api": "https://onerecord.iata.org/ns/api#"}


@dataclass(frozen=True)
class ExportPiece:
    id: str
    gross_kg: Decimal
    events: Sequence[TrackingEvent] = ()


@dataclass(frozen=True)
class ExportShipment:
    house_number: str
    origin: str
    destination: str
    pieces: Sequence[ExportPiece]
    goods_description: str = ""


@dataclass(frozen=True)
class ExportConsolidation:
    master: AwbNumber
    origin: str
    destination: str
    shipments: Sequence[ExportShipment]
    events: Sequence[TrackingEvent] = field(default_factory=tuple)


def _ref(iri: str) -> dict[str, str]:
    return {"@id": iri}


def _kg(value: Decimal) -> dict[str, Any]:
    return {
        "@type": "cargo:Value",
        "cargo:numericalValue": {"@type": XSD + "double", "@value": str(float(value))},
        "cargo:unit": _ref(CODES + "MeasurementUnitCode#KGM"),
    }


def _location(code: str) -> dict[str, Any]:
    return {"@type": "cargo:Location", "cargo:locationName": code, "cargo:locationType": "Airport"}


def _event(base: str, e: TrackingEvent, subject_iri: str, n: int) -> dict[str, Any]:
    return {
        "@id": f"{base}/logistics-events/{e.subject}-{e.subject_id}-{n}",
        "@type": "cargo:LogisticsEvent",
        "cargo:eventFor": _ref(subject_iri),
        "cargo:eventCode": _ref(f"{CODES}StatusCode#{e.code}"),
        "cargo:eventDate": {"@type": XSD + "dateTime", "@value": e.at.isoformat().replace("+00:00", "Z")},
        "cargo:eventLocation": _location(e.location),
        "cargo:eventTimeType": _ref(CARGO + "ACTUAL"),
    }


def export_consolidation(c: ExportConsolidation, base: str) -> dict[str, Any]:
    """One JSON-LD document (``@graph``) with the master waybill, its house waybills, shipments, pieces
    and events; ``base`` is the server's logistics-objects root (e.g. ``https://1r.example.com``)."""
    lo = f"{base.rstrip('/')}/logistics-objects"
    graph: list[dict[str, Any]] = []
    master_iri = f"{lo}/awb-{c.master.prefix}-{c.master.number}"
    houses = []
    for s in c.shipments:
        house_iri = f"{lo}/hawb-{s.house_number}"
        ship_iri = f"{lo}/shipment-{s.house_number}"
        houses.append(_ref(house_iri))
        piece_refs = []
        for p in s.pieces:
            piece_iri = f"{lo}/piece-{p.id}"
            piece_refs.append(_ref(piece_iri))
            graph.append(
                {
                    "@id": piece_iri,
                    "@type": "cargo:Piece",
                    "cargo:ofShipment": _ref(ship_iri),
                    "cargo:grossWeight": _kg(p.gross_kg),
                    "cargo:upid": p.id,
                }
            )
            graph += [_event(base.rstrip("/"), e, piece_iri, n) for n, e in enumerate(p.events)]
        total = sum((p.gross_kg for p in s.pieces), Decimal(0))
        graph.append(
            {
                "@id": ship_iri,
                "@type": "cargo:Shipment",
                "cargo:pieces": piece_refs,
                "cargo:waybill": _ref(house_iri),
                "cargo:totalGrossWeight": _kg(total),
                **({"cargo:goodsDescription": s.goods_description} if s.goods_description else {}),
            }
        )
        graph.append(
            {
                "@id": house_iri,
                "@type": "cargo:Waybill",
                "cargo:waybillType": _ref(CARGO + "HOUSE"),
                "cargo:waybillNumber": s.house_number,
                "cargo:masterWaybill": _ref(master_iri),
                "cargo:shipment": _ref(ship_iri),
                "cargo:departureLocation": _location(s.origin),
                "cargo:arrivalLocation": _location(s.destination),
            }
        )
    graph.append(
        {
            "@id": master_iri,
            "@type": "cargo:Waybill",
            "cargo:waybillType": _ref(CARGO + "MASTER"),
            "cargo:waybillPrefix": c.master.prefix,
            "cargo:waybillNumber": c.master.number,
            "cargo:modularCheckNumber": {"@type": XSD + "boolean", "@value": "true"},
            "cargo:houseWaybills": houses,
            "cargo:departureLocation": _location(c.origin),
            "cargo:arrivalLocation": _location(c.destination),
        }
    )
    graph += [_event(base.rstrip("/"), e, master_iri, n) for n, e in enumerate(c.events)]
    return {"@context": CONTEXT, "@graph": graph}

"""What a forwarder hands to an airline, as ONE Record 3.3 JSON-LD, from a plan (``ponte.consolidation/1`` with its
assignments): the consolidation list (each master waybill with its house waybills), the ULD contents list (each ULD
built up from its pieces: ``UnitComposition`` with a ``Composing`` action) and the flight manifest (one
``TransportMovement`` per flight leg, loading its ULDs with a ``Loading`` action; a connecting ULD is loaded on
every leg it rides). Pure: the plan in, one JSON-LD document (``@graph``) out."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ponte.logistics.onerecord import CARGO, CODES, CONTEXT, XSD, _kg, _location, _ref
from ponte.logistics.uld import uld_types

__all__ = ["export_manifest"]


def _code(value: str, code_list: str) -> dict[str, Any]:
    return {"@type": "cargo:CodeListElement", "cargo:code": value, "cargo:codeListName": code_list}


def _time(iso: str) -> dict[str, str]:
    return {"@type": XSD + "dateTime", "@value": iso.replace("+00:00", "Z")}


def export_manifest(plan: Mapping[str, Any], base: str) -> dict[str, Any]:
    """The plan's waybills, ULD compositions and flight movements as one JSON-LD document."""
    lo = f"{base.rstrip('/')}/logistics-objects"
    graph: list[dict[str, Any]] = []
    pieces_of_uld: dict[str, list[str]] = {}
    pieces_of_house: dict[str, list[str]] = {}
    for a in plan.get("assignments", []):
        iri = f"{lo}/piece-{a['parcel']}"
        pieces_of_uld.setdefault(a["uld"], []).append(iri)
        pieces_of_house.setdefault(a["house"], []).append(iri)
        graph.append(
            {
                "@id": iri,
                "@type": "cargo:Piece",
                "cargo:upid": a["parcel"],
                "cargo:grossWeight": _kg(Decimal(a["gross_kg"])),
                "cargo:ofShipment": _ref(f"{lo}/shipment-{a['house']}"),
            }
        )
    for lot in plan.get("lots", []):
        master_iri = f"{lo}/mawb-{lot['master'] or 'lot-' + str(lot['lot'])}"
        houses = []
        for h in lot["houses"]:
            house_iri, ship_iri = f"{lo}/hawb-{h['house']}", f"{lo}/shipment-{h['house']}"
            houses.append(_ref(house_iri))
            graph.append(
                {
                    "@id": ship_iri,
                    "@type": "cargo:Shipment",
                    "cargo:pieces": [_ref(p) for p in pieces_of_house.get(h["house"], [])],
                    "cargo:waybill": _ref(house_iri),
                    "cargo:totalGrossWeight": _kg(Decimal(str(h["net_kg"]))),
                }
            )
            graph.append(
                {
                    "@id": house_iri,
                    "@type": "cargo:Waybill",
                    "cargo:waybillType": _ref(CARGO + "HOUSE"),
                    "cargo:waybillNumber": h["house"],
                    "cargo:masterWaybill": _ref(master_iri),
                    "cargo:shipment": _ref(ship_iri),
                    "cargo:departureLocation": _location(lot["origin"]),
                    "cargo:arrivalLocation": _location(lot["destination"]),
                }
            )
        master: dict[str, Any] = {
            "@id": master_iri,
            "@type": "cargo:Waybill",
            "cargo:waybillType": _ref(CARGO + "MASTER"),
            "cargo:houseWaybills": houses,
            "cargo:departureLocation": _location(lot["origin"]),
            "cargo:arrivalLocation": _location(lot["destination"]),
        }
        if lot["master"]:
            prefix, number = lot["master"].split("-")
            master |= {"cargo:waybillPrefix": prefix, "cargo:waybillNumber": number}
        graph.append(master)
    on_leg: dict[str, list[str]] = {}
    for u in plan.get("uld_list", []):
        uld_iri = f"{lo}/uld-{u['id']}"
        comp_iri, act_iri = f"{lo}/unit-composition-{u['id']}", f"{lo}/composing-{u['id']}"
        for leg in u.get("legs", [u["flight"]]):
            on_leg.setdefault(leg, []).append(uld_iri)
        graph += [
            {
                "@id": uld_iri,
                "@type": "cargo:ULD",
                "cargo:uldTypeCode": _code(
                    uld_types()[u["type"]].type_code, "ULD type (IATA ULD Regulations)"
                ),
                "cargo:uldSerialNumber": u["id"],
            },
            {
                "@id": comp_iri,
                "@type": "cargo:UnitComposition",
                "cargo:loadingUnit": _ref(uld_iri),
                "cargo:compositionActions": [_ref(act_iri)],
            },
            {
                "@id": act_iri,
                "@type": "cargo:Composing",
                "cargo:servedActivity": _ref(comp_iri),
                "cargo:loadingUnit": _ref(uld_iri),
                "cargo:composedPieces": [_ref(p) for p in pieces_of_uld.get(u["id"], [])],
            },
        ]
    for f in plan.get("flight_loads", []):
        key = f["flight"].replace("/", "-")
        move_iri, load_iri = f"{lo}/transport-movement-{key}", f"{lo}/loading-{key}"
        graph += [
            {
                "@id": move_iri,
                "@type": "cargo:TransportMovement",
                "cargo:transportIdentifier": f["number"],
                "cargo:departureLocation": _location(f["origin"]),
                "cargo:arrivalLocation": _location(f["destination"]),
                "cargo:modeCode": _ref(CODES + "ModeCode#AIR_TRANSPORT"),
                "cargo:movementTimes": [
                    {"@type": "cargo:MovementTime", "cargo:movementTimestamp": _time(f["departs"])},
                    {"@type": "cargo:MovementTime", "cargo:movementTimestamp": _time(f["arrives"])},
                ],
                "cargo:loadingActions": [_ref(load_iri)],
            },
            {
                "@id": load_iri,
                "@type": "cargo:Loading",
                "cargo:servedActivity": _ref(move_iri),
                "cargo:loadedUnits": [_ref(x) for x in on_leg.get(f["flight"], [])],
            },
        ]
    return {"@context": CONTEXT, "@graph": graph}

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from ponte.kernel.errors import ValidationError
from ponte.logistics.awb import AwbNumber
from ponte.logistics.network import sample_flights
from ponte.logistics.onerecord import ExportConsolidation, ExportPiece, ExportShipment, export_consolidation
from ponte.logistics.routes import earliest_arrival
from ponte.logistics.tracking import (
    TrackingEvent,
    estimate_arrival,
    event_payload,
    fsu_codes,
    merge_timeline,
    validate_order,
)

ONEREC = Path(__file__).parents[2] / ".." / "shared" / "data" / "air-cargo" / "onerecord"
T0 = datetime(2026, 3, 2, tzinfo=UTC)


def ev(code, hours, loc, subject="awb", sid="784-83707805", **kw):
    return TrackingEvent.of(subject, sid, code, T0 + timedelta(hours=hours), loc, **kw)


def test_codes_shipped_with_package():
    codes = fsu_codes()
    assert {"BKD", "RCS", "MAN", "DEP", "ARR", "RCF", "NFD", "DLV", "DIS"} <= set(codes)
    assert len(codes) == 38 and "DIS_OFLD" in codes


def test_good_sequence_with_transfer():
    validate_order(
        [
            ev("BKD", 0, "PEK"),
            ev("RCS", 1, "PEK"),
            ev("MAN", 2, "PEK"),
            ev("DEP", 3, "PEK"),
            ev("ARR", 15, "MAD"),
            ev("RCF", 16, "MAD"),
            ev("MAN", 18, "MAD"),
            ev("DEP", 20, "MAD"),
            ev("ARR", 31, "GRU"),
            ev("DIS", 31.5, "GRU"),
            ev("CCD", 40, "GRU"),
            ev("DLV", 45, "GRU"),
        ]
    )


@pytest.mark.parametrize(
    ("events", "field"),
    [
        ([ev("DEP", 3, "CAN"), ev("RCS", 4, "CAN")], "events[1].code"),
        ([ev("RCS", 3, "CAN"), ev("DEP", 2, "CAN")], "events[1].at"),
        ([ev("ARR", 3, "GRU"), ev("DLV", 4, "GRU"), ev("NFD", 5, "GRU")], "events[2].code"),
        ([ev("ARR", 3, "MAD"), ev("DEP", 4, "LIS")], "events[1].code"),
    ],
)
def test_out_of_order_named(events, field):
    with pytest.raises(ValidationError) as exc:
        validate_order(events)
    assert exc.value.violations[0].field == field and exc.value.violations[0].rule == "event-order"


def test_bad_event_fields():
    with pytest.raises(ValidationError) as exc:
        ev("XXX", 1, "CAN")
    assert exc.value.field == "event.code"
    with pytest.raises(ValidationError) as exc:
        ev("DEP", 1, "QQQ")
    assert exc.value.field == "event.location"


def test_merge_with_customs_and_eta_alerts():
    carrier = [ev("RCS", 1, "SZX"), ev("DEP", 26, "SZX"), ev("DEP", 26, "SZX")]
    customs = [ev("CRC", 0.5, "SZX", source="customs")]
    line = merge_timeline(carrier, customs)
    assert [e.code for e in line] == ["CRC", "RCS", "DEP"]
    it = earliest_arrival(sample_flights(date(2026, 3, 2), 7), "SZX", "MEX", T0)
    late_dep = [TrackingEvent.of("awb", "x", "DEP", it.departs + timedelta(hours=5), "SZX")]
    eta = estimate_arrival(
        it, late_dep, now=it.departs + timedelta(hours=6), promised=it.arrives + timedelta(hours=2)
    )
    assert eta.eta == it.arrives + timedelta(hours=5) and eta.late and "eta-after-promise" in eta.reasons
    eta = estimate_arrival(it, [], now=it.arrives + timedelta(hours=3))
    assert eta.reasons == ("overdue-no-arrival",)


def test_the_payload_sellers_receive_names_the_event():
    payload = event_payload(ev("DEP", 3, "CAN"))
    assert payload["code"] == "DEP" and payload["id"] == "784-83707805" and payload["location"] == "CAN"
    assert payload["description"] == fsu_codes()["DEP"] and json.loads(json.dumps(payload)) == payload


@pytest.mark.skipif(not ONEREC.is_dir(), reason="shared ONE Record shapes not present")
def test_onerecord_export_validates_and_has_triples():
    pyshacl = pytest.importorskip("pyshacl")
    from rdflib import RDFS, Graph, URIRef

    master = AwbNumber.parse("784-83707805")
    pieces = [
        ExportPiece(f"P{i}", Decimal("0.84"), [ev("RCS", 1, "CAN", "parcel", f"P{i}")]) for i in range(3)
    ]
    doc = export_consolidation(
        ExportConsolidation(
            master,
            "CAN",
            "GRU",
            [ExportShipment("PNT0001", "CAN", "GRU", pieces, "toys")],
            [ev("MAN", 2, "CAN"), ev("DEP", 3, "CAN")],
        ),
        "https://1r.ponte.example",
    )
    data = Graph().parse(data=json.dumps(doc), format="json-ld")
    # 3 pieces x (5 + value 3) + 3 events x 8 + shipment 5+3 + house 10 + master 12 + 2 events x 8
    assert len(data) >= 90
    assert len(data) == _count_expected(doc)
    shapes = Graph().parse(ONEREC / "onerecord-3.3-min.shapes.ttl")
    full = Graph().parse(ONEREC / "IATA-1R-DM-Ontology-3.3.0.ttl")
    # SHACL targets follow rdfs:subClassOf in the data graph, so the class tree is all the ontology we need
    ont = Graph()
    for triple in full.triples((None, RDFS.subClassOf, None)):
        if isinstance(triple[2], URIRef):
            ont.add(triple)
    conforms, _g, text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ont)
    assert conforms, text
    # the check is alive: two waybill numbers on the master must fail
    doc["@graph"][-3]["cargo:waybillNumber"] = ["83707805", "11111111"]
    bad = Graph().parse(data=json.dumps(doc), format="json-ld")
    assert not pyshacl.validate(bad, shacl_graph=shapes, ont_graph=ont)[0]


def _count_expected(doc):
    """Triples the document must give: one per scalar or reference, plus the type of every node."""

    def count(node):
        n = 0
        for k, v in node.items():
            if k in ("@id", "@context"):
                continue
            if k == "@type":
                n += 1
                continue
            values = v if isinstance(v, list) else [v]
            for item in values:
                n += 1
                if isinstance(item, dict) and "@type" in item and "@value" not in item:
                    n += count(item)
        return n

    return sum(count(node) for node in doc["@graph"])

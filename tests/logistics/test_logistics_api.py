"""The logistics API end to end: AWB stock, consolidations stored as shipments, tracking, ONE Record."""

from __future__ import annotations

from typing import Any

PARCELS = [
    {
        "id": "P1",
        "weight_kg": "0.8",
        "length_cm": 30,
        "width_cm": 20,
        "height_cm": 10,
        "origin": "CAN",
        "destination": "GRU",
        "ready_at": "2026-03-02T08:00:00+08:00",
        "shipper": "s1",
    },
    {
        "id": "P2",
        "weight_kg": "1.2",
        "length_cm": 40,
        "width_cm": 30,
        "height_cm": 10,
        "origin": "CAN",
        "destination": "GRU",
        "ready_at": "2026-03-02T09:00:00+08:00",
        "segregation": "ELI",
        "shipper": "s2",
    },
    {
        "id": "P3",
        "weight_kg": "0.5",
        "length_cm": 20,
        "width_cm": 20,
        "height_cm": 10,
        "origin": "CAN",
        "destination": "LIM",
        "ready_at": "2026-03-02T09:00:00+08:00",
        "shipper": "s1",
    },
]


def _setup(api: Any, h: dict[str, str]) -> dict[str, Any]:
    r = api.post("/awb-stock", json={"prefix": "784", "first": 1000, "last": 1099}, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["remaining"] == 100
    r = api.post("/consolidations", json={"parcels": PARCELS}, headers=h)
    assert r.status_code == 201, r.text
    return r.json()


def test_consolidation_stores_a_shipment_per_master_awb(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    body = _setup(api, h)
    plan = body["plan"]
    assert plan["placed"] == 2 and plan["unplaced_by_reason"] == {"no-flight-to-destination": 1}
    assert len(body["shipments"]) == 1
    ship = body["shipments"][0]
    assert ship["mawb"] == "784-00010006"  # lowest serial first; 1000 mod 7 = 6
    detail = api.get(f"/shipments/{ship['id']}", headers=h).json()
    assert detail["origin"] == "CAN" and detail["destination"] == "GRU" and detail["parcels"] == 2
    assert sorted(p["parcel"] for p in detail["parcel_refs"]) == ["P1", "P2"]
    assert len(detail["hawbs"]) == 2 and {p["hawb"] for p in detail["parcel_refs"]} == set(detail["hawbs"])
    assert detail["plan"]["mawb"] == ship["mawb"] and len(detail["plan"]["ulds"]) >= 1
    assert api.get("/awb-stock", headers=h).json()["remaining"] == {"784": 99}
    # a second plan takes the next number; numbers are never reused
    assert api.post("/consolidations", json={"parcels": PARCELS[:1]}, headers=h).status_code == 409  # stored
    again = api.post("/consolidations", json={"parcels": [{**PARCELS[0], "id": "P1b"}]}, headers=h).json()
    assert again["shipments"][0]["mawb"] == "784-00010010"
    page = api.get("/shipments", params={"limit": 1}, headers=h).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = api.get("/shipments", params={"cursor": page["next_cursor"]}, headers=h).json()
    assert [s["id"] for s in page["items"] + rest["items"]] == [ship["id"], again["shipments"][0]["id"]]
    # tenant B sees none of it
    b = tenants.headers(tenants.key_b)
    assert api.get("/shipments", headers=b).json()["items"] == []
    assert api.get(f"/shipments/{ship['id']}", headers=b).status_code == 404
    assert api.get("/tracking/P1", headers=b).status_code == 404


def test_a_shipment_is_offloaded_once_and_its_parcels_packed_again(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    ship = _setup(api, h)["shipments"][0]
    r = api.post(f"/shipments/{ship['id']}/offload", headers=h)
    assert r.status_code == 200 and r.json()["status"] == "offloaded", r.text
    assert r.json()["parcels"] and all(v > 0 for leg in r.json()["released"].values() for v in leg.values())
    again = api.post(f"/shipments/{ship['id']}/offload", headers=h)
    assert again.status_code == 409 and again.json()["errors"][0]["rule"] == "shipment-state"
    other = api.post(f"/shipments/{ship['id']}/offload", headers=tenants.headers(tenants.key_b))
    assert other.status_code == 404


def test_awb_stock_rules(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    assert (
        api.post("/awb-stock", json={"prefix": "784", "first": 10, "last": 10}, headers=h).status_code == 201
    )
    r = api.post("/awb-stock", json={"prefix": "784", "first": 5, "last": 12}, headers=h)
    assert r.status_code == 409 and r.json()["errors"][0]["rule"] == "range-overlap"
    r = api.post("/awb-stock", json={"prefix": "78", "first": 1, "last": 2}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "prefix"
    # AWB numbers are the airline's: another forwarder cannot hold the same serials
    other = tenants.headers(tenants.key_b)
    r = api.post("/awb-stock", json={"prefix": "784", "first": 8, "last": 10}, headers=other)
    assert r.status_code == 409 and r.json()["errors"][0]["rule"] == "range-overlap", r.text
    assert "another forwarder" in r.json()["detail"], r.text
    assert api.get("/awb-stock", headers=other).json()["ranges"] == []
    ok = api.post("/awb-stock", json={"prefix": "784", "first": 11, "last": 20}, headers=other)
    assert ok.status_code == 201, ok.text
    assert api.post("/consolidations", json={"parcels": PARCELS[:1]}, headers=h).status_code == 201
    r = api.post("/consolidations", json={"parcels": [{**PARCELS[0], "id": "P1b"}]}, headers=h)
    assert r.status_code == 409 and r.json()["errors"][0]["rule"] == "awb-stock-exhausted"


def test_bad_parcels_name_the_field(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    bad = [dict(PARCELS[0]), {**PARCELS[1], "weight_kg": "-1"}]
    r = api.post("/consolidations", json={"parcels": bad}, headers=h)
    assert r.status_code == 422
    assert {"field": "parcels[1].weight_kg", "rule": "positive"}.items() <= r.json()["errors"][0].items()
    r = api.post("/consolidations", json={"parcels": [{**PARCELS[0], "destination": "QQQ"}]}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "parcels[0].destination"


def test_tracking_timeline_eta_and_event_order(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    ship = _setup(api, h)["shipments"][0]
    detail = api.get(f"/shipments/{ship['id']}", headers=h).json()
    events = [
        {"subject": "parcel", "id": "P1", "code": "RCS", "at": "2026-03-03T02:00:00Z", "location": "CAN"},
        {
            "subject": "awb",
            "id": ship["mawb"],
            "code": "DEP",
            "at": "2026-03-03T16:00:00Z",
            "location": "CAN",
        },
        {
            "subject": "parcel",
            "id": "P1",
            "code": "DIS",
            "at": "2026-03-03T03:00:00Z",
            "location": "CAN",
            "source": "customs",
            "detail": "inspection",
        },
    ]
    r = api.post("/tracking-events", json={"events": events}, headers=h)
    assert r.status_code == 201 and r.json()["recorded"] == 3
    again = api.post("/tracking-events", json={"events": events[:1]}, headers=h)
    assert again.status_code == 201 and again.json()["duplicates"] == 1
    t = api.get("/tracking/P1", headers=h).json()
    assert [e["code"] for e in t["events"]] == ["RCS", "DIS", "DEP"]
    assert {e["source"] for e in t["events"]} == {"carrier", "customs"}
    assert t["shipments"][0]["mawb"] == ship["mawb"] and t["eta"] >= detail["arrives"][:16]
    assert t["late"] is True and "overdue-no-arrival" in t["reasons"]  # the flight landed long ago, no ARR
    by_awb = api.get(f"/tracking/{ship['mawb'].replace('-', '')}", headers=h).json()
    assert by_awb["kind"] == "awb" and [e["code"] for e in by_awb["events"]] == ["DEP"]
    # out of order after what is stored: RCS after DEP of the same AWB goes back in time
    late = {
        "subject": "awb",
        "id": ship["mawb"],
        "code": "RCS",
        "at": "2026-03-03T15:00:00Z",
        "location": "CAN",
    }
    r = api.post("/tracking-events", json={"events": [events[0], late]}, headers=h)
    assert r.status_code == 422
    fields = {(e["field"], e["rule"]) for e in r.json()["errors"]}
    assert ("events[1].at", "event-order") in fields
    r = api.post("/tracking-events", json={"events": [{**events[0], "code": "XXX"}]}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "events[0].code"
    r = api.post("/tracking-events", json={"events": [{**events[1], "id": "784-00010009"}]}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "awb-check-digit"
    assert api.get("/tracking/NOPE", headers=h).status_code == 404


def test_onerecord_export(api, tenants, shared_dir) -> None:  # type: ignore[no-untyped-def]
    import json

    from pyshacl import validate
    from rdflib import RDFS, Graph, URIRef

    h = tenants.headers(tenants.key_a)
    ship = _setup(api, h)["shipments"][0]
    ev = {"subject": "parcel", "id": "P1", "code": "RCS", "at": "2026-03-03T02:00:00Z", "location": "CAN"}
    assert api.post("/tracking-events", json={"events": [ev]}, headers=h).status_code == 201
    r = api.get(f"/shipments/{ship['id']}/onerecord", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    data = Graph().parse(data=json.dumps(r.json()), format="json-ld")
    assert len(data) > 40
    onerec = shared_dir / "data" / "air-cargo" / "onerecord"
    full = Graph().parse(onerec / "IATA-1R-DM-Ontology-3.3.0.ttl")
    ont = Graph()
    for triple in full.triples((None, RDFS.subClassOf, None)):
        if isinstance(triple[2], URIRef):
            ont.add(triple)
    shapes = Graph().parse(onerec / "onerecord-3.3-min.shapes.ttl")
    conforms, _, report = validate(data, shacl_graph=shapes, ont_graph=ont)
    assert conforms, report

"""The order's journey end to end, through the API alone, on SQLite and PostgreSQL.

Multi-line orders of every market and trade mode of a simulated corpus are placed, paid, fulfilled,
shipped, declared, sent, cleared by the customs simulator's receipts, tracked and delivered; at the end
each order links its frozen quote, its XSD-valid declarations (signed where the kind is signed), its
parcel, house and master waybill, its flight and its tracking timeline.
"""

from __future__ import annotations

import json
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from ponte.customs.adapters.eport_simulator import Simulator
from ponte.customs.china.kinds import SIGNED_KINDS
from ponte.customs.china.signer import demo_credentials
from ponte.reference.markets import market
from ponte.simulate import simulate
from ponte.simulate.load import load_corpus
from ponte.warehouses.core import WarehouseSpec
from ponte.warehouses.service import WarehouseService

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "ceb" / "xsd"
START = date(2026, 3, 2)
AIR = ("9610", "9710")


@pytest.fixture(autouse=True)
def _exchange(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PONTE_CUSTOMS_EXCHANGE_DIR", str(tmp_path / "exchange"))


def _profile(cert: str) -> dict[str, Any]:
    from journey_profile import profile_body

    return profile_body(cert)


def _payload(
    order: dict[str, Any], lines: list[dict[str, Any]], buyer: dict[str, Any], n: int
) -> dict[str, Any]:
    return {
        "external_ref": f"E2E-{n:04d}",
        "channel": "api",
        "trade_mode": order["trade_mode"],
        "destination": order["destination"],
        "destination_region": order["destination_region"],
        "currency": order["currency"],
        "placed_at": order["placed_at"].isoformat(),
        "freight": str(order["freight"]),
        "discount": str(order["discount"]),
        "buyer": {
            "name": buyer["name"],
            "kind": buyer["kind"],
            "tax_id": buyer["tax_id"],
            "tax_id_kind": buyer["tax_id_kind"],
            "phone": buyer["phone"],
            "address": {
                "line1": buyer["street"],
                "city": buyer["city"],
                "region": buyer["region"],
                "postal_code": buyer["postal_code"],
                "country": buyer["country"],
            },
        },
        "lines": [
            {"sku": ln["sku"], "quantity": ln["quantity"], "unit_price": str(ln["unit_price"])}
            for ln in lines
        ],
        "payment": {
            "transaction_id": f"PAYE2E{n:010d}",
            "paid_at": (order["placed_at"] + timedelta(minutes=9)).isoformat(),
        },
    }


def _pick(tables) -> list[tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]]:  # type: ignore[no-untyped-def]
    """One order of each (destination, trade mode), multi-line where the corpus has one."""
    lines: dict[str, list[dict[str, Any]]] = {}
    for ln in tables.lines.to_pylist():
        lines.setdefault(ln["order_id"], []).append(ln)
    buyers = {b["id"]: b for b in tables.buyers.to_pylist()}
    best: dict[tuple[str, str], dict[str, Any]] = {}
    for o in tables.orders.to_pylist():
        key = (o["destination"], o["trade_mode"])
        if key not in best or len(lines[o["id"]]) > len(lines[best[key]["id"]]):
            best[key] = o
    return [(o, lines[o["id"]], buyers[o["buyer_id"]]) for _, o in sorted(best.items())]


def _stock_warehouses(service: WarehouseService, picked) -> None:  # type: ignore[no-untyped-def]
    """The sellers of 9810 and 1210 orders keep stock of them in a warehouse of the buyer's market (bonded in
    China for imports): the fulfilment choice finds it there."""
    made: set[tuple[str, str]] = set()
    for o, lines, _ in picked:
        if o["trade_mode"] not in ("9810", "1210"):
            continue
        country = o["destination"]
        code = f"{country}-W1"
        if (o["tenant_id"], code) not in made:
            spec = WarehouseSpec(
                code=code, name=f"{country} warehouse", operator="Operator", country=country,
                address={"line1": "Dock 1", "city": "City", "postal_code": "00000"},
                time_zone=market(country).timezone, currency=market(country).currency,
                bonded=o["trade_mode"] == "1210", trade_mode=o["trade_mode"], cut_off_local=time(14, 0),
                handling_days=1, temperature_zones=("ambient",),
            )  # fmt: skip
            service.add_warehouse(o["tenant_id"], spec)
            service.add_location(o["tenant_id"], code, "A-01")
            made.add((o["tenant_id"], code))
        for n, ln in enumerate(lines):
            service.receive(o["tenant_id"], code, ln["sku"], 5 * int(ln["quantity"]), f"L{n}", "A-01")


def _xsd() -> dict[str, etree.XMLSchema]:
    if not (SHARED / "ceb-export-202205.xsd").exists():
        pytest.skip("the official CEB schemas are not in ../shared/ceb/xsd")
    return {
        d: etree.XMLSchema(etree.parse(str(SHARED / f"ceb-{d}-202205.xsd"))) for d in ("export", "import")
    }


def test_orders_of_every_market_and_mode_travel_from_placed_to_delivered(api, database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    schemas = _xsd()
    tables = simulate(23, 1200, START, 4, 6)
    keys = load_corpus(database, tables, slug_prefix="e2e").keys
    slug_of = {s["id"]: f"e2e-{n:03d}" for n, s in enumerate(tables.sellers.to_pylist(), start=1)}
    picked = _pick(tables)
    assert {d for (o, _, _) in picked for d in [o["destination"]]} >= {
        "BR",
        "MX",
        "CL",
        "CO",
        "PE",
        "AR",
        "PT",
        "ES",
        "CN",
    }
    assert {o["trade_mode"] for o, _, _ in picked} == {"9610", "9710", "9810", "1210"}
    assert any(len(lns) > 1 for _, lns, _ in picked)

    _key, cert = demo_credentials()
    for tenant in {o["tenant_id"] for o, _, _ in picked}:
        h = {"Authorization": f"Bearer {keys[slug_of[tenant]]}"}
        body = {**_profile(cert.decode()), "signing_key": _key.decode()}
        assert api.put("/customs/profile", json=body, headers=h).status_code == 200
        assert (
            api.post("/awb-stock", json={"prefix": "784", "first": 2000, "last": 2999}, headers=h).status_code
            == 201
        )
        for prefix in ("999", "160", "675", "071", "075", "996", "047", "157"):
            api.post("/awb-stock", json={"prefix": prefix, "first": 5000, "last": 5999}, headers=h)

    placed: dict[str, tuple[dict[str, str], dict[str, Any]]] = {}
    for n, (order, lines, buyer) in enumerate(picked):
        h = {"Authorization": f"Bearer {keys[slug_of[order['tenant_id']]]}"}
        r = api.post(
            "/orders", json=_payload(order, lines, buyer, n), headers={**h, "Idempotency-Key": f"e2e-{n}"}
        )
        assert r.status_code == 201, r.text
        assert r.json()["status"] in ("quoted", "held"), r.json()
        if r.json()["status"] == "held":  # the law refuses it as it stands: it stops with its reasons
            assert r.json()["reasons"], r.json()
            assert api.post(f"/orders/{r.json()['id']}/fulfil", headers=h).status_code == 409
            continue
        placed[r.json()["id"]] = (h, r.json())
    assert len(placed) >= len(picked) - 2, "most of the corpus' orders are allowed"

    _stock_warehouses(api.app.state.platform.warehouses, picked)
    from_stock = 0
    for order_id, (h, o) in list(placed.items()):
        r = api.post(f"/orders/{order_id}/fulfil", headers=h)
        if o["destination"] == "MO" and o["trade_mode"] in AIR:  # no flight: parcels reach Macao by road
            assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "no-lane", r.text
            del placed[order_id]
            continue
        assert r.status_code == 200 and r.json()["status"] == "packed", r.text
        choice = api.get(f"/orders/{order_id}/fulfilment", headers=h).json()
        assert choice["chosen"] and choice["reason"], choice
        if o["trade_mode"] in ("9810", "1210"):  # its stock is an option it really has
            assert any(op["key"].startswith(f"{o['trade_mode']}@") for op in choice["options"]), choice
            from_stock += choice["chosen"].startswith(f"{o['trade_mode']}@")
    assert from_stock, "some orders leave their sellers' warehouse stock"
    for order_id, (h, o) in placed.items():
        body: dict[str, Any] = {"order_ids": [order_id]}
        if o["trade_mode"] not in AIR:
            body |= {"carrier": "SF", "waybill": f"SF{abs(hash(order_id)) % 10**10:010d}"}
        r = api.post("/orders/ship", json=body, headers=h)
        assert r.status_code == 200, r.text
        if (
            order_id in r.json()["waiting"]
        ):  # no flight may carry it: it waits with a reason, then is cancelled
            reason = r.json()["waiting"][order_id]
            expected = ("no-flight-to-destination",) if o["destination"] in ("AR", "CO", "PE") else ()
            assert reason in ("cargo-aircraft-only", *expected), (o["destination"], r.json())
            gone = api.post(f"/orders/{order_id}/cancel", json={"reason": "no freighter"}, headers=h)
            assert gone.status_code == 200 and gone.json()["status"] == "cancelled", gone.text
            j = api.get(f"/orders/{order_id}/journey", headers=h)
            assert j.status_code == 200 and j.json()["parcel"] is not None, j.text
            continue
        assert order_id in r.json()["booked"], (o["destination"], o["trade_mode"], r.json())
    placed = {
        k: v for k, v in placed.items() if api.get(f"/orders/{k}", headers=v[0]).json()["status"] == "booked"
    }
    for order_id, (h, _) in placed.items():
        r = api.post(f"/orders/{order_id}/declare", headers=h)
        assert r.status_code == 200 and r.json()["status"] == "declared", r.text

    sim = Simulator(tmp_path / "sim")
    (tmp_path / "sim" / "inbox").mkdir(parents=True)
    exchange = api.app.state.platform.settings.customs_exchange_dir
    for _ in range(4):
        for h in {json.dumps(h) for h, _ in placed.values()}:
            api.post("/customs/outbox/send", headers=json.loads(h))
        for f in (exchange / "out").glob("*"):
            f.rename(tmp_path / "sim" / "inbox" / f.name)
        sim.tick()
        for receipt in sorted((tmp_path / "sim" / "receipts").glob("*")):
            for h in {json.dumps(h) for h, _ in placed.values()}:
                api.post("/customs/receipts", content=receipt.read_bytes(),
                         headers={**json.loads(h), "content-type": "application/xml"})  # fmt: skip
            receipt.unlink()
    for order_id, (h, _) in placed.items():
        assert api.get(f"/orders/{order_id}", headers=h).json()["status"] == "cleared", order_id

    for order_id, (h, o) in placed.items():
        j = api.get(f"/orders/{order_id}/journey", headers=h).json()
        wb, parcel = j["waybill"], j["parcel"]
        departs = wb["departs"] or o["placed_at"]
        events = [
            {
                "subject": "parcel",
                "id": parcel["id"],
                "code": "RCS",
                "at": departs,
                "location": parcel["origin"],
            }
        ]
        if wb["master"]:
            events.append(
                {
                    "subject": "awb",
                    "id": wb["master"],
                    "code": "DEP",
                    "at": departs,
                    "location": parcel["origin"],
                }
            )
        else:
            events.append(
                {
                    "subject": "parcel",
                    "id": parcel["id"],
                    "code": "DEP",
                    "at": departs,
                    "location": parcel["origin"],
                }
            )
        arrived = wb["arrives"] or departs
        events.append(
            {
                "subject": "parcel",
                "id": parcel["id"],
                "code": "DLV",
                "at": arrived,
                "location": parcel["destination"],
            }
        )
        r = api.post("/tracking-events", json={"events": events}, headers=h)
        assert r.status_code == 201, r.text

    for order_id, (h, o) in placed.items():
        j = api.get(f"/orders/{order_id}/journey", headers=h).json()
        assert j["status"] == "delivered", (order_id, j["events"])
        assert j["quote"]["verdict"] == "allowed" and j["quote"]["rules"]
        assert j["parcel"]["gross_kg"] and j["waybill"]["house"]
        if o["trade_mode"] in AIR:
            assert j["waybill"]["master"] and j["waybill"]["flight"], j["waybill"]
        assert [e["kind"] for e in j["events"]][:3] == ["placed", "paid", "quoted"]
        assert [e["kind"] for e in j["events"]][-1] == "delivered"
        assert j["tracking"]["events"], j["tracking"]
        decl = j["declarations"][-1]
        assert decl["state"] == "released", decl
        direction = "import" if o["destination"] == "CN" else "export"
        for m in decl["messages"]:
            xml = api.get(f"/customs/declarations/{decl['id']}/messages/{m['kind']}", headers=h)
            doc = etree.fromstring(xml.content)
            assert schemas[direction].validate(doc), (m["kind"], schemas[direction].error_log.last_error)
            assert m["signed"] == (m["kind"] in SIGNED_KINDS) == (b"Signature" in xml.content), m
        if direction == "export" and o["trade_mode"] in AIR:
            inventory = next(m for m in decl["messages"] if m["kind"] == "603")
            xml = api.get(f"/customs/declarations/{decl['id']}/messages/{inventory['kind']}", headers=h).text
            assert j["waybill"]["master"].replace("-", "") in xml.replace("-", ""), (
                "the 603 names the real master"
            )

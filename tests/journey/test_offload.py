"""A flight offloaded before the orders on it are declared: the orders go back to packed with the reason in
their history and are booked anew on another flight with new house waybills; once one is declared, the
offload is refused naming it and nothing moves. On SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from factories import order_payload, product_payload

PREFIXES = ("784", "999", "160", "675", "071", "075", "996", "047", "157")


def _booked(api: Any, h: dict[str, str], refs: list[str]) -> tuple[str, list[str]]:
    assert api.post("/products", json=product_payload(), headers=h).status_code == 201
    for n, prefix in enumerate(PREFIXES):
        api.post(
            "/awb-stock", json={"prefix": prefix, "first": 1000 * n + 10, "last": 1000 * n + 900}, headers=h
        )
    ids = []
    for ref in refs:
        order = api.post("/orders", json=order_payload(ref), headers=h).json()
        assert api.post(f"/orders/{order['id']}/fulfil", headers=h).status_code == 200
        ids.append(order["id"])
    shipped = api.post("/orders/ship", json={"order_ids": ids}, headers=h).json()
    assert set(shipped["booked"]) == set(ids), shipped
    return _shipment_of(api, h, ids[0]), ids


def _shipment_of(api: Any, h: dict[str, str], order_id: str) -> str:
    master = api.get(f"/orders/{order_id}/journey", headers=h).json()["waybill"]["master"]
    return next(
        s["id"]
        for s in api.get("/shipments?limit=500", headers=h).json()["items"]
        if s["mawb"] == master and s["status"] != "offloaded"
    )


def test_offloaded_orders_are_packed_again_and_booked_anew(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    shipment_id, ids = _booked(api, h, ["OFF-1", "OFF-2"])
    houses = {i: api.get(f"/orders/{i}/journey", headers=h).json()["waybill"]["house"] for i in ids}
    assert (
        api.post(f"/shipments/{shipment_id}/offload", headers=tenants.headers(tenants.key_b)).status_code
        == 404
    )
    r = api.post(f"/shipments/{shipment_id}/offload", headers=h)
    assert r.status_code == 200, r.text
    assert sorted(r.json()["orders"]) == sorted(ids) and r.json()["status"] == "offloaded"
    for i in ids:
        assert api.get(f"/orders/{i}", headers=h).json()["status"] == "packed"
        events = api.get(f"/orders/{i}/events", headers=h).json()
        assert events[-1]["kind"] == "packed" and shipment_id in events[-1]["detail"], events
    again = api.post("/orders/ship", json={"order_ids": ids}, headers=h).json()
    assert set(again["booked"]) == set(ids), again
    for i in ids:
        assert _shipment_of(api, h, i) != shipment_id
        assert api.get(f"/orders/{i}/journey", headers=h).json()["waybill"]["house"] != houses[i]


def test_an_offload_after_declaring_is_refused_naming_the_orders(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    shipment_id, ids = _booked(api, h, ["DEC-1"])
    with api.app.state.database.unit_of_work() as uow:  # declared: the messages name this flight
        from ponte.orders import service as orders

        orders.move(uow, tenants.a, ids[0], "declared", orders.get(uow, tenants.a, ids[0]).placed_at)
        uow.commit()
    r = api.post(f"/shipments/{shipment_id}/offload", headers=h)
    assert r.status_code == 409 and r.json()["errors"][0]["rule"] == "offload-before-declared", r.text
    assert ids[0] in r.json()["detail"]
    assert api.get(f"/shipments/{shipment_id}", headers=h).json()["status"] == "booked"
    assert api.get(f"/orders/{ids[0]}", headers=h).json()["status"] == "declared"

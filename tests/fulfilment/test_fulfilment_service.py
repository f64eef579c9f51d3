"""The fulfilment choice through the API and the journey: options of a stored order, the choice recorded with
it and the stock it reserves, the seller's settings, and bad input, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import time

from factories import order_payload, product_payload
from ponte.warehouses.core import WarehouseSpec

FACTS = {"BR": {"LIP-001": {"unit_value": "3.00", "currency": "USD", "freight_per_unit": "0.20",
                            "rates": {"duty": "0.18", "ipi": "0.10", "vat": "0.18"}}}}  # fmt: skip


def _warehouse(platform, tenant: str, units: int) -> None:  # type: ignore[no-untyped-def]
    spec = WarehouseSpec(
        code="GRU-1", name="São Paulo", operator="Armazém", country="BR",
        address={"line1": "Rod. Hélio Smidt", "city": "Guarulhos", "region": "BR-SP", "postal_code": "07190-100"},
        time_zone="America/Sao_Paulo", currency="BRL", bonded=False, trade_mode="9810",
        cut_off_local=time(14, 0), handling_days=1, temperature_zones=("ambient",),
    )  # fmt: skip
    platform.warehouses.add_warehouse(tenant, spec)
    platform.warehouses.add_location(tenant, "GRU-1", "A-01")
    platform.warehouses.receive(tenant, "GRU-1", "LIP-001", units, "L1", "A-01")


def test_the_journey_ships_from_warehouse_stock_when_it_wins(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    assert api.post("/products", json=product_payload(), headers=h).status_code == 201
    assert (
        api.put(
            "/fulfilment/settings", json={"rules": {"prefer": "cheapest"}, "imports": FACTS}, headers=h
        ).status_code
        == 200
    )
    _warehouse(api.app.state.platform, tenants.a, 40)
    r = api.post("/orders", json=order_payload(), headers={**h, "Idempotency-Key": "f-1"})
    assert r.status_code == 201 and r.json()["status"] == "quoted", r.text
    oid = r.json()["id"]

    opts = api.get(f"/orders/{oid}/fulfilment-options", headers=h)
    assert opts.status_code == 200, opts.text
    by = {o["key"]: o for o in opts.json()["options"]}
    assert set(by) == {"9610", "9810@GRU-1"}
    assert by["9610"]["legs"][0]["regime"] == "br.rts" and by["9810@GRU-1"]["status"] == "allowed"
    assert opts.json()["chosen"] == "9810@GRU-1"
    # another seller sees nothing of it
    assert (
        api.get(f"/orders/{oid}/fulfilment-options", headers=tenants.headers(tenants.key_b)).status_code
        == 404
    )

    r = api.post(f"/orders/{oid}/fulfil", headers={**h, "Idempotency-Key": "f-2"})
    assert r.status_code == 200 and r.json()["status"] == "packed", r.text
    assert r.json()["trade_mode"] == "9810"  # the order ships as the choice says
    stored = api.get(f"/orders/{oid}/fulfilment", headers=h).json()
    assert stored["chosen"] == "9810@GRU-1" and stored["reservation_id"] and stored["revision"] == 0
    kinds = [e["kind"] for e in api.get(f"/orders/{oid}/events", headers=h).json()]
    assert "trade_mode" in kinds and kinds[-1] == "packed"
    left = api.app.state.platform.warehouses.stock_positions(tenants.a, ["LIP-001"])
    assert left[0].available == 40 - 2  # reserved for the order


def test_without_stock_the_order_flies_from_the_park(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    api.post("/products", json=product_payload(), headers=h)
    r = api.post("/orders", json=order_payload(trade_mode="9810"), headers={**h, "Idempotency-Key": "f-3"})
    oid = r.json()["id"]
    r = api.post(f"/orders/{oid}/fulfil", headers={**h, "Idempotency-Key": "f-4"})
    assert r.status_code == 200 and r.json()["trade_mode"] == "9610", r.text
    assert api.get(f"/orders/{oid}/fulfilment", headers=h).json()["reason"] == "only-option"


def test_bad_settings_name_the_field_and_rule_and_change_nothing(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    good = {"rules": {"prefer": "fastest", "max_delivery_days": 9, "live_reserve": {"LIP-001": 3}}}
    assert api.put("/fulfilment/settings", json=good, headers=h).status_code == 200
    for body, pointer, rule in (
        ({"rules": {"prefer": "nearest"}}, "prefer", "fulfilment-prefer"),
        ({"rules": {"max_delivery_days": -2}}, "max_delivery_days", "fulfilment-max-delivery-days"),
        ({"rules": {"live_reserve": {"LIP-001": -1}}}, "live_reserve.LIP-001", "fulfilment-live-reserve"),
        ({"imports": {"BR": {"LIP-001": {"currency": "USD"}}}}, "imports.BR.LIP-001.unit_value", "required"),
        ({"imports": {"XX": {}}}, "imports.XX", "market"),
        ({"rulez": {}}, "rulez", "unknown-field"),
    ):
        r = api.put("/fulfilment/settings", json=body, headers=h)
        assert r.status_code == 422, r.text
        err = r.json()["errors"][0]
        assert (err["field"], err["rule"]) == (pointer, rule), r.text
    assert api.get("/fulfilment/settings", headers=h).json()["rules"] == {
        "prefer": "fastest", "never_split": False, "max_delivery_days": 9, "live_reserve": {"LIP-001": 3},
    }  # fmt: skip


def test_cancelling_a_packed_order_gives_its_stock_back(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    api.post("/products", json=product_payload(), headers=h)
    api.put("/fulfilment/settings", json={"imports": FACTS}, headers=h)
    _warehouse(api.app.state.platform, tenants.a, 10)
    oid = api.post("/orders", json=order_payload(), headers={**h, "Idempotency-Key": "c-1"}).json()["id"]
    assert (
        api.post(f"/orders/{oid}/fulfil", headers={**h, "Idempotency-Key": "c-2"}).json()["trade_mode"]
        == "9810"
    )
    stock = api.app.state.platform.warehouses.stock_positions
    assert stock(tenants.a, ["LIP-001"])[0].available == 8
    r = api.post(
        f"/orders/{oid}/cancel",
        json={"reason": "buyer changed mind"},
        headers={**h, "Idempotency-Key": "c-3"},
    )
    assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
    assert stock(tenants.a, ["LIP-001"])[0].available == 10

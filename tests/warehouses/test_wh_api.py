"""The warehouses API: a warehouse, stock, an order through pick, pack and handover, Idempotency-Key on the
POSTs that move stock, problem details naming the field, tenants kept apart, a costed replenishment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from factories import Tenants, product_payload
from ponte.warehouses.service import WarehouseService

WAREHOUSE = {
    "code": "GRU-1",
    "name": "São Paulo",
    "operator": "Armazém Ponte",
    "country": "BR",
    "address": {"city": "Guarulhos"},
    "time_zone": "America/Sao_Paulo",
    "currency": "BRL",
    "trade_mode": "9810",
    "cut_off_local": "14:00",
    "temperature_zones": ["ambient"],
}


def test_an_order_through_the_warehouse_api(api, tenants: Tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    assert api.post("/warehouses", json=WAREHOUSE, headers=h).status_code == 201
    assert api.post("/warehouses/GRU-1/locations", json={"code": "A-01"}, headers=h).status_code == 201
    got = api.post(
        "/warehouses/GRU-1/receipts",
        json={
            "sku": "LIP-001",
            "quantity": 20,
            "lot_code": "L1",
            "location": "A-01",
            "expires_on": "2027-06-01",
        },
        headers=h,
    )
    assert got.status_code == 201 and got.json()["available"] == 20
    body = {"order_id": "ord_api_1", "lines": [{"sku": "LIP-001", "quantity": 3}]}
    first = api.post("/warehouses/GRU-1/reservations", json=body, headers={**h, "Idempotency-Key": "r-1"})
    again = api.post("/warehouses/GRU-1/reservations", json=body, headers={**h, "Idempotency-Key": "r-1"})
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true" and again.json() == first.json()
    rid = first.json()["id"]
    assert api.get(f"/stock-reservations/{rid}/pick-list", headers=h).json()["picks"][0]["lot_code"] == "L1"
    assert api.post(f"/stock-reservations/{rid}/pick", headers=h).json()["status"] == "picked"
    assert api.post(f"/stock-reservations/{rid}/pack", headers=h).json()["status"] == "packed"
    shipped = api.post(
        f"/stock-reservations/{rid}/handover",
        json={"carrier": "Correios", "tracking_number": "BR1234"},
        headers=h,
    ).json()
    assert (shipped["status"], shipped["tracking_number"]) == ("shipped", "BR1234")
    stock = api.get("/warehouses/GRU-1/stock", headers=h).json()["items"]
    assert (stock[0]["available"], stock[0]["on_hand"]) == (17, 17)
    positions = api.get("/stock-positions", params={"sku": ["LIP-001"]}, headers=h).json()["items"]
    assert positions[0]["available"] == 17 and positions[0]["cut_off_local"] == "14:00:00"
    kinds = [m["kind"] for m in api.get("/warehouses/GRU-1/movements", headers=h).json()["items"]]
    assert kinds.count("reservation") == 1  # the replay moved nothing
    assert api.get("/stock-reconciliation", headers=h).json() == {"equal": True, "mismatches": []}


def test_bad_input_is_a_problem_naming_the_field_and_tenants_stay_apart(api, tenants: Tenants) -> None:  # type: ignore[no-untyped-def]
    h, hb = tenants.headers(tenants.key_a), tenants.headers(tenants.key_b)
    api.post("/warehouses", json=WAREHOUSE, headers=h)
    api.post("/warehouses/GRU-1/locations", json={"code": "A-01"}, headers=h)
    api.post(
        "/warehouses/GRU-1/receipts",
        json={"sku": "S", "quantity": 5, "lot_code": "L1", "location": "A-01"},
        headers=h,
    )
    bad = api.post("/warehouses/GRU-1/counts", json={"sku": "S", "lot_code": "L1", "counted": -2}, headers=h)
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert (bad.json()["errors"][0]["field"], bad.json()["errors"][0]["rule"]) == ("counted", "not-negative")
    over = api.post(
        "/warehouses/GRU-1/reservations",
        json={"order_id": "o", "lines": [{"sku": "S", "quantity": 6}]},
        headers=h,
    )
    assert over.status_code == 422 and over.json()["errors"][0]["rule"] == "insufficient-stock"
    other = api.post(
        "/warehouses/GRU-1/receipts",
        json={"sku": "S", "quantity": 1, "lot_code": "L1", "location": "A-01"},
        headers=hb,
    )
    assert other.status_code == 422 and other.json()["errors"][0]["rule"] == "unknown-warehouse"
    assert api.get("/warehouses", headers=hb).json() == {"items": []}
    wrong = api.post("/warehouses", json={**WAREHOUSE, "code": "X", "trade_mode": "1210"}, headers=h)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "bonded"
    assert api.get("/warehouses/GRU-1/lots", headers=h).json()["items"][0]["available"] == 5


def test_a_costed_replenishment_through_the_api(api, tenants: Tenants, database) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    assert api.post("/products", json=product_payload("LIP-001"), headers=h).status_code == 201
    api.post("/warehouses", json=WAREHOUSE, headers=h)
    api.post("/warehouses/GRU-1/locations", json={"code": "A-01"}, headers=h)
    today = datetime.now(UTC).date()
    WarehouseService(database).record_history(
        tenants.a,
        "GRU-1",
        "LIP-001",
        "H",
        "A-01",
        today - timedelta(days=60),
        [12, 9, 10, 11, 14, 20, 8] * 8 + [10] * 4,
    )
    items = api.get(
        "/replenishment-suggestions", params={"service_level": 0.95, "mode": "air"}, headers=h
    ).json()["items"]
    [s] = items
    assert (s["sku"], s["mode"], s["lead_days"], s["currency"]) == ("LIP-001", "air", 9, "USD")
    assert s["quantity"] > 100 and float(s["freight"]) > 0 and float(s["duties"]) > 0
    assert Decimal(s["total_cost"]) == Decimal(s["freight"]) + Decimal(s["duties"])

"""Orders: CSV upload with per-row errors, state moves with their event history."""

from __future__ import annotations

from factories import order_payload, product_payload
from ponte.orders import csv_upload

HEADER = ",".join(csv_upload.COLUMNS)
ROW = "{ref},BR,BR-SP,USD,9610,4.50,Maria da Silva,529.982.247-25,,,,Avenida Paulista 1000,São Paulo,SP,01310-100,{sku},{qty},"


def _csv(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def test_csv_orders_all_or_nothing_with_row_errors(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    api.post("/products", json=product_payload(), headers=h)
    api.post("/products", json=product_payload("MASK-1"), headers=h)
    text = _csv(
        ROW.format(ref="C-1", sku="LIP-001", qty=2),
        ROW.format(ref="C-1", sku="MASK-1", qty=1),
        ROW.format(ref="C-2", sku="NOPE", qty=1),
        ROW.format(ref="C-3", sku="LIP-001", qty=0),
        ROW.format(ref="C-4", sku="LIP-001", qty=1).replace("01310-100", "ABC"),
    )
    refused = api.post("/orders/import", content=text, headers={**h, "Content-Type": "text/csv"})
    assert refused.status_code == 422 and refused.json()["stored"] is False
    got = {(e["row"], e["field"], e["rule"]) for e in refused.json()["errors"]}
    assert (4, "sku", "known-sku") in got
    assert (5, "quantity", "greater-than-equal") in got
    assert any(row == 6 and field == "address_postal_code" for row, field, _ in got)
    assert api.get("/orders", headers=h).json()["items"] == []  # nothing half-written
    ok = api.post(
        "/orders/import",
        content=_csv(ROW.format(ref="C-1", sku="LIP-001", qty=2), ROW.format(ref="C-1", sku="MASK-1", qty=1)),
        headers={**h, "Content-Type": "text/csv"},
    )
    assert ok.status_code == 201, ok.text
    order = api.get(f"/orders/{ok.json()['orders'][0]['id']}", headers=h).json()
    assert order["channel"] == "csv" and [ln["sku"] for ln in order["lines"]] == ["LIP-001", "MASK-1"]


def test_states_move_and_keep_history(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    api.post("/products", json=product_payload(), headers=h)
    placed = api.post("/orders", json=order_payload(), headers=h)
    assert placed.status_code == 201 and placed.json()["status"] == "quoted", placed.text
    order_id = placed.json()["id"]
    assert placed.json()["actions"] == ["pay", "quote", "fulfil", "cancel"]
    cancelled = api.post(f"/orders/{order_id}/cancel", json={"reason": "buyer changed her mind"}, headers=h)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    wrong = api.post(f"/orders/{order_id}/quote", headers=h)
    assert wrong.status_code == 409 and wrong.json()["errors"][0]["rule"] == "order-transition"
    events = api.get(f"/orders/{order_id}/events", headers=h).json()
    assert [e["kind"] for e in events] == ["placed", "quoted", "cancelled"]
    assert events[-1]["detail"] == "buyer changed her mind"
    hb = tenants.headers(tenants.key_b)
    assert api.get(f"/orders/{order_id}/events", headers=hb).status_code == 404
    assert api.post(f"/orders/{order_id}/cancel", json={"reason": "x"}, headers=hb).status_code == 404


def test_order_gets_its_landed_cost_quote(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    api.post("/products", json=product_payload(), headers=h)
    order_id = api.post("/orders", json=order_payload(), headers=h).json()["id"]
    quote = api.get(f"/orders/{order_id}/quote", headers=h)
    assert quote.status_code == 200, quote.text
    frozen = quote.json()
    assert frozen["revision"] == 0 and frozen["order_id"] == order_id
    assert frozen["response"]["landed_cost"]["currency"] == "USD" and frozen["rules"]["digest"]
    assert api.get(f"/orders/{order_id}/quote", headers=tenants.headers(tenants.key_b)).status_code == 404

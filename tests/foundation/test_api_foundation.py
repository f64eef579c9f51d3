from decimal import Decimal

from factories import order_payload, product_payload


def test_openapi_is_served_under_api_v1(api) -> None:  # type: ignore[no-untyped-def]
    spec = api.get("/openapi.json").json()
    assert spec["info"]["title"] == "Ponte API"
    assert "/orders" in spec["paths"]


def test_no_key_is_401_and_missing_scope_is_403(api, tenants, database) -> None:  # type: ignore[no-untyped-def]
    response = api.get("/orders")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "authorization"
    from ponte.accounts.store import ApiKeyRepository

    with database.unit_of_work() as uow:
        _, read_only = ApiKeyRepository(uow.session).issue(tenants.a, "ro", ["catalog:read"])
        uow.commit()
    response = api.post("/products", json=product_payload(), headers=tenants.headers(read_only))
    assert response.status_code == 403 and response.json()["errors"][0]["rule"] == "catalog:write"


def test_create_product_then_order_with_idempotency(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    assert api.post("/products", json=product_payload(), headers=h).status_code == 201
    first = api.post("/orders", json=order_payload(), headers={**h, "Idempotency-Key": "k-1"})
    assert first.status_code == 201, first.text
    again = api.post("/orders", json=order_payload(), headers={**h, "Idempotency-Key": "k-1"})
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    listing = api.get("/orders", headers=h).json()
    assert [o["id"] for o in listing["items"]] == [first.json()["id"]]
    assert Decimal(first.json()["goods_value"]) == Decimal("19.80")
    other_body = api.post("/orders", json=order_payload("SO-2"), headers={**h, "Idempotency-Key": "k-1"})
    assert other_body.status_code == 422
    assert other_body.json()["errors"][0]["rule"] == "same-request-same-key"


def test_bad_order_gets_422_with_json_pointers(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    api.post("/products", json=product_payload(), headers=h)
    payload = order_payload(currency="XYZ")
    payload["buyer"]["tax_id"] = "529.982.247-26"
    payload["lines"].append({"sku": "GHOST", "quantity": 1})
    response = api.post("/orders", json=payload, headers=h)
    assert response.status_code == 422
    errors = {e["pointer"]: e["rule"] for e in response.json()["errors"]}
    assert errors["/currency"] == "iso4217"
    assert errors["/buyer/tax_id"].startswith("br.cpf:")
    assert errors["/lines/1/sku"] == "known-sku"
    zero = api.post("/orders", json=order_payload(lines=[{"sku": "LIP-001", "quantity": 0}]), headers=h)
    assert zero.status_code == 422 and zero.json()["errors"][0]["pointer"] == "/lines/0/quantity"
    assert api.get("/orders", headers=h).json()["items"] == []


def test_cursor_pagination_walks_every_product_once(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    for i in range(7):
        api.post("/products", json=product_payload(f"SKU-{i}"), headers=h)
    seen, cursor = [], None
    while True:
        page = api.get(
            "/products", params={"limit": 3, **({"cursor": cursor} if cursor else {})}, headers=h
        ).json()
        seen += [p["sku"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == [f"SKU-{i}" for i in range(7)]
    assert api.get("/products", params={"cursor": "garbage!"}, headers=h).status_code == 422


def test_buyer_identity_is_masked_in_the_api(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    api.post("/products", json=product_payload(), headers=h)
    order = api.post("/orders", json=order_payload(), headers=h).json()
    buyer = api.get(f"/buyers/{order['buyer_id']}", headers=h).json()
    assert buyer["tax_id"] == "52*******25" and "Maria" not in buyer["name"]

"""Signing in, sessions, demo sign-in, and what each tenant may see."""

from __future__ import annotations

from console_data import ConsoleClient, sign_in
from fastapi.testclient import TestClient

from ponte.api.app import create_app
from ponte.platform.settings import Settings


def test_pages_need_a_sign_in(client: TestClient) -> None:
    for path in ("/", "/sellers", "/catalogue", "/orders", "/orders/new"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


def test_a_bad_key_is_shown_beside_the_field(client: TestClient) -> None:
    response = client.post("/login", data={"api_key": "pk_nothere_abc", "next": "/"}, params={"lang": "es"})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text
    assert (
        '<small id="api_key-error" class="error">Esta clave de API no es válida o ha sido revocada.</small>'
        in response.text
    )


def test_a_revoked_key_does_not_sign_in(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/login", data={"api_key": park.revoked_key})
    assert response.status_code == 422


def test_the_session_cookie_holds_no_key(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    cookie = client.cookies.get("ponte_session") or ""
    assert cookie and park.seller_key not in cookie
    secret = park.seller_key.split("_", 2)[2]
    assert secret not in cookie


def test_sign_out(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    client.post("/logout")
    assert client.get("/", follow_redirects=False).status_code == 303


def test_next_only_follows_local_paths(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/login", data={"api_key": park.seller_key, "next": "//evil.example/x"}, follow_redirects=False
    )
    assert response.headers["location"] == "/"
    client.post("/logout")
    response = client.post(
        "/login", data={"api_key": park.seller_key, "next": "/orders"}, follow_redirects=False
    )
    assert response.headers["location"] == "/orders"


def test_demo_tenants_sign_in_with_one_click_in_development(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/login", params={"lang": "en"}).text
    assert "Qianhai Park" in page and "Shenzhen Glow Beauty" in page
    assert "Yiwu Home Goods" not in page  # not a demo tenant
    response = client.post("/login/demo", data={"tenant_id": park.operator_id})
    assert response.status_code == 200
    assert "Figures of the whole park." in response.text
    client.post("/logout")
    refused = client.post("/login/demo", data={"tenant_id": park.other_id})
    assert refused.status_code == 422


def test_no_demo_sign_in_outside_development(console_db, park) -> None:  # type: ignore[no-untyped-def]
    database, _park, url = console_db
    app = create_app(Settings(env="test", database_url=url, log_level="WARNING"), database)
    with ConsoleClient(app) as client:
        assert "demo-tenants" not in client.get("/login").text
        assert client.post("/login/demo", data={"tenant_id": park.operator_id}).status_code == 422


def test_a_seller_sees_only_itself(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    sellers = client.get("/sellers", params={"lang": "en"}).text
    assert "Shenzhen Glow Beauty" in sellers and "Yiwu Home Goods" not in sellers
    assert "Hall A, booth A-101" in sellers
    catalogue = client.get("/catalogue").text
    assert "BEAUTY-001" in catalogue and "ELEC-003" not in catalogue
    # the seller filter is the operator's; a seller cannot use it to look elsewhere
    catalogue = client.get("/catalogue", params={"seller": park.other_id}).text
    assert "ELEC-003" not in catalogue and "BEAUTY-001" in catalogue
    orders = client.get("/orders", params={"seller": park.other_id}).text
    assert "YIWU-" not in orders and "GLOW-" in orders
    other_order = client.get(f"/orders/{park.other_order_ids[0]}", params={"lang": "en"})
    assert other_order.status_code == 404
    assert "YIWU-0000" not in other_order.text


def test_the_operator_reads_across_sellers(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.operator_key)
    sellers = client.get("/sellers", params={"lang": "en"}).text
    assert "Shenzhen Glow Beauty" in sellers and "Yiwu Home Goods" in sellers
    assert "Hall C, booth C-207" in sellers
    catalogue = client.get("/catalogue", params={"seller": park.other_id}).text
    assert "ELEC-003" in catalogue and "BEAUTY-001" not in catalogue
    order = client.get(f"/orders/{park.other_order_ids[0]}", params={"lang": "en"})
    assert order.status_code == 200 and "Yiwu Home Goods" in order.text
    assert "Maria Souza" not in order.text


def test_orders_page_by_cursor_and_filters(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    first = client.get("/orders", params={"lang": "en"}).text
    refs = set(__import__("re").findall(r"GLOW-\d{4}", first))
    assert len(refs) == 25
    cursor = __import__("re").search(r'href="/orders\?lang=en&amp;cursor=([^"]+)" rel="next"', first)
    assert cursor
    second = client.get("/orders", params={"lang": "en", "cursor": cursor.group(1)}).text
    more = set(__import__("re").findall(r"GLOW-\d{4}", second))
    assert len(more) == 5 and not refs & more
    assert 'rel="next"' not in second
    none = client.get("/orders", params={"destination": "MX", "lang": "en"}).text
    assert "No orders match." in none
    cancelled = client.get("/orders", params={"status": "cancelled", "lang": "en"}).text
    assert "GLOW-" not in cancelled
    found = client.get("/orders", params={"q": "glow-0007", "lang": "en"}).text
    assert set(__import__("re").findall(r"GLOW-\d{4}", found)) == {"GLOW-0007"}
    assert 'data-status="placed"' in first  # a tab per state, with its count


def test_a_bad_cursor_names_the_field(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    response = client.get("/orders", params={"cursor": "not-a-cursor", "lang": "en"})
    assert response.status_code == 422
    assert "This page link is out of date; start again from the first page." in response.text
    assert "<code>" not in response.text  # plain words, no field paths or rule codes

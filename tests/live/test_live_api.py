"""The live API: sessions, offers, buying, paying, figures; isolation and bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from factories import order_payload


def _times() -> tuple[str, str]:
    at = datetime.now(UTC)
    return (at - timedelta(minutes=1)).isoformat(), (at + timedelta(minutes=30)).isoformat()


def _offer(api, stage, headers, **over):  # type: ignore[no-untyped-def]
    opens, closes = _times()
    body = {
        "sku": stage.sku,
        "price": "59.90",
        "currency": "CNY",
        "quantity_cap": 5,
        "per_buyer_limit": 2,
        "opens_at": opens,
        "closes_at": closes,
        "buckets": 2,
        **over,
    }
    return api.post(f"/live/sessions/{stage.session_id}/offers", json=body, headers=headers)


def test_session_offer_buy_pay_and_figures(api, tenants, stage) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    created = _offer(api, stage, h)
    assert created.status_code == 201, created.text
    offer = created.json()
    assert offer["state"] == "open" and offer["available"] == 5
    assert (
        api.post(f"/live/sessions/{stage.session_id}/pin", json={"offer_id": offer["id"]}, headers=h).json()[
            "pinned_offer_id"
        ]
        == offer["id"]
    )
    bought = api.post(
        f"/live/offers/{offer['id']}/purchases",
        json={"buyer_ref": "v1", "quantity": 2},
        headers={**h, "Idempotency-Key": "buy-1"},
    )
    assert bought.status_code == 201, bought.text
    again = api.post(
        f"/live/offers/{offer['id']}/purchases",
        json={"buyer_ref": "v1", "quantity": 2},
        headers={**h, "Idempotency-Key": "buy-1"},
    )
    assert again.json()["reservation_id"] == bought.json()["reservation_id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    over = api.post(
        f"/live/offers/{offer['id']}/purchases", json={"buyer_ref": "v1", "quantity": 1}, headers=h
    )
    assert over.status_code == 422 and over.json()["errors"][0]["rule"] == "per-buyer-limit"
    pay = order_payload("LIVE-1")
    details = {k: pay[k] for k in ("external_ref", "destination", "destination_region", "buyer")}
    details["payment"] = {"transaction_id": "2026111122001400001"}
    paid = api.post(f"/live/reservations/{bought.json()['reservation_id']}/pay", json=details, headers=h)
    assert paid.status_code == 201, paid.text
    assert paid.json()["channel"] == "live" and paid.json()["payment_ref"] == "2026111122001400001"
    assert paid.json()["lines"][0]["unit_price"] == "59.9"
    twice = api.post(
        f"/live/reservations/{bought.json()['reservation_id']}/pay",
        json={**details, "external_ref": "LIVE-2"},
        headers=h,
    )
    assert twice.status_code == 409 and twice.json()["errors"][0]["rule"] == "reservation-held"
    figures = api.get(f"/live/sessions/{stage.session_id}/figures", headers=h).json()
    assert figures["units_left"][offer["id"]] == 3 and figures["gmv"] == "119.80"
    assert [m["orders"] for m in figures["orders_per_minute"]] == [1]
    assert (
        figures["orders_per_minute"][0]["minute"].endswith("Z") and figures["top_products"][0]["units"] == 2
    )
    assert figures["countdown"]["state"] == "open" and figures["booth_now"] == stage.booth_id
    recon = api.get(f"/live/offers/{offer['id']}/reconciliation", headers=h).json()
    assert recon["balanced"] and recon["paid"] == 2
    stream = api.get(f"/live/sessions/{stage.session_id}/figures/stream?count=1", headers=h)
    assert stream.text.startswith("event: figures\ndata: {")


def test_closed_offer_and_sold_out_are_409(api, tenants, stage) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    offer = _offer(api, stage, h, quantity_cap=1).json()
    url = f"/live/offers/{offer['id']}/purchases"
    assert api.post(url, json={"buyer_ref": "a", "quantity": 1}, headers=h).status_code == 201
    sold = api.post(url, json={"buyer_ref": "b", "quantity": 1}, headers=h)
    assert sold.status_code == 409 and sold.json()["errors"][0]["rule"] == "stock-available"
    assert api.post(f"/live/offers/{offer['id']}/close", headers=h).json()["state"] == "closed"
    closed = api.post(url, json={"buyer_ref": "c", "quantity": 1}, headers=h)
    assert closed.status_code == 409 and closed.json()["errors"][0]["rule"] == "offer-open"


def test_bad_input_names_field_and_rule(api, tenants, stage) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    unknown = _offer(api, stage, h, sku="NOPE")
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["rule"] == "known-sku"
    opens, closes = _times()
    backwards = _offer(api, stage, h, opens_at=closes, closes_at=opens)
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["rule"] == "after-opens_at"
    offer = _offer(api, stage, h).json()
    for quantity in (0, 1_000_000):
        r = api.post(
            f"/live/offers/{offer['id']}/purchases", json={"buyer_ref": "a", "quantity": quantity}, headers=h
        )
        assert r.status_code == 422 and "quantity" in r.text


def test_other_tenants_see_nothing(api, tenants, stage) -> None:  # type: ignore[no-untyped-def]
    offer = _offer(api, stage, tenants.headers(tenants.key_a)).json()
    hb = tenants.headers(tenants.key_b)
    assert api.get(f"/live/offers/{offer['id']}", headers=hb).status_code == 404
    assert api.get(f"/live/sessions/{stage.session_id}", headers=hb).status_code == 404
    assert api.get(f"/live/sessions/{stage.session_id}/figures", headers=hb).status_code == 404
    buy = api.post(
        f"/live/offers/{offer['id']}/purchases", json={"buyer_ref": "x", "quantity": 1}, headers=hb
    )
    assert buy.status_code == 404
    assert api.get(f"/live/offers/{offer['id']}/reconciliation", headers=hb).status_code == 404
    assert _offer(api, stage, hb).status_code == 404


def test_concurrent_posts_with_one_key_reserve_once(api, tenants, stage) -> None:  # type: ignore[no-untyped-def]
    from concurrent.futures import ThreadPoolExecutor

    h = tenants.headers(tenants.key_a)
    offer = _offer(api, stage, h, quantity_cap=50, per_buyer_limit=1).json()
    url = f"/live/offers/{offer['id']}/purchases"

    def post(n: int):  # type: ignore[no-untyped-def]
        return api.post(
            url, json={"buyer_ref": "same-viewer", "quantity": 1}, headers={**h, "Idempotency-Key": "k"}
        )

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(post, range(24)))
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["reservation_id"] for a in answers}) == 1
    recon = api.get(f"/live/offers/{offer['id']}/reconciliation", headers=h).json()
    assert recon["held"] == 1 and recon["balanced"]

"""Concurrent moves of one order give one winner; concurrent repeats of one idempotent request all get
the first response. On SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from factories import order_payload, product_payload
from ponte.orders.states import allowed


def test_concurrent_identical_posts_with_one_key_all_replay_the_first(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    assert api.post("/products", json=product_payload(), headers=h).status_code == 201
    body = order_payload("RACE-1")

    def post(_: int):  # type: ignore[no-untyped-def]
        return api.post("/orders", json=body, headers={**h, "Idempotency-Key": "race-1"})

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(post, range(50)))
    assert {a.status_code for a in answers} == {201}, {a.status_code: a.text for a in answers}
    assert len({a.json()["id"] for a in answers}) == 1
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == 49
    assert len(api.get("/orders", headers=h).json()["items"]) == 1


def test_a_reused_key_with_another_body_is_refused_naming_the_key(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = {**tenants.headers(tenants.key_a), "Idempotency-Key": "k-1"}
    api.post("/products", json=product_payload(), headers=tenants.headers(tenants.key_a))
    assert api.post("/orders", json=order_payload("K-1"), headers=h).status_code == 201
    other = api.post("/orders", json=order_payload("K-2"), headers=h)
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "Idempotency-Key"


def test_concurrent_moves_of_one_order_give_one_winner_per_state(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    api.post("/products", json=product_payload(), headers=h)
    order_id = api.post("/orders", json=order_payload("MOVE-1"), headers=h).json()["id"]
    targets = ["quote", "cancel"] * 5

    def move(action: str):  # type: ignore[no-untyped-def]
        body = {"reason": "race"} if action == "cancel" else None
        return api.post(f"/orders/{order_id}/{action}", json=body, headers=h)

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(move, targets))
    assert {a.status_code for a in answers} <= {200, 409}
    assert all(a.json()["errors"][0]["rule"] in ("order-transition", "concurrent-change")
               for a in answers if a.status_code == 409)  # fmt: skip
    events = [e["kind"] for e in api.get(f"/orders/{order_id}/events", headers=h).json()]
    moves = events[2:]  # placed, then quoted by the placing itself
    assert len(moves) == sum(a.status_code == 200 for a in answers)
    state = "quoted"
    for to in moves:  # the history is one path through the state machine, never two moves from one state
        assert allowed(state, to), events
        state = to
    assert api.get(f"/orders/{order_id}", headers=h).json()["status"] == state

"""Stock that never oversells: limits, expiry, idempotency, reconciliation, on both backends."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from live_stage import NOW

from ponte.kernel.errors import ConflictError, PonteError, ValidationError
from ponte.live.refusals import OverLimit, SoldOut
from ponte.live.store.ledger import reconcile, release
from ponte.live.store.stock_sql import purchase


def test_purchase_takes_stock_and_balances(stage) -> None:  # type: ignore[no-untyped-def]
    offer = stage.offer(cap=10, limit=3)
    held = purchase(stage.database, offer, "viewer-1", 2, NOW)
    assert held.status == "held" and held.expires_at == NOW + timedelta(minutes=10)
    report = reconcile(stage.database, stage.tenant_id, offer.id)
    assert (report.available, report.held, report.balanced) == (8, 2, True)


def test_per_buyer_limit_holds_across_purchases(stage) -> None:  # type: ignore[no-untyped-def]
    offer = stage.offer(cap=10, limit=3)
    purchase(stage.database, offer, "viewer-1", 2, NOW)
    with pytest.raises(OverLimit) as caught:
        purchase(stage.database, offer, "viewer-1", 2, NOW)
    assert caught.value.rule == "per-buyer-limit" and caught.value.field == "quantity"
    purchase(stage.database, offer, "viewer-1", 1, NOW)
    assert reconcile(stage.database, stage.tenant_id, offer.id).balanced


@pytest.mark.parametrize("quantity", [0, -1, 1_000_000])
def test_bad_quantities_name_the_rule(stage, quantity: int) -> None:  # type: ignore[no-untyped-def]
    offer = stage.offer(cap=10, limit=3)
    with pytest.raises(ValidationError) as caught:
        purchase(stage.database, offer, "viewer-1", quantity, NOW)
    assert caught.value.field == "quantity"


def test_closed_and_upcoming_offers_refuse(stage) -> None:  # type: ignore[no-untyped-def]
    offer = stage.offer(cap=10)
    with pytest.raises(ConflictError, match="closed"):
        purchase(stage.database, offer, "v", 1, NOW + timedelta(hours=1))
    with pytest.raises(ConflictError, match="upcoming"):
        purchase(stage.database, offer, "v", 1, NOW - timedelta(hours=1))


def test_sold_out_and_the_last_units_gathered(stage) -> None:  # type: ignore[no-untyped-def]
    offer = stage.offer(cap=5, limit=5, buckets=4)  # buckets 2,1,1,1
    purchase(stage.database, offer, "a", 1, NOW)
    purchase(stage.database, offer, "b", 1, NOW)
    held = purchase(stage.database, offer, "c", 3, NOW)  # no bucket holds 3 alone: gathered first
    assert held.quantity == 3
    with pytest.raises(SoldOut) as caught:
        purchase(stage.database, offer, "d", 1, NOW)
    assert caught.value.rule == "stock-available"
    assert reconcile(stage.database, stage.tenant_id, offer.id).available == 0


def test_expired_reservations_return_their_stock(stage) -> None:  # type: ignore[no-untyped-def]
    offer = stage.offer(cap=4, limit=2, hold=60)
    purchase(stage.database, offer, "a", 2, NOW)
    purchase(stage.database, offer, "b", 2, NOW + timedelta(seconds=30))
    with pytest.raises(SoldOut):
        purchase(stage.database, offer, "c", 1, NOW)
    assert release(stage.database, NOW + timedelta(seconds=61)) == 1  # only a's hold is due
    report = reconcile(stage.database, stage.tenant_id, offer.id)
    assert (report.available, report.held, report.balanced) == (2, 2, True)
    purchase(stage.database, offer, "a", 2, NOW + timedelta(seconds=62))  # a's counter went back too
    assert reconcile(stage.database, stage.tenant_id, offer.id).balanced


def test_idempotent_purchase_replays(stage) -> None:  # type: ignore[no-untyped-def]
    offer = stage.offer(cap=10, limit=1)
    first = purchase(stage.database, offer, "a", 1, NOW, idempotency_key="k-1")
    again = purchase(stage.database, offer, "a", 1, NOW, idempotency_key="k-1")
    assert again.reservation_id == first.reservation_id and again.replayed
    assert reconcile(stage.database, stage.tenant_id, offer.id).held == 1


def test_concurrent_buyers_on_one_sku_take_exactly_the_stock(stage) -> None:  # type: ignore[no-untyped-def]
    cap = 120
    offer = stage.offer(cap=cap, limit=1, buckets=8)
    buyers = 300 if stage.database.engine.dialect.name == "postgresql" else 150

    def buy(n: int) -> str:
        try:
            purchase(stage.database, offer, f"viewer-{n}", 1, NOW)
            return "ok"
        except SoldOut:
            return "sold-out"

    with ThreadPoolExecutor(max_workers=40) as pool:
        outcomes = list(pool.map(buy, range(buyers)))
    assert outcomes.count("ok") == cap
    assert outcomes.count("sold-out") == buyers - cap
    report = reconcile(stage.database, stage.tenant_id, offer.id)
    assert report.balanced and report.available == 0 and report.held == cap


def test_concurrent_same_buyer_never_passes_the_limit(stage) -> None:  # type: ignore[no-untyped-def]
    offer = stage.offer(cap=100, limit=3, buckets=4)

    def buy(_: int) -> bool:
        try:
            purchase(stage.database, offer, "greedy", 1, NOW)
            return True
        except PonteError:
            return False

    with ThreadPoolExecutor(max_workers=20) as pool:
        accepted = sum(pool.map(buy, range(60)))
    assert accepted == 3
    report = reconcile(stage.database, stage.tenant_id, offer.id)
    assert report.held == 3 and report.balanced


def test_concurrent_repeats_of_one_key_create_one_reservation(stage) -> None:  # type: ignore[no-untyped-def]
    offer = stage.offer(cap=100, limit=1)

    def buy(_: int) -> str:
        return purchase(stage.database, offer, "a", 1, NOW, idempotency_key="same").reservation_id

    with ThreadPoolExecutor(max_workers=16) as pool:
        ids = set(pool.map(buy, range(48)))
    assert len(ids) == 1
    assert reconcile(stage.database, stage.tenant_id, offer.id).held == 1


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)  # the PostgreSQL hot path
def test_batched_purchases_on_postgresql_take_exactly_the_stock(stage) -> None:  # type: ignore[no-untyped-def]
    from ponte.live.store.pg_batcher import PurchaseBatcher
    from ponte.live.store.stock_sql import finish, prepare

    offer = stage.offer(cap=150, limit=2, buckets=4)
    batcher = PurchaseBatcher(stage.database.url, max_batch=32)
    jobs = [prepare(offer, f"viewer-{n % 200}", 1, NOW, None) for n in range(400)]  # 200 buyers twice
    futures = [batcher.submit(p) for p in jobs]

    def settle(pair) -> str:  # type: ignore[no-untyped-def]
        params, future = pair
        try:
            first = future.result(timeout=60)
        except Exception as exc:
            first = exc
        try:
            finish(stage.database, params, first)
            return "ok"
        except SoldOut:
            return "sold-out"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(settle, zip(jobs, futures, strict=True)))
    assert outcomes.count("ok") == 150 and batcher.batches < 400
    report = reconcile(stage.database, stage.tenant_id, offer.id)
    assert report.balanced and report.available == 0 and report.held == 150

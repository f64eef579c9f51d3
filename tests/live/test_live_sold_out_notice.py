"""The worker tells a seller's live people, once, that an open offer has sold out; units given back by an
expired hold do not tell it again, and another tenant hears nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from live_stage import NOW, build_stage

from ponte.accounts import notifications
from ponte.background import Worker
from ponte.live.store.stock_sql import purchase


def _told(stage, tenant_id: str, scopes: frozenset[str]) -> list[notifications.NotificationView]:  # type: ignore[no-untyped-def]
    with stage.database.unit_of_work() as uow:
        return notifications.latest(uow, notifications.Reader(tenant_id, scopes, "user:streamer"))


def test_a_sold_out_offer_is_told_once_to_the_live_scope(stage, tenants) -> None:  # type: ignore[no-untyped-def]
    other = build_stage(stage.database, tenants.b)
    sold = stage.offer(cap=3, limit=3, buckets=2, hold=60)
    open_ = stage.offer(cap=10, limit=3)
    other.offer(cap=5, limit=5)
    worker = Worker(stage.database)
    worker.round(NOW)
    assert _told(stage, stage.tenant_id, frozenset({"live:read"})) == []
    purchase(stage.database, sold, "viewer-1", 3, NOW)
    purchase(stage.database, open_, "viewer-2", 1, NOW)
    worker.round(NOW)
    told = _told(stage, stage.tenant_id, frozenset({"live:read"}))
    assert [(n.kind, n.subject_id, n.params["sku"], n.params["cap"]) for n in told] == [
        ("offer.sold_out", sold.id, "LIP-01", 3)
    ]
    assert _told(stage, stage.tenant_id, frozenset({"customs:read"})) == []  # not this scope's
    assert _told(other, tenants.b, frozenset({"live:read"})) == []  # nor another tenant's
    worker.round(NOW + timedelta(minutes=2))  # the hold expired: the units are back
    worker.round(NOW + timedelta(minutes=2, seconds=1))
    assert len(_told(stage, stage.tenant_id, frozenset({"live:read"}))) == 1
    assert worker.done.sold_out == 1 and not worker.done.errors

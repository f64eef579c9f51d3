"""The demo's declarations: the demo seller's booked orders declared and answered by the customs
simulator, so the console shows declarations released, accepted, rejected (with the reason) and in
e-port error, each with its receipts, and the refusals notified to the seller's customs people."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

from ponte.accounts import notifications
from ponte.accounts import service as accounts
from ponte.bootstrap import Platform
from ponte.customs import service as customs
from ponte.platform.settings import Settings
from ponte.simulate import simulate
from ponte.simulate.demo import walk_orders
from ponte.simulate.load import load_corpus


def test_the_demo_declares_orders_that_customs_answer_in_every_state(database) -> None:  # type: ignore[no-untyped-def]
    load_corpus(database, simulate(7, 1500, date(2026, 8, 1), 30, 2), slug_prefix="dmc")
    platform = Platform(Settings(database_url=database.url), _database=database)
    with database.unit_of_work() as uow:
        tenant = accounts.tenant_id_of(uow, "dmc-001")
    counts = walk_orders(database, platform.journey, tenant, datetime.now(UTC), count=60)
    with database.unit_of_work() as uow:
        rows, _ = customs.list_declarations(uow, tenant, limit=100)
        states = Counter(d.state for _, d in rows)
        assert {"released", "accepted", "rejected", "error"} <= set(states), states
        for _, d in rows:
            detail = customs.declaration_detail(uow, tenant, d.id)
            assert detail.receipts, d.state  # every state shows the receipts that led to it
        refused = [d for _, d in rows if d.state in ("rejected", "error")]
        reader = notifications.Reader(tenant, frozenset({"customs:read"}), "user:demo")
        assert notifications.unread(uow, reader) == len(refused)
    assert counts.get("rejected", 0) == len(refused) and counts.get("cleared", 0) == states["released"]

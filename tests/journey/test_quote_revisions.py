"""Two requests that freeze a quote of one order at once: one stores the revision, the other is told the
order was quoted meanwhile (a 409 naming the rule), never an unexplained conflict."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from factories import order_payload, product_payload
from ponte.journey.store import QuoteRepository
from ponte.kernel.errors import ConflictError
from ponte.platform.db import Database

AT = datetime(2026, 12, 1, 12, tzinfo=UTC)


def test_a_revision_frozen_meanwhile_is_a_concurrent_change(api, database: Database, tenants) -> None:  # type: ignore[no-untyped-def]
    if database.is_sqlite:
        pytest.skip("PostgreSQL's test: SQLite has one writer, so the second waits and reads the first")
    h = tenants.headers(tenants.key_a)
    api.post("/products", json=product_payload(), headers=h)
    order_id = api.post("/orders", json=order_payload("REV-1"), headers=h).json()["id"]
    first = database.unit_of_work()
    second = database.unit_of_work()
    with first:
        QuoteRepository(first.session, tenants.a).add(order_id, "allowed", "r", {}, AT)  # revision 1, open
        outcome: list[BaseException | int] = []

        def race() -> None:  # reads revision 0 as the latest, then waits on the first one's revision 1
            with second:
                try:
                    outcome.append(
                        QuoteRepository(second.session, tenants.a)
                        .add(order_id, "allowed", "r", {}, AT)
                        .revision
                    )
                except ConflictError as e:
                    outcome.append(e)

        racer = threading.Thread(target=race)
        racer.start()
        racer.join(timeout=1.0)  # blocked on the unique revision until the first commits
        first.commit()
    racer.join(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], ConflictError), outcome
    assert outcome[0].rule == "concurrent-change" and outcome[0].field == "revision"
    with database.unit_of_work(readonly=True) as uow:
        assert [q.revision for q in QuoteRepository(uow.session, tenants.a).all(order_id)] == [0, 1]

"""The demo has moving parts: live orders name real sessions, one session is on air with offers and
reservations (paid and held), and orders stand in several states of their journey."""

from __future__ import annotations

from datetime import UTC, date, datetime

from ponte.accounts import service as accounts
from ponte.bootstrap import Platform
from ponte.live import panel as live_panel
from ponte.orders import service as orders
from ponte.platform.settings import Settings
from ponte.simulate import simulate
from ponte.simulate.demo import live_now, walk_orders
from ponte.simulate.load import load_corpus


def test_the_demo_goes_live_and_walks_orders(database) -> None:  # type: ignore[no-untyped-def]
    tables = simulate(7, 600, date(2026, 8, 1), 20, 3)
    loaded = load_corpus(database, tables, slug_prefix="dmo")
    live_ids = {r for r in tables.orders.column("live_session_id").to_pylist() if r}
    assert loaded.counts["live_sessions"] == len(live_ids) > 0
    at = datetime.now(UTC)
    platform = Platform(Settings(database_url=database.url), _database=database)
    with database.unit_of_work() as uow:
        tenant = accounts.tenant_id_of(uow, "dmo-001")
        known = {s.id for s in live_panel.sessions(uow, tenant, limit=10_000)}
        mine = [o for o in orders.search(uow, tenant, None, 500)[0].items if o.live_session_id]
    assert mine and all(o.live_session_id in known for o in mine)
    counts = walk_orders(database, platform.journey, tenant, at, count=20)
    assert counts.get("cancelled") == 2 and counts.get("packed", 0) + counts.get("booked", 0) > 0
    on_air = live_now(database, tenant, at, buyers=9)
    with database.unit_of_work() as uow:
        view = live_panel.panel(uow, tenant, on_air.session_id, at)
    assert view.status == "live" and view.pinned is not None and len(view.offers) == 2
    assert view.paid.orders == on_air.paid == 6 and view.held.orders == on_air.held - on_air.paid == 3

"""The demo's air freight: orders booked together on the schedule's flights (masters with several houses,
ULDs and bags) and every shipment tracked, at several stages, through the services."""

from __future__ import annotations

from datetime import UTC, date, datetime

from ponte.accounts import service as accounts
from ponte.bootstrap import Platform
from ponte.logistics import service as logistics
from ponte.logistics import service_forwarding
from ponte.platform.settings import Settings
from ponte.simulate import simulate
from ponte.simulate.demo import walk_orders
from ponte.simulate.load import load_corpus
from ponte.web.pages.shipments import state_of


def test_the_demo_books_orders_together_and_tracks_every_shipment(sqlite_database) -> None:  # type: ignore[no-untyped-def]
    database = sqlite_database
    load_corpus(database, simulate(11, 900, date(2026, 8, 1), 20, 2), slug_prefix="dmo")
    platform = Platform(Settings(database_url=database.url), _database=database)
    at = datetime(2026, 9, 15, tzinfo=UTC)
    with database.unit_of_work() as uow:
        tenant = accounts.tenant_id_of(uow, "dmo-001")
    walk_orders(database, platform.journey, tenant, at, count=10)
    with database.unit_of_work() as uow:
        ships = logistics.shipments(uow, tenant, None, 500).items
        codes = logistics.states(uow, ships)
        legs, _total = service_forwarding.flights(uow, [tenant])
        biggest = max(ships, key=lambda s: s.parcels)
        _s, parcels = logistics.shipment(uow, tenant, biggest.id)
    assert ships and biggest.parcels > 1 and len(biggest.house_waybills) >= 1
    assert all(p["uld"] and p["hawb"] for p in parcels) and any(p["bag"] for p in parcels)
    states = {state_of(codes[s.id]) for s in ships}
    assert len(states) >= 3, states  # several stages, each shipment at its own
    assert legs and all(f["booked_kg"] > 0 for f in legs)

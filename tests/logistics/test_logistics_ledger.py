"""The booking ledger: plans made one after another, or at the same time by several processes on PostgreSQL,
never book a flight leg past its positions or its payload."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from ponte import schema
from ponte.kernel.errors import ConflictError
from ponte.logistics import service
from ponte.logistics.awb import StockRange
from ponte.logistics.intake import parcel_records, table_from_rows
from ponte.logistics.ledger import PAYLOAD
from ponte.logistics.store.tables import LegLedger
from ponte.logistics.uld import Flight
from ponte.platform.db import Database

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def flight() -> Flight:
    departs = T0 + timedelta(hours=30)
    return Flight(
        "CZ431",
        "784",
        "CAN",
        "GRU",
        departs,
        departs + timedelta(hours=26),
        departs - timedelta(hours=8),
        True,
        Decimal(3000),
        {"AKE": 3},
    )


def _parcels(prefix: str, n: int) -> list:  # type: ignore[type-arg]
    rows = [
        {
            "id": f"{prefix}{i}",
            "weight_kg": Decimal("20"),
            "length_cm": 50,
            "width_cm": 40,
            "height_cm": 40,
            "origin": "CAN",
            "destination": "GRU",
            "ready_at": T0,
        }
        for i in range(n)
    ]
    records, rejects = parcel_records(table_from_rows(rows), "")
    assert rejects == []
    return records


def _plan(url: str, tenant: str, prefix: str, n: int) -> tuple[int, str]:
    assert schema.MODULES  # a worker process knows every table (foreign keys to orders resolve)
    db = Database(url)
    try:
        with db.unit_of_work() as uow:
            ids = service.add_parcels(uow, tenant, _parcels(prefix, n), T0)
            try:
                result = service.consolidate_and_issue(uow, tenant, ids, [flight()], T0)
            except ConflictError as exc:
                return 0, exc.rule
            uow.commit()
            return result.summary["placed"], ""
    finally:
        db.dispose()


def _stock(db: Database, tenant: str, first: int = 1000) -> None:
    with db.unit_of_work() as uow:
        service.add_awb_range(uow, tenant, StockRange("784", first, first + 999), T0)
        uow.commit()


def _ledger(db: Database, tenant: str) -> dict[str, tuple[int, int]]:
    with db.unit_of_work() as uow:
        rows = uow.session.scalars(select(LegLedger).where(LegLedger.tenant_id == tenant)).all()
        return {r.resource: (r.booked, r.offered) for r in rows}


def test_plans_one_after_another_share_the_legs_capacity(database: Database, tenants) -> None:  # type: ignore[no-untyped-def]
    _stock(database, tenants.a)
    first, _ = _plan(database.url, tenants.a, "A", 60)  # 1,200 kg: more than the first plan can take
    second, _ = _plan(database.url, tenants.a, "B", 60)
    ledger = _ledger(database, tenants.a)
    assert ledger["AKE"][0] <= 3 and ledger[PAYLOAD][0] <= ledger[PAYLOAD][1] == 3_000_000
    assert first == 60 and 0 < second < 60  # the second plan gets only what the first left
    assert ledger["AKE"][0] == 3  # every position is booked, none twice
    third, _ = _plan(database.url, tenants.a, "C", 5)
    assert third == 0 and _ledger(database, tenants.a) == ledger  # nothing left: nothing booked
    _stock(database, tenants.b, 2000)  # its own serials: AWB numbers belong to one forwarder
    other, _ = _plan(database.url, tenants.b, "D", 5)  # another forwarder's allotment is its own
    assert other == 5


def _worker(args: tuple[str, str, str]) -> tuple[int, str]:
    url, tenant, prefix = args
    return _plan(url, tenant, prefix, 40)


def test_concurrent_plans_of_several_processes_never_overbook(database: Database, tenants) -> None:  # type: ignore[no-untyped-def]
    if not database.url.startswith("postgresql"):
        pytest.skip("several writing processes: PostgreSQL (SQLite serialises writers)")
    _stock(database, tenants.a)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        outcomes = pool.map(_worker, [(database.url, tenants.a, f"W{k}-") for k in range(4)])
    ledger = _ledger(database, tenants.a)
    assert ledger["AKE"][0] <= 3 and ledger[PAYLOAD][0] <= 3_000_000
    placed = sum(p for p, _ in outcomes)
    assert placed > 0 and all(rule in ("", "overbooked") for _p, rule in outcomes)
    with database.unit_of_work() as uow:
        booked = uow.session.scalars(select(LegLedger)).all()
    assert sum(r.booked for r in booked if r.resource == "AKE") == ledger["AKE"][0]


def test_offloading_a_shipment_releases_every_leg_and_its_parcels_are_rebooked(
    database: Database, tenants
) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from ponte.logistics.network import sample_flights
    from ponte.logistics.store.tables import ParcelRecord

    with database.unit_of_work() as uow:
        service.add_awb_range(uow, tenants.a, StockRange("160", 3000, 3999), T0)
        uow.commit()
    rows = [
        {
            "id": f"b{i}",
            "weight_kg": Decimal("3"),
            "length_cm": 30,
            "width_cm": 20,
            "height_cm": 20,
            "origin": "HKG",
            "destination": "BOG",
            "ready_at": T0,
        }
        for i in range(12)
    ]
    records, _ = parcel_records(table_from_rows(rows), "")
    flights = sample_flights(date(2026, 3, 2), 4)
    with database.unit_of_work() as uow:
        ids = service.add_parcels(uow, tenants.a, records, T0)
        first = service.consolidate_and_issue(uow, tenants.a, ids, flights, T0)
        uow.commit()
    [shipment] = first.shipments
    legs = first.summary["lots"][0]["legs"]
    assert len(legs) == 2 and "/HKG-MAD" in legs[0] and "/MAD-BOG" in legs[1]
    booked = _ledger_by_leg(database, tenants.a)
    assert all(booked[leg][PAYLOAD] > 0 for leg in legs) and booked[legs[0]] == booked[legs[1]]
    with database.unit_of_work() as uow:
        out = service.offload(uow, tenants.a, shipment["id"], T0)
        uow.commit()
    assert sorted(out["parcels"]) == sorted(f"b{i}" for i in range(12))
    assert all(v == 0 for leg in legs for v in _ledger_by_leg(database, tenants.a)[leg].values())
    with database.unit_of_work() as uow:
        assert {p.status for p in uow.session.scalars(select(ParcelRecord))} == {"packed"}
        with pytest.raises(ConflictError) as caught:
            service.offload(uow, tenants.a, shipment["id"], T0)
        assert caught.value.rule == "shipment-state"
    later = [f for f in flights if f.departs.date() > legs_day(legs[0])]
    with database.unit_of_work() as uow:  # rebooked on later flights: the capacity moves there
        again = service.consolidate_and_issue(uow, tenants.a, ids, later, T0)
        uow.commit()
    assert again.summary["placed"] == 12 and again.summary["lots"][0]["legs"][0] != legs[0]
    assert all(v == 0 for leg in legs for v in _ledger_by_leg(database, tenants.a)[leg].values())


def legs_day(key: str):  # type: ignore[no-untyped-def]
    from datetime import date

    return date.fromisoformat(key.split("/")[1])


def _ledger_by_leg(db: Database, tenant: str) -> dict[str, dict[str, int]]:
    with db.unit_of_work() as uow:
        rows = uow.session.scalars(select(LegLedger).where(LegLedger.tenant_id == tenant)).all()
        out: dict[str, dict[str, int]] = {}
        for r in rows:
            out.setdefault(r.leg, {})[r.resource] = r.booked
        return out

"""The logistics use cases on stored orders, on SQLite and PostgreSQL: pack → consolidate and issue → the
waybill of every parcel; a hand-over to a last-mile carrier; tracking by order; concurrent moves, one winner."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from factories import order_payload, product_payload
from ponte.catalog.store import Product, ProductRepository
from ponte.kernel.errors import ConflictError
from ponte.logistics import service
from ponte.logistics.awb import AwbNumber, StockRange
from ponte.logistics.network import sample_flights
from ponte.logistics.store.tables import HouseWaybill, ParcelRecord, ShipmentParcel
from ponte.orders.intake import OrderIn
from ponte.orders.service import load_order, place_order
from ponte.platform.db import Database

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _orders(db: Database, tenant: str, n: int) -> list[str]:
    data = product_payload("LIP-001")
    ids = []
    with db.unit_of_work() as uow:
        ProductRepository(uow.session, tenant).add(
            Product(
                id=f"prd_lip_{tenant[-6:]}",
                direction="export",
                attributes={},
                created_at=AT,
                **{
                    k: Decimal(v) if k in ("weight_kg", "length_cm", "width_cm", "height_cm", "price") else v
                    for k, v in data.items()
                },
            )
        )
        for i in range(n):
            payload = order_payload(f"SO-{i}", placed_at=AT.isoformat())
            ids.append(place_order(uow, tenant, OrderIn(**payload), AT).id)
        uow.commit()
    return ids


def test_orders_are_packed_consolidated_and_each_gets_its_waybill(database: Database, tenants) -> None:  # type: ignore[no-untyped-def]
    ids = _orders(database, tenants.a, 3)
    with database.unit_of_work() as uow:
        service.add_awb_range(uow, tenants.a, StockRange("784", 1000, 1099), AT)
        parcels = [service.pack(uow, tenants.a, load_order(uow, tenants.a, oid), AT) for oid in ids]
        again = service.pack(uow, tenants.a, load_order(uow, tenants.a, ids[0]), AT)
        uow.commit()
    assert again == parcels[0]  # packing twice keeps the one parcel
    assert all(p.destination == "GRU" and p.gross.kg > p.net.kg == Decimal("0.240") for p in parcels)
    with database.unit_of_work() as uow:
        result = service.consolidate_and_issue(uow, tenants.a, None, sample_flights(date(2026, 3, 2), 7), AT)
        uow.commit()
    assert result.summary["placed"] == 3 and set(result.waybills) == {p.id for p in parcels}
    waybill = result.waybills[parcels[0].id]
    assert waybill.by_air and AwbNumber.parse(waybill.master).prefix == "784" and waybill.flight == "CZ431"
    master = AwbNumber.parse(waybill.master)
    assert waybill.house.startswith(f"H{master.prefix}{master.serial}")
    assert {w.master for w in result.waybills.values()} == {waybill.master}  # one flight lot, one master
    with database.unit_of_work() as uow:
        assert service.waybill(uow, tenants.a, ids[1]) == result.waybills[parcels[1].id]
        rows = uow.session.scalars(select(ParcelRecord).where(ParcelRecord.tenant_id == tenants.a)).all()
        assert {r.status for r in rows} == {"booked"} and {r.order_id for r in rows} == set(ids)
        links = uow.session.scalars(select(ShipmentParcel)).all()
        assert {lk.parcel_id for lk in links} == {r.id for r in rows} and all(
            lk.uld and lk.bag for lk in links
        )
        (house,) = uow.session.scalars(select(HouseWaybill)).all()
        assert house.pieces == 3 and house.number == waybill.house
        # the timeline is found by the order's id as well as by the parcel's reference
        t = service.timeline(uow, tenants.a, ids[0], AT)
        assert t["ref"] == parcels[0].id and t["shipments"][0]["mawb"] == waybill.master
        again_result = service.consolidate_and_issue(
            uow, tenants.a, None, sample_flights(date(2026, 3, 2), 7), AT
        )
        assert again_result.summary["parcels"] == 0  # nothing packed is left waiting
    with database.unit_of_work() as uow, pytest.raises(ConflictError) as exc:
        service.hand_over(uow, tenants.a, ids[0], "CORREIOS", "AA123456789BR", AT)
    assert exc.value.rule == "parcel-state"  # booked on a flight already


def test_a_parcel_leaving_a_warehouse_takes_the_carriers_waybill(database: Database, tenants) -> None:  # type: ignore[no-untyped-def]
    (oid,) = _orders(database, tenants.a, 1)
    with database.unit_of_work() as uow:
        service.pack(uow, tenants.a, load_order(uow, tenants.a, oid), AT)
        uow.commit()

    def hand(_: int) -> str:
        with database.unit_of_work() as uow:
            try:
                service.hand_over(uow, tenants.a, oid, "correios", "AA123456789BR", AT)
                uow.commit()
                return "won"
            except ConflictError:
                return "conflict"

    if database.url.startswith("postgresql"):  # concurrent writers; SQLite serialises them (one writer)
        with ThreadPoolExecutor(4) as pool:
            outcomes = list(pool.map(hand, range(4)))
    else:
        outcomes = [hand(i) for i in range(4)]
    assert outcomes.count("won") == 1 and outcomes.count("conflict") == 3
    with database.unit_of_work() as uow:
        w = service.waybill(uow, tenants.a, oid)
    assert (
        w is not None
        and not w.by_air
        and (w.house, w.carrier, w.master) == ("AA123456789BR", "CORREIOS", None)
    )


def test_tenants_never_see_each_others_parcels(database: Database, tenants) -> None:  # type: ignore[no-untyped-def]
    (oid,) = _orders(database, tenants.a, 1)
    with database.unit_of_work() as uow:
        service.pack(uow, tenants.a, load_order(uow, tenants.a, oid), AT)
        uow.commit()
    with database.unit_of_work() as uow:
        assert service.waybill(uow, tenants.b, oid) is None
        result = service.consolidate_and_issue(uow, tenants.b, None, sample_flights(date(2026, 3, 2), 7), AT)
        assert result.summary["parcels"] == 0

"""A returning buyer (found by tax ID) who gives another address: each order keeps the address and
contact it was placed with, everywhere it is read (the record, the seller's console, the export, the
customs messages); existing orders take their buyer's stored address when the store is migrated."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import text

from factories import order_payload, product_payload
from ponte.orders.intake import OrderIn
from ponte.orders.rows import records, to_tables
from ponte.orders.service import find, load_orders, place_order
from ponte.platform.crypto import cipher
from ponte.platform.db import Database
from ponte.platform.migrate import upgrade

AT = datetime(2026, 11, 11, 4, 0, tzinfo=UTC)
RIO = {"line1": "Rua Voluntários da Pátria 45", "city": "Rio de Janeiro", "region": "RJ",
       "postal_code": "22270-000", "country": "BR"}  # fmt: skip


def _moved(ref: str) -> dict:  # type: ignore[type-arg]
    payload = order_payload(ref, destination_region="BR-RJ")
    payload["buyer"] = {**payload["buyer"], "phone": "+55 21 99876-5432", "address": RIO}
    return payload


def test_each_order_of_a_returning_buyer_keeps_its_own_address(api, database: Database, tenants) -> None:  # type: ignore[no-untyped-def]
    assert (
        api.post("/products", json=product_payload(), headers=tenants.headers(tenants.key_a)).status_code
        == 201
    )
    with database.unit_of_work() as uow:
        first = place_order(uow, tenants.a, OrderIn.model_validate(order_payload("SP-1")), AT)
        second = place_order(uow, tenants.a, OrderIn.model_validate(_moved("RJ-1")), AT)
        uow.commit()
    assert first.buyer_id == second.buyer_id  # one person, found again by tax ID
    with database.unit_of_work() as uow:
        by_id = {o.id: o for o in load_orders(uow, tenants.a, [first.id, second.id])}
        _, given = find(uow, tenants.a, second.id)
    assert by_id[first.id].buyer.address.city == "São Paulo"
    assert by_id[second.id].buyer.address.city == "Rio de Janeiro"
    assert by_id[second.id].buyer.phone == "+55 21 99876-5432" == given.phone
    assert given.address.line1 == RIO["line1"] and given.tax_id == "52998224725"
    exported = {o.id: o for o in records(to_tables(by_id.values()))}
    assert exported[first.id].buyer.address.city == "São Paulo"  # type: ignore[union-attr]
    assert exported[second.id].buyer.address.city == "Rio de Janeiro"  # type: ignore[union-attr]
    with database.engine.connect() as conn:
        for row in conn.execute(text("SELECT ship_address, ship_phone FROM orders")):
            assert "Rio" not in row[0] and "Paulista" not in row[0] and "9876" not in (row[1] or "")


def test_migrating_gives_existing_orders_their_buyers_address(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url, "orders_0001")
    address = cipher().encrypt(json.dumps(RIO, ensure_ascii=False))
    phone = cipher().encrypt("+55 21 99876-5432")
    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO tenants (id, slug, name, kind, country, created_at) VALUES ('t1', 'loja', 'Loja', 'seller', 'CN', '2026-11-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO buyers (id, tenant_id, country, kind, name, tax_id_kind, tax_id, tax_id_index,"
                " phone, address, created_at) VALUES ('b1', 't1', 'BR', 'individual', :n, 'br.cpf', :t, 'i',"
                " :p, :a, '2026-11-01')"
            ),
            {"n": cipher().encrypt("Maria"), "t": cipher().encrypt("52998224725"), "p": phone, "a": address},
        )
        conn.execute(
            text(
                "INSERT INTO orders (id, tenant_id, external_ref, channel, direction, trade_mode, buyer_id,"
                " destination, currency, goods_value, freight, insurance, discount, status, placed_at,"
                " created_at) VALUES ('o1', 't1', 'R1', 'api', 'export', '9610', 'b1', 'BR', 'USD', '1', '0',"
                " '0', '0', 'placed', '2026-11-01', '2026-11-01')"
            )
        )
    db.dispose()
    upgrade(url)
    db = Database(url)
    with db.engine.connect() as conn:
        ship_address, ship_phone = conn.execute(text("SELECT ship_address, ship_phone FROM orders")).one()
    db.dispose()
    assert json.loads(cipher().decrypt(ship_address))["city"] == "Rio de Janeiro"
    assert cipher().decrypt(ship_phone) == "+55 21 99876-5432"

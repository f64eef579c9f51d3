import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from factories import order_payload, product_payload
from ponte.catalog.store import Product, ProductRepository
from ponte.kernel.errors import ValidationError
from ponte.orders.intake import OrderIn
from ponte.orders.service import place_order
from ponte.orders.store import Buyer, OrderRepository
from ponte.platform.db import Base, Database
from ponte.platform.migrate import upgrade

AT = datetime(2026, 11, 11, 4, 0, tzinfo=UTC)


def add_product(db: Database, tenant_id: str, sku: str = "LIP-001") -> None:
    data = product_payload(sku)
    with db.unit_of_work() as uow:
        ProductRepository(uow.session, tenant_id).add(
            Product(
                id=f"prd_{sku}_{tenant_id[-4:]}",
                direction="export",
                attributes={},
                created_at=AT,
                **{
                    k: (
                        Decimal(v) if k in ("weight_kg", "length_cm", "width_cm", "height_cm", "price") else v
                    )
                    for k, v in data.items()
                },
            )
        )
        uow.commit()


def test_migrations_build_exactly_the_models(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    db = Database(url)
    from ponte import schema as models  # noqa: F401

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_migrations_build_exactly_the_models_on_postgres(_postgres_schema: str) -> None:
    db = Database(_postgres_schema)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    db.dispose()
    assert diff == []


def test_order_round_trips_exactly_and_personal_data_is_encrypted(database: Database, tenants) -> None:  # type: ignore[no-untyped-def]
    add_product(database, tenants.a)
    with database.unit_of_work() as uow:
        order = place_order(uow, tenants.a, OrderIn.model_validate(order_payload(freight="4.505")), AT)
        uow.commit()
    with database.unit_of_work() as uow:
        stored = OrderRepository(uow.session, tenants.a).get(order.id)
        assert stored.goods_value == Decimal("19.80")
        assert stored.freight == Decimal("4.505")
        assert stored.placed_at == AT and stored.placed_at.tzinfo is not None
        assert [line.sku for line in stored.lines] == ["LIP-001"]
    with database.engine.connect() as conn:
        raw = conn.execute(text("SELECT name, tax_id, phone, address FROM buyers")).one()
    for column in raw:
        assert "Maria" not in column and "52998224725" not in column and "Paulista" not in column
    with database.unit_of_work() as uow:
        buyer = uow.session.get(Buyer, stored.buyer_id)
        assert buyer.tax_id == "52998224725" and buyer.tax_id_kind == "br.cpf"
        assert json.loads(buyer.address)["postal_code"] == "01310-100"


def test_a_rejected_order_leaves_nothing_behind(database: Database, tenants) -> None:  # type: ignore[no-untyped-def]
    add_product(database, tenants.a)
    bad = order_payload(lines=[{"sku": "LIP-001", "quantity": 1}, {"sku": "NOPE", "quantity": 1}])
    with database.unit_of_work() as uow, pytest.raises(ValidationError) as err:
        place_order(uow, tenants.a, OrderIn.model_validate(bad), AT)
    assert [v.field for v in err.value.violations] == ["lines.1.sku"]
    with database.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM orders")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM buyers")).scalar() == 0


def test_repositories_never_cross_tenants(database: Database, tenants) -> None:  # type: ignore[no-untyped-def]
    add_product(database, tenants.a)
    with database.unit_of_work() as uow:
        place_order(uow, tenants.a, OrderIn.model_validate(order_payload()), AT)
        uow.commit()
    with database.unit_of_work() as uow:
        assert OrderRepository(uow.session, tenants.b).page(None, 50).items == []
        assert ProductRepository(uow.session, tenants.b).by_sku("LIP-001") is None


def test_bad_tax_id_and_postal_code_are_named(database: Database, tenants) -> None:  # type: ignore[no-untyped-def]
    add_product(database, tenants.a)
    payload = order_payload()
    payload["buyer"]["tax_id"] = "529.982.247-26"
    payload["buyer"]["address"]["postal_code"] = "0131"
    with database.unit_of_work() as uow, pytest.raises(ValidationError) as err:
        place_order(uow, tenants.a, OrderIn.model_validate(payload), AT)
    fields = {v.field: v.rule for v in err.value.violations}
    assert fields["buyer.tax_id"].startswith("br.cpf:")
    assert fields["buyer.address.postal_code"].startswith("postal-rules:")


def test_a_nested_transaction_rolls_back_alone_on_sqlite(sqlite_database: Database) -> None:
    from ponte.accounts.store import TenantRepository

    with sqlite_database.unit_of_work() as uow:
        repo = TenantRepository(uow.session)
        repo.add("Kept", "kept", "seller", "CN")
        savepoint = uow.session.begin_nested()
        repo.add("Dropped", "dropped", "seller", "CN")
        savepoint.rollback()
        uow.commit()
    with sqlite_database.unit_of_work() as uow:
        slugs = {t.slug for t in TenantRepository(uow.session).list()}
    assert "kept" in slugs and "dropped" not in slugs

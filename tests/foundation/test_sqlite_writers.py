"""SQLite with several workers: one writer at a time (BEGIN IMMEDIATE, WAL, busy timeout), so concurrent
writes from separate engines (as separate server processes have) wait their turn instead of failing with
"database is locked"."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from factories import product_payload, seed_tenants
from ponte import schema
from ponte.catalog.store import Product, ProductRepository
from ponte.kernel.ids import new_id
from ponte.platform.db import Database


def test_concurrent_writers_on_two_engines_all_commit(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    first, second = Database(url), Database(url)
    schema.create_all(first.engine)
    tenants = seed_tenants(first)
    with first.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"

    def write(n: int) -> str:
        db = first if n % 2 else second
        data = product_payload(f"SKU-{n}")
        with db.unit_of_work() as uow:
            repo = ProductRepository(uow.session, tenants.a)
            existing = repo.by_skus([data["sku"]])  # read, then write: the pattern that used to deadlock
            assert not existing
            repo.add(
                Product(
                    id=new_id("prd"), direction="export", attributes={}, created_at=datetime.now(UTC), sku=data["sku"], titles=data["titles"],
                    category=data["category"], hs_code=data["hs_code"], origin_country=data["origin_country"],
                    weight_kg=Decimal(data["weight_kg"]), length_cm=Decimal(1), width_cm=Decimal(1), height_cm=Decimal(1), price=Decimal(data["price"]),
                    currency=data["currency"],
                )
            )  # fmt: skip
            uow.commit()
        return data["sku"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        skus = list(pool.map(write, range(64)))
    with first.unit_of_work() as uow:
        stored = ProductRepository(uow.session, tenants.a).by_skus(skus)
    assert len(stored) == 64
    first.dispose()
    second.dispose()

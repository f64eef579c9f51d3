"""CSV order upload: rows per second through `POST /api/v1/orders/import` on PostgreSQL.

Usage: python bench/csv_upload.py [--rows 100000] [--chunk 50000]

A fresh PostgreSQL database (PONTE_BENCH_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres),
migrated; one seller with one product; ``--rows`` one-line orders (each its own external_ref and buyer) sent in
files of ``--chunk`` rows (the upload's row limit is 50,000), each file one request and one unit of work. The
baseline beside it is the same orders parsed and checked only (``dry_run=true``): what the intake costs before
placing and quoting. Prints rows/s for both and the ratio.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import time
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ponte.accounts import service as accounts
from ponte.accounts.store import TenantRepository
from ponte.api.app import attach, create_api
from ponte.api.deps import KeyCache
from ponte.bootstrap import Platform
from ponte.orders.csv_upload import COLUMNS
from ponte.platform.db import Database
from ponte.platform.migrate import upgrade
from ponte.platform.settings import Settings

CPFS = ("52998224725", "11144477735", "39053344705", "15350946056")


def fresh_database(server_url: str) -> tuple[str, str]:
    server = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"ponte_bench_csv_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False), name


def drop_database(server_url: str, name: str) -> None:
    server = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def orders_csv(first: int, rows: int) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for n in range(first, first + rows):
        writer.writerow(
            {
                "external_ref": f"SO-{n:07d}", "destination": "BR", "destination_region": "BR-SP",
                "currency": "USD", "trade_mode": "9610", "freight": "4.50", "buyer_name": f"Maria Silva {n}",
                "buyer_tax_id": CPFS[n % len(CPFS)], "buyer_tax_id_kind": "br.cpf", "buyer_phone": "",
                "buyer_email": "", "address_line1": "Avenida Paulista 1000", "address_city": "São Paulo",
                "address_region": "SP", "address_postal_code": "01310-100", "sku": "LIP-001", "quantity": "2",
                "unit_price": "",
            }
        )  # fmt: skip
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--chunk", type=int, default=50_000)
    args = parser.parse_args()
    server = os.environ.get("PONTE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    url, name = fresh_database(server)
    try:
        upgrade(url)
        database = Database(url)
        platform = Platform(Settings(database_url=url), _database=database)
        platform.cipher  # noqa: B018 - personal data is encrypted from the first order on
        with database.unit_of_work() as uow:
            tenant = TenantRepository(uow.session).add("Bench seller", "bench", "seller", "CN")
            _, key = accounts.issue_key(uow, tenant.id, "bench", None)
            uow.commit()
        app = create_api()
        attach(app, platform, KeyCache())
        h = {"Authorization": f"Bearer {key}", "Content-Type": "text/csv"}
        with TestClient(app) as client:
            product = {
                "sku": "LIP-001", "titles": {"en": "Matte lipstick", "zh-CN": "口红"}, "category": "beauty",
                "hs_code": "330410", "origin_country": "CN", "weight_kg": "0.120", "length_cm": "10",
                "width_cm": "3", "height_cm": "3", "price": "9.90", "currency": "USD",
            }  # fmt: skip
            assert (
                client.post(
                    "/products", json=product, headers={"Authorization": h["Authorization"]}
                ).status_code
                == 201
            )
            files = [orders_csv(i, min(args.chunk, args.rows - i)) for i in range(0, args.rows, args.chunk)]
            started = time.perf_counter()
            for body in files:
                r = client.post("/orders/import?dry_run=true", content=body, headers=h)
                assert r.status_code == 200, r.text[:500]
            checked = time.perf_counter() - started
            started = time.perf_counter()
            for body in files:
                r = client.post("/orders/import", content=body, headers=h)
                assert r.status_code == 201, r.text[:500]
            stored = time.perf_counter() - started
        database.dispose()
    finally:
        drop_database(server, name)
    print(f"CSV order upload, {args.rows:,} one-line orders in files of {args.chunk:,} rows, PostgreSQL")
    print(f"  parse and check only (dry run)  {args.rows / checked:10,.0f} rows/s  ({checked:.1f} s)")
    print(f"  place and quote (stored)        {args.rows / stored:10,.0f} rows/s  ({stored:.1f} s)")
    print(f"  ratio stored / checked          {checked / stored:10.3f}")
    print("  target: 5,000 rows/s stored")


if __name__ == "__main__":
    sys.exit(main())

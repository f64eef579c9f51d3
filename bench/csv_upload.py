"""CSV order upload: rows per second of a 100,000-row file imported in the background, on PostgreSQL and SQLite.

Usage: python bench/csv_upload.py [--rows 100000] [--sample 300] [--backend postgresql sqlite]

Each backend runs in a process of its own (so its peak memory is its own), on a fresh database migrated
with Alembic (PostgreSQL: a new database on PONTE_TEST_POSTGRES_URL's server, or PONTE_BENCH_POSTGRES_URL,
default postgresql://postgres@127.0.0.1:5432/postgres; SQLite: a file in a temporary folder). One seller, one
product, ``--rows`` one-line orders, each its own external reference and its own buyer (a distinct CPF, so
every row creates and encrypts a buyer). The file goes through the API (``POST /orders/imports``: checked
whole, queued, 202) and the background worker's rounds place it chunk by chunk; the figure is rows from the
request to the job's ``done``. Beside it, in the same process, the previous way: ``--sample`` rows of the
same kind placed one by one through ``journey.place`` in one unit of work (what the upload did per row).
Prints rows/s (and rows per CPU-second of the process, which a busy machine changes less), the peak
resident memory of the process beside its memory before the import, and the load average.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from stdnum.br import cpf

from ponte.accounts import service as accounts
from ponte.accounts.store import TenantRepository
from ponte.api.app import attach, create_api
from ponte.api.deps import KeyCache
from ponte.bootstrap import Platform
from ponte.journey import imports
from ponte.journey import service as journey
from ponte.orders import csv_stream, csv_upload
from ponte.orders.csv_upload import COLUMNS
from ponte.platform.db import Database
from ponte.platform.migrate import upgrade
from ponte.platform.settings import Settings

PRODUCT = {
    "sku": "LIP-001", "titles": {"en": "Matte lipstick", "zh-CN": "口红"}, "category": "beauty",
    "hs_code": "330410", "origin_country": "CN", "weight_kg": "0.120", "length_cm": "10",
    "width_cm": "3", "height_cm": "3", "price": "9.90", "currency": "USD",
}  # fmt: skip


def a_cpf(n: int) -> str:
    base = f"{100_000_000 + n:09d}"
    return base + cpf._calc_check_digits(base)


def orders_csv(first: int, rows: int, prefix: str) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for n in range(first, first + rows):
        writer.writerow(
            {
                "external_ref": f"{prefix}-{n:07d}", "destination": "BR", "destination_region": "BR-SP",
                "currency": "USD", "trade_mode": "9610", "freight": "4.50", "buyer_name": f"Maria Silva {n}",
                "buyer_tax_id": a_cpf(n), "buyer_tax_id_kind": "br.cpf", "buyer_phone": "",
                "buyer_email": "", "address_line1": "Avenida Paulista 1000", "address_city": "São Paulo",
                "address_region": "SP", "address_postal_code": "01310-100", "sku": "LIP-001", "quantity": "2",
                "unit_price": "",
            }
        )  # fmt: skip
    return out.getvalue().encode("utf-8")


def _server() -> str:
    return os.environ.get(
        "PONTE_BENCH_POSTGRES_URL",
        os.environ.get("PONTE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )


def _admin(server_url: str):  # type: ignore[no-untyped-def]
    server = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    return server, create_engine(server, isolation_level="AUTOCOMMIT")


def one(backend: str, rows: int, sample: int) -> dict[str, float]:
    folder = tempfile.mkdtemp(prefix="ponte-bench-csv-")
    name = f"ponte_bench_csv_{uuid.uuid4().hex[:8]}"
    if backend == "postgresql":
        server, admin = _admin(_server())
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{Path(folder) / 'ponte.db'}"
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
        auth = {"Authorization": f"Bearer {key}"}
        ctx = platform.journey
        with TestClient(app) as client:
            assert client.post("/products", json=PRODUCT, headers=auth).status_code == 201
            body = orders_csv(0, rows, "SO")
            rss_before = _rss_mb()
            started, cpu = time.perf_counter(), time.process_time()
            r = client.post("/orders/imports", content=body, headers={**auth, "Content-Type": "text/csv"})
            assert r.status_code == 202, r.text[:500]
            job = r.json()["id"]
            queued = time.perf_counter() - started
            while True:
                imports.run_due(database, ctx, None, "bench-worker")
                state = client.get(f"/orders/imports/{job}", headers=auth).json()
                if state["state"] in ("done", "failed"):
                    break
            bulk, cpu = time.perf_counter() - started, time.process_time() - cpu
            assert state["state"] == "done" and state["orders_stored"] == rows, state
        # the previous way: every row placed alone (parsed, placed, quoted, moved), one unit of work
        parsed, errors = csv_upload.group(
            r for chunk in csv_stream.chunks(orders_csv(rows, sample, "ALONE"), 10**9) for r in chunk
        )
        assert not errors
        started = time.perf_counter()
        with database.unit_of_work() as uow:
            at = datetime.now(UTC)
            for item in parsed:
                journey.place(uow, tenant.id, item.order, ctx, at)
            uow.commit()
        alone = time.perf_counter() - started
        database.dispose()
    finally:
        if backend == "postgresql":
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": rows, "bulk_s": bulk, "cpu_s": cpu, "queued_s": queued, "sample": sample, "alone_s": alone,
            "peak_mb": peak_mb, "before_mb": rss_before, "file_mb": len(body) / 1e6}  # fmt: skip


def _rss_mb() -> float:
    """The process's resident memory now (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--backend", nargs="*", default=["postgresql", "sqlite"])
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.rows, args.sample)))
        return
    print(f"CSV order upload: {args.rows:,} one-line orders, each with its own buyer, as a background import")
    for backend in args.backend:
        done = subprocess.run(
            [sys.executable, __file__, "--one", backend, "--rows", str(args.rows), "--sample", str(args.sample)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        f = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  {backend:<10}  bulk import  {f['rows'] / f['bulk_s']:9,.0f} rows/s  ({f['bulk_s']:.1f} s, "
              f"file {f['file_mb']:.1f} MB checked and queued in {f['queued_s']:.1f} s)")  # fmt: skip
        print(
            f"  {'':<10}  row by row   {f['sample'] / f['alone_s']:9,.0f} rows/s  ({f['sample']} rows, "
            f"{f['alone_s']:.1f} s)   speed-up x{(f['rows'] / f['bulk_s']) / (f['sample'] / f['alone_s']):.0f}"
        )
        print(
            f"  {'':<10}  CPU          {f['rows'] / f['cpu_s']:9,.0f} rows per CPU-second of the Ponte process "
            f"({f['cpu_s']:.1f} s; the database server's own CPU not counted)"
        )
        print(
            f"  {'':<10}  peak memory  {f['peak_mb']:9,.0f} MB resident ({f['before_mb']:,.0f} MB before the import)"
        )
    print(f"  load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    print("  target: 5,000 rows/s on PostgreSQL")


if __name__ == "__main__":
    sys.exit(main())

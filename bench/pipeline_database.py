"""Rows per second of `ponte process --database` on PostgreSQL: reading a tenant's orders out of the store, and
writing their journey back.

    python bench/pipeline_database.py [--orders 100000] [--workers 2] [--url postgresql://…/postgres]
                                      [--no-baseline]

A fresh database is created on the server of --url (dropped at the end), migrated, and loaded with a simulated
corpus of one seller (seed 42, one day; loading is not timed); its orders are then marked quoted, as the
journey leaves them when they are placed. Printed: the read (orders, lines and buyers out of the store as the
orders dataset's tables, personal data decrypted) in orders/s and rows/s, beside the same-run baseline of
``ponte export``'s ORM path over the same orders; the job's own time; the write-back split into deciding
(order records, parcels, the quotes frozen for orders whose trade mode changed) and storing (the moves with
their events, quote revisions, parcels, shipments, house waybills and links), in rows/s; and the load average.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ponte.accounts import service as accounts
from ponte.batch import database as database_mode
from ponte.batch.context import build_context
from ponte.batch.job import run
from ponte.batch.runners import PoolRunner, SerialRunner
from ponte.logistics.network import sample_flights
from ponte.orders import service as orders
from ponte.platform.crypto import configure
from ponte.platform.db import Database, UnitOfWork
from ponte.platform.migrate import upgrade
from ponte.simulate import simulate
from ponte.simulate.load import load_corpus

START = date(2026, 3, 2)
TABLES = (
    "orders", "order_events", "order_quotes", "logistics_parcels", "logistics_shipments",
    "logistics_house_waybills", "logistics_shipment_parcels", "logistics_awb_issued",
)  # fmt: skip


def _stock() -> tuple[tuple[str, int, int], ...]:
    carriers = sorted({f.carrier for f in sample_flights(date(2026, 1, 5), 7)})
    return tuple((c, 1000000, 9999999) for c in carriers)


def _load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def _counts(db: Database) -> Counter[str]:
    with db.engine.connect() as c:
        return Counter({t: int(c.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() or 0) for t in TABLES})


class _Timed(database_mode.WriteBack):
    """The write-back with its two halves timed: deciding (no database writes) and storing."""

    deciding = 0.0
    storing = 0.0

    def plan(self, part: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return super().plan(part)
        finally:
            self.deciding += time.perf_counter() - t0

    def apply(self, uow: UnitOfWork, plan: Any) -> set[str]:
        t0 = time.perf_counter()
        try:
            moved = super().apply(uow, plan)
            uow.session.flush()
            return moved
        finally:
            self.storing += time.perf_counter() - t0


def bench(url: str, n: int, workers: int, baseline: bool) -> None:
    db = Database(url)
    tables = simulate(42, n, START, 1, 1)
    load_corpus(db, tables, slug_prefix="bench", issue_keys=False)
    with db.engine.begin() as c:
        c.execute(text("UPDATE orders SET status = 'quoted'"))
        c.execute(text("ANALYZE"))
    print(f"corpus: {n:,} orders, {tables.lines.num_rows:,} lines, {tables.buyers.num_rows:,} buyers")
    print(f"  load before the read: {_load()}")

    t0 = time.perf_counter()
    tenant_id, inputs = database_mode.read_orders(db, database_mode.Selection("bench-001", status="quoted"))
    read = time.perf_counter() - t0
    got = inputs.orders
    rows = sum(sum(t[k].num_rows for k in ("orders", "lines", "buyers")) for t in inputs.parts.values())
    print(f"read:  {got:,} orders in {read:.1f} s = {got / read:,.0f} orders/s, {rows / read:,.0f} rows/s")
    if baseline:
        t0 = time.perf_counter()
        with db.unit_of_work(readonly=True) as uow:
            exported = orders.export_tables(uow, accounts.tenant_id_of(uow, "bench-001"), status="quoted")
        orm = time.perf_counter() - t0
        k = exported["orders"].num_rows
        print(f"  baseline, ponte export's ORM path: {k:,} orders in {orm:.1f} s = {k / orm:,.0f} orders/s")

    span = inputs.days()
    assert span is not None
    ctx = build_context(span, awb_ranges=_stock())
    runner = PoolRunner(workers) if workers > 1 else SerialRunner()
    with TemporaryDirectory(prefix="ponte-bench-db-") as tmp:
        out = Path(tmp)
        t0 = time.perf_counter()
        run(inputs, out, ctx, runner)
        job = time.perf_counter() - t0
        print(f"job:   {got / job:,.0f} orders/s ({job:.1f} s, {runner.name}, {workers} workers)")
        before = _counts(db)
        back = _Timed(db, tenant_id, inputs, out, ctx, datetime.now(UTC))
        t0 = time.perf_counter()
        back.pending()
        total = time.perf_counter() - t0
    written = _counts(db) - before
    rows_out = sum(v for k, v in written.items() if k != "orders")
    moved = sum(back.written.moved.values())
    print(
        f"write: {moved:,} orders moved ({dict(back.written.moved)}) in {total:.1f} s = {moved / total:,.0f} orders/s"
    )
    print(f"  deciding {back.deciding:.1f} s ({moved / back.deciding:,.0f} orders/s)")
    print(
        f"  storing  {back.storing:.1f} s: {rows_out:,} rows + {moved:,} order updates = "
        f"{(rows_out + moved) / back.storing:,.0f} rows/s"
    )
    print("  rows written: " + ", ".join(f"{k}={v:,}" for k, v in sorted(written.items()) if v))
    print(f"  quotes frozen again (trade mode changed): {back.written.quotes:,}")
    print(f"  load after: {_load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--url",
        default=os.environ.get("PONTE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server (a database of the bench's own is created on it and dropped)",
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the ORM export baseline")
    args = parser.parse_args()
    os.environ.setdefault("PONTE_DATA_KEY", "ponte-bench-data-key-not-a-secret-of-anyone")
    configure([os.environ["PONTE_DATA_KEY"]])
    server = make_url(args.url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"ponte_bench_db_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        bench(url, args.orders, args.workers, not args.no_baseline)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()

"""Flash sale on one hot SKU through the HTTP API, on PostgreSQL.

Starts `uvicorn ponte.api.app:create_app` (several workers) on a fresh
database, opens an offer, and drives concurrent buyers (keep-alive HTTP/1.1
connections from one asyncio process) at POST /api/v1/live/offers/{id}/purchases
until the stock is gone or the time is up. Prints accepted orders/s, p50/p99
latency, oversold units (must be 0), and beside them the same-run ceiling of
the bare primitive: `UPDATE stock SET qty = qty - 1 WHERE id = 1 AND qty >= 1`
with synchronous commit on the same database.

    python bench/flash_sale.py --seconds 8 --connections 64 --workers 2

Environment: PONTE_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg
import uvloop
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ponte.accounts.core import ALL_TENANT_SCOPES
from ponte.accounts.store import ApiKeyRepository, TenantRepository
from ponte.catalog.store import Booth, Product
from ponte.kernel.ids import new_id
from ponte.live.offers import OfferTerms
from ponte.live.sessions import Visit
from ponte.live.store.ledger import reconcile
from ponte.live.store.repository import LiveRepository
from ponte.platform.db import Database
from ponte.platform.migrate import upgrade


def fresh_database(server_url: str) -> tuple[str, str]:
    server = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"ponte_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, server.set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, name: str) -> None:
    server = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def seed(url: str, cap: int, limit: int, buckets: int) -> tuple[str, str, str, str]:
    """A seller, an API key, a product, a session and one open offer; returns (key, offer id, tenant)."""
    db = Database(url)
    at = datetime.now(UTC)
    with db.unit_of_work() as uow:
        tenant = TenantRepository(uow.session).add("Beleza Shenzhen", "beleza", "seller", "CN")
        _, key = ApiKeyRepository(uow.session).issue(tenant.id, "bench", ALL_TENANT_SCOPES)
        booth = Booth(id=new_id("bth"), tenant_id=tenant.id, code="B-1", hall="H1", categories=["beauty"])
        uow.session.add(booth)
        uow.session.add(
            Product(
                id=new_id("prd"),
                tenant_id=tenant.id,
                sku="LIP-HOT",
                titles={"en": "Lipstick"},
                category="beauty",
                direction="export",
                hs_code="330410",
                origin_country="CN",
                weight_kg=Decimal("0.05"),
                length_cm=Decimal(8),
                width_cm=Decimal(2),
                height_cm=Decimal(2),
                price=Decimal("89"),
                currency="CNY",
                attributes={},
                created_at=at,
            )
        )
        uow.session.flush()
        repo = LiveRepository(uow.session, tenant.id)
        streamer = repo.add_streamer("Lia", ["pt-BR"], at)
        live = repo.add_session(
            "Bench",
            streamer.id,
            at - timedelta(minutes=5),
            at + timedelta(hours=1),
            [Visit(booth.id, at - timedelta(minutes=1))],
            at,
        )
        terms = OfferTerms(
            price=Decimal("59.90"),
            currency="CNY",
            quantity_cap=cap,
            per_buyer_limit=limit,
            opens_at=at - timedelta(seconds=1),
            closes_at=at + timedelta(hours=1),
            buckets=buckets,
        )
        offer = repo.add_offer(live.id, "LIP-HOT", terms, at)
        spare = repo.add_offer(live.id, "LIP-HOT", terms, at)  # for the no-HTTP run
        uow.commit()
    db.dispose()
    return key, offer.id, tenant.id, spare.id


def bare_decrement(url: str, seconds: float, clients: int) -> float:
    """Same-run ceiling: the atomic conditional decrement of one row, autocommit, sync commit."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_stock (id int PRIMARY KEY, qty bigint NOT NULL)")
        conn.execute(
            "INSERT INTO bench_stock VALUES (1, 100000000) ON CONFLICT (id) DO UPDATE SET qty = 100000000"
        )
    done = [0] * clients
    stop = time.monotonic() + seconds

    def run(i: int) -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            while time.monotonic() < stop:
                conn.execute("UPDATE bench_stock SET qty = qty - 1 WHERE id = 1 AND qty >= 1", prepare=True)
                done[i] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / seconds


async def batched_purchases(url: str, tenant_id: str, offer_id: str, seconds: float, buyers: int) -> float:
    """The purchase statement through the group-commit batcher, without the web framework."""
    from ponte.live.store.pg_batcher import AsyncPurchaseBatcher
    from ponte.live.store.stock_sql import load_offer, prepare

    db = Database(url)
    offer = load_offer(db, tenant_id, offer_id)
    db.dispose()
    batcher = AsyncPurchaseBatcher(url)
    taken = [0]
    stop = time.monotonic() + seconds

    async def one(i: int) -> None:
        k = 0
        while time.monotonic() < stop:
            k += 1
            result = await batcher.submit(prepare(offer, f"bench-{i}-{k}", 1, datetime.now(UTC), None))
            taken[0] += result.taken

    await asyncio.gather(*(one(i) for i in range(buyers)))
    return taken[0] / seconds


async def buyer(port: int, request_for, results: list, stop: float) -> None:  # type: ignore[no-untyped-def]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    while time.monotonic() < stop:
        payload = request_for()
        started = time.perf_counter()
        writer.write(payload)
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        at = head.lower().find(b"content-length:")
        length = int(head[at + 15 : head.index(b"\r\n", at)]) if at >= 0 else 0
        await reader.readexactly(length)
        results.append((status, time.perf_counter() - started))
        if status == 409:  # sold out: this buyer stops
            break
    writer.close()


async def drive(port: int, key: str, offer_id: str, connections: int, seconds: float) -> list:  # type: ignore[type-arg]
    results: list[tuple[int, float]] = []
    path = f"/api/v1/live/offers/{offer_id}/purchases"

    run = f"{random.getrandbits(40):010x}"
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n".encode()
    counter = itertools.count()

    def request_for() -> bytes:
        n = next(counter)
        body = b'{"buyer_ref":"viewer-%s-%d","quantity":1}' % (run.encode(), n)
        return (
            b"%sIdempotency-Key: %s-%d\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
            % (
                head,
                run.encode(),
                n,
                len(body),
                body,
            )
        )

    stop = time.monotonic() + seconds
    await asyncio.gather(*(buyer(port, request_for, results, stop) for _ in range(connections)))
    return results


def _ticks(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except OSError:
        return 0


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                continue
    return found


def cpu_seconds(server_pid: int, url: str, name: str) -> tuple[float, float]:
    """CPU used so far by the server's worker processes and by this database's backends."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn, autocommit=True) as conn:
        backends = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [name])]
    hz = os.sysconf("SC_CLK_TCK")
    workers = [server_pid, *_children(server_pid)]
    return sum(map(_ticks, workers)) / hz, sum(map(_ticks, backends)) / hz


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--stock", type=int, default=40_000, help="units of the hot SKU")
    parser.add_argument("--buckets", type=int, default=16)
    parser.add_argument("--baseline-clients", type=int, default=8)
    parser.add_argument("--loop", default="uvloop", choices=["uvloop", "asyncio"], help="uvicorn event loop")
    parser.add_argument(
        "--http", default="httptools", choices=["httptools", "h11"], help="uvicorn HTTP parser"
    )
    args = parser.parse_args()
    server = os.environ.get("PONTE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name, url = fresh_database(server)
    try:
        upgrade(url, "live@head")  # the foundation and the live tables only
        key, offer_id, tenant_id, spare_id = seed(url, args.stock, 1, args.buckets)
        ceiling = bare_decrement(url, min(args.seconds, 5), args.baseline_clients)
        no_http = asyncio.run(
            batched_purchases(url, tenant_id, spare_id, min(args.seconds, 5), args.connections)
        )
        port = free_port()
        # one load generator on one address with one key: the server's rate limits would measure themselves
        env = {**os.environ, "PONTE_DATABASE_URL": url, "PONTE_LOG_LEVEL": "WARNING"}
        env |= {"PONTE_RATE_LIMIT_PER_KEY": "", "PONTE_RATE_LIMIT_PER_IP": ""}
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "ponte.api.app:create_app",
                "--factory",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
                "--no-access-log",
                "--loop",
                args.loop,
                "--http",
                args.http,
                "--log-level",
                "warning",
            ],
            env=env,
        )
        try:
            wait_up(port)
            uvloop.run(drive(port, key, offer_id, 4, 1.0))  # warm the workers (buys a few units)
            app0, db0 = cpu_seconds(proc.pid, url, name)
            own0 = time.process_time()
            started = time.perf_counter()
            results = uvloop.run(drive(port, key, offer_id, args.connections, args.seconds))
            elapsed = time.perf_counter() - started
            own = time.process_time() - own0
            app1, db1 = cpu_seconds(proc.pid, url, name)
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
        db = Database(url)
        report = reconcile(db, tenant_id, offer_id)
        db.dispose()
        accepted = [lat for status, lat in results if status == 201]
        statuses: dict[int, int] = {}
        for status, _ in results:
            statuses[status] = statuses.get(status, 0) + 1
        sold = report.held + report.paid
        oversold = max(0, sold - args.stock) + (
            0 if report.balanced else abs(report.available + sold - report.quantity_cap)
        )
        lat = sorted(accepted) or [0.0]
        rate = len(accepted) / elapsed
        print(
            f"flash sale, one hot SKU, {args.stock} units in {args.buckets} buckets, "
            f"{args.connections} connections, {args.workers} uvicorn workers, PostgreSQL, synchronous_commit=on"
        )
        print(
            f"  server                 uvicorn --loop {args.loop} --http {args.http} --no-access-log, "
            "PONTE_LOG_LEVEL=WARNING; load generator: one asyncio process, keep-alive HTTP/1.1"
        )
        print(f"  responses by status    {dict(sorted(statuses.items()))}")
        print(f"  accepted orders/s      {rate:,.0f}  ({len(accepted)} in {elapsed:.2f} s)")
        print(
            f"  latency of accepted    p50 {statistics.median(lat) * 1000:.1f} ms   "
            f"p99 {lat[int(len(lat) * 0.99) - 1 if len(lat) > 1 else 0] * 1000:.1f} ms"
        )
        print(
            f"  ledger                 available {report.available} + held {report.held} + paid "
            f"{report.paid} = cap {report.quantity_cap}: {'balanced' if report.balanced else 'NOT BALANCED'}"
        )
        print(f"  oversold units         {oversold}")
        per = 1000 / max(len(accepted), 1)
        app_ms, db_ms, gen_ms = (app1 - app0) * per, (db1 - db0) * per, own * per
        busy = (app1 - app0 + db1 - db0 + own) / elapsed
        print(
            f"  CPU per accepted order app {app_ms:.2f} ms + database {db_ms:.2f} ms + load generator "
            f"{gen_ms:.2f} ms; this run used {busy:.2f} of {os.cpu_count()} cores"
        )
        print(
            f"  projection             {2000 / max(app_ms + db_ms, 0.001):,.0f} orders/s if server and "
            "database had 2 cores to themselves (CPU-bound estimate)"
        )
        print(
            f"  bare atomic decrement  {ceiling:,.0f}/s on one row ({args.baseline_clients} clients, same DB)"
        )
        print(
            f"  same purchases, no HTTP {no_http:,.0f}/s (one process, batcher only, {args.connections} buyers)"
        )
        print(f"  ratio API / bare       {rate / ceiling:.2f}")
    finally:
        drop_database(server, name)


if __name__ == "__main__":
    main()

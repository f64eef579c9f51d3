"""Quote throughput: in-process, through the HTTP API, and batch of 1M orders.

    python bench/quotes.py [--rows 1000000] [--http-seconds 10] [--rate 1000]

Prints quotes/s, p50/p99 latency, peak memory, and the ratio to a same-run
baseline (a plain Decimal loop doing the bare arithmetic of one regime).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa

from ponte.bootstrap import Platform
from ponte.duties import default_rules, parse_request, quote
from ponte.duties.batch import quote_table
from ponte.duties.fastbatch import fast_quote
from ponte.duties.service import BatchContext, quote_orders
from ponte.orders.dataset import read_tables
from ponte.simulate import simulate, write

REQUESTS: list[dict[str, Any]] = [
    {
        "destination": "BR",
        "destination_region": "SP",
        "date": "2025-07-24",
        "currency": "USD",
        "seller": {"remessa_conforme": True},
        "items": [{"description": "blouse", "quantity": 1, "unit_price": "50"}],
    },
    {
        "destination": "MX",
        "date": "2025-09-01",
        "currency": "USD",
        "items": [{"description": "case", "quantity": 2, "unit_price": "12.50"}],
    },
    {
        "destination": "CN",
        "date": "2025-11-18",
        "currency": "CNY",
        "items": [
            {
                "description": "serum",
                "category": "skin_care",
                "quantity": 1,
                "unit_price": "425",
                "net_quantity": {"amount": "20", "unit": "g"},
            }
        ],
    },
    {
        "destination": "ES",
        "date": "2026-07-01",
        "currency": "EUR",
        "seller": {"ioss": True},
        "items": [{"description": "blouse", "hs_code": "620610", "quantity": 1, "unit_price": "40"}],
    },
]


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q)) * 1000


def baseline_loop(n: int) -> float:
    """Plain Decimal arithmetic of the Brazil RC low band + ICMS, per order."""
    rate, icms, cent = Decimal("0.20"), Decimal("0.17"), Decimal("0.01")
    values = [Decimal(str(v)) for v in range(1, 51)]
    start = time.perf_counter()
    for i in range(n):
        v = values[i % 50]
        ii = (v * rate).quantize(cent, ROUND_HALF_UP)
        _ = ((v + ii) / (1 - icms) * icms).quantize(cent, ROUND_HALF_UP)
    return n / (time.perf_counter() - start)


def in_process(n: int) -> tuple[float, list[float]]:
    rules = default_rules()
    lat: list[float] = []
    start = time.perf_counter()
    for i in range(n):
        t0 = time.perf_counter()
        quote(parse_request(REQUESTS[i % len(REQUESTS)]), rules).as_dict()
        lat.append(time.perf_counter() - t0)
    return n / (time.perf_counter() - start), lat


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SERVER_FLAGS = ["--no-access-log", "--log-level", "warning", "--loop", "uvloop", "--http", "httptools"]


def http(seconds: float, rate: float, workers: int) -> tuple[float, list[float], int]:
    """Open-loop load at `rate` req/s for `seconds` against uvicorn with `workers` processes.

    The client is one asyncio loop writing pre-encoded HTTP/1.1 requests on
    64 keep-alive connections (a thread-pool httpx client costs more CPU than
    the server on a 2-core machine). Latency runs from the time a request was
    due, so waiting for a free connection counts.
    """
    import asyncio

    tmp = Path(tempfile.mkdtemp())
    env = {
        **os.environ,
        "PONTE_DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "PONTE_LOG_LEVEL": "WARNING",
        "PONTE_RATE_LIMIT_PER_KEY": "",  # one load generator, one key, one address
        "PONTE_RATE_LIMIT_PER_IP": "",
    }
    key = _issue_key(env)
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "ponte.api.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            *SERVER_FLAGS,
        ],
        env=env,
    )
    bodies = [orjson.dumps(r) for r in REQUESTS]
    payloads = [
        (
            f"POST /api/v1/quotes HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(b)}\r\n\r\n"
        ).encode()
        + b
        for b in bodies
    ]

    async def exchange(conn: tuple[asyncio.StreamReader, asyncio.StreamWriter], payload: bytes) -> int:
        reader, writer = conn
        writer.write(payload)
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        await reader.readexactly(length)
        return status

    async def run() -> tuple[float, list[float], int]:
        for _ in range(900):  # up to 90 s: the server starts slowly on a loaded machine
            try:
                conn = await asyncio.open_connection("127.0.0.1", port)
                if await exchange(conn, payloads[0]) == 200:
                    conn[1].close()
                    break
            except (OSError, asyncio.IncompleteReadError):
                await asyncio.sleep(0.1)
        pool: asyncio.Queue[Any] = asyncio.Queue()
        for _ in range(64):
            pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))
        for i in range(200):  # warm every worker
            conn = await pool.get()
            await exchange(conn, payloads[i % len(payloads)])
            pool.put_nowait(conn)
        lat: list[float] = []
        errors = 0

        async def one(i: int, due: float) -> None:
            nonlocal errors
            conn = await pool.get()
            try:
                status = await exchange(conn, payloads[i % len(payloads)])
            finally:
                pool.put_nowait(conn)
            lat.append(time.perf_counter() - due)
            errors += status != 200

        total = int(seconds * rate)
        tasks = []
        start = time.perf_counter()
        for i in range(total):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i, due)))
        await asyncio.gather(*tasks)
        return total / (time.perf_counter() - start), lat, errors

    try:
        return asyncio.run(run())
    finally:
        server.terminate()
        server.wait(timeout=10)


def _issue_key(env: dict[str, str]) -> str:
    code = (
        "from ponte.platform.settings import get_settings\n"
        "from ponte import schema\nfrom ponte.platform.db import Database\n"
        "from ponte.accounts.store import ApiKeyRepository, TenantRepository\n"
        "db = Database(get_settings().database_url)\n"
        "schema.create_all(db.engine)\n"
        "with db.unit_of_work() as uow:\n"
        "    t = TenantRepository(uow.session).add('Bench', 'bench', 'seller', 'CN')\n"
        "    _, key = ApiKeyRepository(uow.session).issue(t.id, 'bench', ['quotes:read'])\n"
        "    uow.commit()\n"
        "print(key)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


ALL_MARKETS = ("BR", "MX", "CL", "CO", "PE", "ES", "PT", "CN")
FAST_MARKETS = ("BR", "MX", "PE")  # the first markets of the vectorised path (ponte.duties.fastbatch)
NEWER_MARKETS = ("UY", "EC", "DO", "CR", "GT", "PY")  # vectorised in ponte.duties.fastlowvalue
#: The realistic mix: the 8 markets above share 96% of the rows, the six newer ones 4% (an assumed
#: share of China's parcels to the corridor: no per-country parcel statistics were found; Uruguay's
#: customs counted 1.98 million franchise parcels in 2025, Ecuador's 4x4 ~2,000 declarations a day).
MIX_MARKETS = ALL_MARKETS + NEWER_MARKETS
MIX_WEIGHTS = tuple(
    [0.96 / len(ALL_MARKETS)] * len(ALL_MARKETS) + [0.04 / len(NEWER_MARKETS)] * len(NEWER_MARKETS)
)


def batch_baseline(rows: int) -> float:
    """Same-run baseline for the batch: the bare Decimal arithmetic per row (no rules, no verdict)."""
    return baseline_loop(rows)


def batch(
    rows: int,
    unique: bool = False,
    fast: bool = True,
    markets: tuple[str, ...] = ALL_MARKETS,
    weights: tuple[float, ...] | None = None,
) -> tuple[float, float, int, float]:
    # a day's orders: 300 catalogue products (price) sold into 8 markets on 2 dates, 1-3 pieces;
    # `unique`: every row has its own price (no repeated inputs to share)
    rng = np.random.default_rng(7)
    n_prices = rows if unique else 300
    prices = np.array([f"{p / 100:.2f}" for p in rng.integers(100, 40000, n_prices).tolist()])
    dates = np.array(["2025-09-01", "2026-07-01"])
    if weights is None:
        dest = np.array(markets)[rng.integers(0, len(markets), rows)]
    else:
        dest = rng.choice(np.array(markets), size=rows, p=np.array(weights) / sum(weights))
    table = pa.table(
        {
            "destination": dest,
            "destination_region": np.where(dest == "BR", "SP", ""),
            "date": dates[rng.integers(0, len(dates), rows)],
            "currency": np.where(dest == "CN", "CNY", "USD"),
            "unit_price": prices if unique else prices[rng.integers(0, len(prices), rows)],
            "quantity": np.array(["1", "2", "3"])[rng.integers(0, 3, rows)],
            "remessa_conforme": np.where(dest == "BR", "true", ""),
            "ioss": np.where((dest == "ES") | (dest == "PT"), "true", ""),
            "fx_USD_EUR": np.full(rows, "0.92"),
            "fx_USD_CNY": np.full(rows, "7.10"),
        }
    )
    tracemalloc.start()
    start = time.perf_counter()
    out = quote_table(table, fast=fast)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    distinct = (
        out.select(["destination", "date", "unit_price", "quantity"])
        .group_by(["destination", "date", "unit_price", "quantity"])
        .aggregate([])
        .num_rows
    )
    # the share of rows that leave the vectorised path for the scalar engine
    left = 1 - float(fast_quote(table, default_rules()).covered.mean()) if fast else 1.0
    return rows / elapsed, peak / 2**20, distinct, left


def orders_dataset(n: int, fast: bool = True) -> tuple[float, float, float, int]:
    """Ponte's orders dataset as ``ponte simulate`` writes it (multi-line orders, every market),
    quoted per line through request_for: orders/s, peak MiB, share left to the scalar engine, lines."""
    from datetime import date

    tmp = Path(tempfile.mkdtemp())
    write(simulate(7, n, date(2026, 1, 1), 30), tmp / "orders.parquet")
    tables = read_tables(tmp / "orders.parquet")
    ctx = BatchContext(default_rules(), Platform.from_environment().fx)
    ctx.fx.rate("USD", "EUR", date(2026, 1, 5))  # type: ignore[union-attr]  # the rate tables load once, untimed
    tracemalloc.start()
    start = time.perf_counter()
    got = quote_orders(tables, ctx, fast=fast)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return n / elapsed, peak / 2**20, 1 - got.fast_share, tables["lines"].num_rows


def mix(rows: int, base: float) -> None:
    """The realistic mix: 14 markets, the six newer ones on 4% of the rows."""
    for unique in (False, True):
        n = rows if not unique else min(rows, 200_000)
        rps, peak, distinct, left = batch(n, unique, True, MIX_MARKETS, MIX_WEIGHTS)
        print(
            f"batch     {n:,} rows, realistic mix of 14 markets ({distinct:,} distinct inputs, fast path): "
            f"{rps:,.0f} quotes/s  peak {peak:,.0f} MiB  ({rps / base:.2f}× baseline)"
            f"  rows leaving the vectorised path {left:.1%}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--single", type=int, default=5_000)
    parser.add_argument("--http-seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--orders", type=int, default=20_000, help="orders of the simulated dataset")
    parser.add_argument(
        "--mix-only", action="store_true", help="only the realistic mix with the newer markets"
    )
    args = parser.parse_args()

    if args.mix_only:
        mix(args.rows, baseline_loop(200_000))
        return

    base = baseline_loop(200_000)
    print(f"baseline  plain Decimal loop (BR RC arithmetic only): {base:,.0f} orders/s")
    qps, lat = in_process(args.single)
    print(
        f"single    in-process: {qps:,.0f} quotes/s  p50 {pct(lat, 50):.3f} ms  p99 {pct(lat, 99):.3f} ms"
        f"  ({qps / base:.3f}× baseline)"
    )
    if not args.no_http:
        got, hlat, errors = http(args.http_seconds, args.rate, args.workers)
        print(
            f"single    HTTP at {args.rate:,.0f}/s offered: {got:,.0f} quotes/s  p50 {pct(hlat, 50):.2f} ms"
            f"  p99 {pct(hlat, 99):.2f} ms  errors {errors}"
            f"  (uvicorn --workers {args.workers} {' '.join(SERVER_FLAGS)}, PONTE_LOG_LEVEL=WARNING)"
        )
    for unique in (False, True):
        for fast in (True, False):
            # the scalar engine alone on distinct rows: a sample is enough
            rows = min(args.rows, 50_000) if unique and not fast else args.rows
            rps, peak, distinct, left = batch(rows, unique, fast)
            print(
                f"batch     {rows:,} rows, 8 markets ({distinct:,} distinct inputs, "
                f"{'fast path' if fast else 'scalar only'}): {rps:,.0f} quotes/s  peak {peak:,.0f} MiB"
                f"  ({rps / base:.2f}× baseline)"
                + (f"  rows leaving the vectorised path {left:.1%}" if fast else "")
            )
    for unique in (False, True):
        rps, peak, distinct, left = batch(args.rows, unique, True, FAST_MARKETS)
        print(
            f"batch     {args.rows:,} rows, BR+MX+PE only ({distinct:,} distinct inputs, fast path): {rps:,.0f} quotes/s"
            f"  peak {peak:,.0f} MiB  ({rps / base:.2f}× baseline)  rows leaving the vectorised path {left:.1%}"
        )
    mix(args.rows, base)
    for fast in (True, False):
        ops, peak, left, n_lines = orders_dataset(args.orders, fast)
        print(
            f"orders    {args.orders:,} simulated orders ({n_lines:,} lines, request_for per order, "
            f"{'fast path' if fast else 'scalar only'}): {ops:,.0f} orders/s  peak {peak:,.0f} MiB"
            + (f"  orders leaving the vectorised path {left:.1%}" if fast else "")
        )


if __name__ == "__main__":
    main()

"""Dashboard page time on 1M simulated orders: p50/p99 of each view, cold (computed) and warm (cached),
on the SQLite store through its daily rollup (the platform's path) and on DuckDB over the orders
dataset's Parquet, beside a same-run baseline; the rollup's build time, and its refresh after a bulk load
and after orders move.

The corpus is ``ponte simulate``'s (seed 42, 365 days); its orders and lines go into a SQLite store in
bulk (the catalogue and tenants through the simulator's loader). Each page is the whole console page
(routing, session, the service, Jinja, the charts' JSON) through the ASGI app in process. Baseline: the
sign-in page of the same app (no figures), timed the same way in the same run. ``--raw`` adds the SQLite
store read without the rollup (minutes per cold page at 1M orders over a year).

    python bench/dashboard.py [--orders 1000000] [--runs 40] [--raw]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sqlite3
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

os.environ.setdefault("PONTE_DATA_KEY", "ponte-bench-data-key")

from fastapi.testclient import TestClient

from ponte import schema
from ponte.analytics.cache import FigureCache
from ponte.analytics.rollup import Rollup
from ponte.analytics.service import VIEWS, Analytics
from ponte.analytics.store import DuckStore, SqlStore
from ponte.api.app import create_app
from ponte.platform.crypto import cipher, configure
from ponte.platform.db import Database
from ponte.platform.settings import Settings
from ponte.simulate.core import Tables, simulate
from ponte.simulate.load import load_corpus
from ponte.simulate.output import write

START, DAYS = date(2026, 1, 1), 365


def _text(col: pa.ChunkedArray) -> list[str | None]:
    if pa.types.is_timestamp(col.type):
        return pc.strftime(col, format="%Y-%m-%d %H:%M:%S").to_pylist()  # type: ignore[no-any-return]
    return pc.cast(col, pa.string()).to_pylist()  # type: ignore[no-any-return]


def load_sqlite(tables: Tables, path: Path) -> Database:
    """Tenants and catalogue through the loader; orders and lines in bulk (foreign keys are not checked
    on this connection: the buyers, personal data encrypted one by one, are left out)."""
    database = Database(f"sqlite:///{path}")
    schema.create_all(database.engine)
    empty = Tables(
        **{n: (t.slice(0, 0) if n in ("orders", "lines", "buyers") else t) for n, t in tables.items()}
    )
    load_corpus(database, empty, slug_prefix="demo", issue_keys=False)
    o, ln = tables.orders, tables.lines
    now = "2026-12-01 00:00:00"
    address = cipher().encrypt("{}")  # the shipping address, encrypted as the orders store keeps it
    con = sqlite3.connect(path)
    con.executemany(
        "INSERT INTO orders (id, tenant_id, external_ref, channel, direction, trade_mode, buyer_id, destination, "
        "destination_region, currency, goods_value, freight, insurance, discount, status, live_session_id, "
        "placed_at, created_at, paid_at, ship_address) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        zip(
            *(_text(o[c]) for c in ("id", "tenant_id", "external_ref", "channel", "direction", "trade_mode",
                                    "buyer_id", "destination", "destination_region", "currency", "goods_value",
                                    "freight", "insurance", "discount", "status", "live_session_id", "placed_at")),
            [now] * o.num_rows,
            _text(o["paid_at"]),
            [address] * o.num_rows,
            strict=True,
        ),
    )  # fmt: skip
    tenant_of = dict(zip(o["id"].to_pylist(), o["tenant_id"].to_pylist(), strict=True))
    con.executemany(
        "INSERT INTO order_lines (order_id, tenant_id, line_no, product_id, sku, description, hs_code, "
        "origin_country, quantity, unit_price, weight_kg) VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?)",
        (
            (oid, tenant_of[oid], no, pid, sku, hs, origin, qty, price, kg)
            for oid, no, pid, sku, hs, origin, qty, price, kg in zip(
                *(_text(ln[c]) if c in ("unit_price", "weight_kg") else ln[c].to_pylist()
                  for c in ("order_id", "line_no", "product_id", "sku", "hs_code", "origin_country", "quantity",
                            "unit_price", "weight_kg")),
                strict=True,
            )
        ),
    )  # fmt: skip
    con.commit()
    con.execute("ANALYZE")
    con.close()
    return database


def percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def timed(client: TestClient, url: str, runs: int) -> tuple[float, list[float]]:
    t = time.perf_counter()
    r = client.get(url)
    cold = (time.perf_counter() - t) * 1000
    assert r.status_code == 200, (url, r.status_code, r.text[r.text.find("<main") :][:1500])
    warm = []
    for _ in range(runs):
        t = time.perf_counter()
        r = client.get(url)
        warm.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200
    return cold, warm


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--raw", action="store_true", help="also the SQLite store read without the rollup")
    args = parser.parse_args()
    configure([os.environ["PONTE_DATA_KEY"]])
    tmp = Path(tempfile.mkdtemp(prefix="ponte-bench-dashboard-"))
    t0 = time.perf_counter()
    tables = simulate(42, args.orders, START, DAYS)
    paths = write(tables, tmp / "orders.parquet")
    t1 = time.perf_counter()
    database = load_sqlite(tables, tmp / "ponte.db")
    t2 = time.perf_counter()
    print(f"corpus: {tables.orders.num_rows:,} orders, {tables.lines.num_rows:,} lines, "
          f"{tables.sellers.num_rows} sellers; simulate+Parquet {t1 - t0:.1f} s, SQLite load {t2 - t1:.1f} s")  # fmt: skip
    del tables

    settings = Settings(env="development", database_url=database.url, log_level="WARNING")
    app = create_app(settings, database)
    platform = app.state.platform
    end = START + timedelta(days=DAYS - 1)
    store = SqlStore(database.engine)
    rollup = Rollup(store)
    t = time.perf_counter()
    rollup.sync(store.version())
    print(f"rollup build: {time.perf_counter() - t:.1f} s, {rollup.stats.rows:,} rows "
          f"(max RSS so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")  # fmt: skip
    engines = {
        "rollup": Analytics(store, platform.fx, FigureCache(), lambda: end, rollup=rollup, warehouses=platform.warehouses),
        "duckdb": Analytics(DuckStore.of_dataset(paths["orders"]), platform.fx, FigureCache(), lambda: end),
    }  # fmt: skip
    if args.raw:
        engines["raw"] = Analytics(
            store, platform.fx, FigureCache(), lambda: end, warehouses=platform.warehouses
        )
    client = TestClient(app)
    with database.engine.connect() as conn:
        from sqlalchemy import text

        operator = conn.execute(text("SELECT id FROM tenants WHERE kind = 'operator'")).scalar()
        seller = conn.execute(
            text("SELECT tenant_id FROM orders GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1")
        ).scalar()
    # the console's forms carry a CSRF token (the page's data-csrf-token), sent back as a header
    token = re.search(r'data-csrf-token="([0-9a-f]*)"', client.get("/login").text)
    assert token is not None
    signed = client.post("/login/demo", data={"tenant_id": operator}, headers={"X-CSRF-Token": token.group(1)},
                         follow_redirects=False)  # fmt: skip
    assert signed.status_code == 303, signed.text[:500]

    _cold, base = timed(TestClient(app), "/login", args.runs)  # signed out: a page without figures
    print(f"\nbaseline (the sign-in page, same app, same run): p50 {percentile(base, .5):.1f} ms, "
          f"p99 {percentile(base, .99):.1f} ms")  # fmt: skip
    periods = {"30 days": (end - timedelta(days=29), end), "365 days": (START, end)}
    print(
        f"\n{'engine':<7} {'period':<9} {'scope':<7} {'view':<9} {'cold ms':>9} {'p50 ms':>8} {'p99 ms':>8} {'p99/base':>9}"
    )
    worst: dict[str, float] = {}
    for engine, analytics in engines.items():
        platform.__dict__["analytics"] = analytics
        for pname, (lo, hi) in periods.items():
            for scope, extra in (("park", ""), ("seller", f"&seller={seller}")):
                for view in VIEWS:
                    grain = "week" if pname == "365 days" else "day"
                    url = f"/?view={view}&start={lo}&end={hi}&grain={grain}{extra}"
                    cold, warm = timed(client, url, args.runs)
                    p50, p99 = percentile(warm, 0.5), percentile(warm, 0.99)
                    worst[engine] = max(worst.get(engine, 0.0), p99)
                    worst[f"{engine} cold"] = max(worst.get(f"{engine} cold", 0.0), cold)
                    print(f"{engine:<7} {pname:<9} {scope:<7} {view:<9} {cold:>9.1f} {p50:>8.1f} {p99:>8.1f} "
                          f"{p99 / max(percentile(base, .99), 1e-9):>9.1f}")  # fmt: skip
        t = time.perf_counter()
        r = client.get(f"/analytics/orders?start={START}&end={end}&by=destination&key=BR")
        assert r.status_code == 200
        print(
            f"{engine:<7} drill-down page (BR, 365 days, first page): {(time.perf_counter() - t) * 1000:.1f} ms"
        )

    # the rollup after writes: a bulk load of new orders (lines, no events), then moves (events)
    platform.__dict__["analytics"] = engines["rollup"]
    url = f"/?view=overview&start={START}&end={end}&grain=week"
    for label, write_sql in (
        ("bulk load of 1,000 orders", _bulk_copy(1000)),
        ("1,000 orders cancelled (events)", _cancel(1000)),
        ("single order cancelled (an event)", _cancel(1).replace("moved", "moved_one")),
    ):
        con = sqlite3.connect(tmp / "ponte.db")
        con.executescript(write_sql)
        con.close()
        t = time.perf_counter()
        rollup.sync(store.version())
        refresh = (time.perf_counter() - t) * 1000
        cold, warm = timed(client, url, args.runs)
        print(f"\nrollup refresh after a {label}: {refresh:.1f} ms ({rollup.stats.last_partitions} tenant-days); "
              f"park overview, 365 days: first page {cold:.1f} ms, then p50 {percentile(warm, .5):.1f} ms, "
              f"p99 {percentile(warm, .99):.1f} ms")  # fmt: skip
    print("\nworst warm p99 (aim: < 300 ms) and worst cold page, by engine:")
    for k, v in worst.items():
        print(f"  {k:<12} {v:>9.1f} ms")
    print(f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    database.dispose()


def _bulk_copy(n: int) -> str:
    """New orders as a bulk import writes them: copies of the newest ``n`` orders, placed a day later,
    with their lines and no events."""
    return f"""
        CREATE TEMP TABLE picked AS SELECT id FROM orders ORDER BY placed_at DESC LIMIT {n};
        INSERT INTO orders (id, tenant_id, external_ref, channel, direction, trade_mode, buyer_id, destination,
            destination_region, currency, goods_value, freight, insurance, discount, status, live_session_id,
            placed_at, created_at, paid_at, ship_address)
        SELECT 'n' || id, tenant_id, 'n' || external_ref, channel, direction, trade_mode, buyer_id, destination,
            destination_region, currency, goods_value, freight, insurance, discount, status, live_session_id,
            datetime(placed_at, '-1 day'), created_at, paid_at, ship_address FROM orders WHERE id IN (SELECT id FROM picked);
        INSERT INTO order_lines (order_id, tenant_id, line_no, product_id, sku, description, hs_code,
            origin_country, quantity, unit_price, weight_kg)
        SELECT 'n' || order_id, tenant_id, line_no, product_id, sku, description, hs_code, origin_country,
            quantity, unit_price, weight_kg FROM order_lines WHERE order_id IN (SELECT id FROM picked);
    """


def _cancel(n: int) -> str:
    """``n`` orders spread over the year cancelled, each with its event (as the orders service moves them)."""
    return f"""
        CREATE TEMP TABLE moved AS SELECT id, tenant_id FROM orders WHERE status <> 'cancelled'
            ORDER BY substr(id, -3), id LIMIT {n};
        UPDATE orders SET status = 'cancelled' WHERE id IN (SELECT id FROM moved);
        INSERT INTO order_events (order_id, tenant_id, at, kind, detail)
        SELECT id, tenant_id, '2026-12-31 00:00:00', 'cancelled', '' FROM moved;
    """


if __name__ == "__main__":
    main()

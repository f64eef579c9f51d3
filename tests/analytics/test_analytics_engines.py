"""The figures' SQL gives the same exact integers on SQLite, PostgreSQL and DuckDB (over the Parquet
dataset and over a copy of the store), and the same as a plain computation over the dataset's rows."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from analytics_corpus import DAYS, START, Corpus, make_corpus
from analytics_oracle import oracle_rows

from ponte.analytics import sql
from ponte.analytics.store import DuckStore, FigureStore, SqlStore, value_rows
from ponte.platform.db import Database
from ponte.simulate.load import load_corpus

DIMENSIONS = (
    "total",
    "destination",
    "trade_mode",
    "direction",
    "tenant_id",
    "live_session_id",
    "category",
    "product",
)
END = START + timedelta(days=DAYS - 1)
CASES = [(START, END, ()), (START + timedelta(days=3), START + timedelta(days=9), ("BR", "MX", "CN"))]


def rows_of(
    store: FigureStore, dim: str, tenant: str | None, lo: date, hi: date, markets: tuple[str, ...]
) -> list:
    return sorted(value_rows(store.fetch(sql.values(store.dialect, dim, tenant, lo, hi, markets))),
                  key=lambda r: (r.day, r.currency, r.key))  # fmt: skip


@pytest.fixture(scope="module")
def stores(corpus: Corpus) -> dict[str, FigureStore]:
    sqlite = SqlStore(corpus.database.engine)
    return {
        "sqlite": sqlite,
        "duckdb-parquet": DuckStore.of_dataset(corpus.parquet),
        "duckdb-copy": DuckStore.of_store(corpus.database.engine, sqlite.version()),
    }


@pytest.mark.parametrize("dim", DIMENSIONS)
@pytest.mark.parametrize("case", range(len(CASES)))
def test_every_engine_and_the_oracle_agree(
    corpus: Corpus, stores: dict[str, FigureStore], dim: str, case: int
) -> None:
    lo, hi, markets = CASES[case]
    tenant = None if case == 0 else corpus.tables.sellers["id"][0].as_py()
    expected = oracle_rows(corpus.tables, dim, tenant, lo, hi, markets)
    assert expected, "the case must hold orders"
    for name, store in stores.items():
        assert rows_of(store, dim, tenant, lo, hi, markets) == expected, name


def test_drill_down_lists_the_same_orders_everywhere(corpus: Corpus, stores: dict[str, FigureStore]) -> None:
    seen = []
    for store in stores.values():
        q = sql.drill(store.dialect, None, START, END, ("BR",), {"category": "beauty"}, 40, 5)
        seen.append([(r[0], int(r[8])) for r in store.fetch(q)])
    assert seen[0] and all(s == seen[0] for s in seen)


def test_the_ranking_picks_the_largest_keys(corpus: Corpus, stores: dict[str, FigureStore]) -> None:
    rates = {
        (c, START + timedelta(days=d)): 1.0
        for c in ("USD", "BRL", "MXN", "CLP", "COP", "PEN", "ARS", "EUR", "CNY", "MOP")
        for d in range(DAYS)
    }
    per_key: dict[str, int] = defaultdict(int)
    for r in oracle_rows(corpus.tables, "tenant_id", None, START, END, ()):
        per_key[r.key] += r.value_micro
    best = sorted(per_key, key=lambda k: -per_key[k])[:3]
    for store in stores.values():
        got = [
            k for k, _ in store.fetch(sql.ranking(store.dialect, "tenant_id", None, START, END, (), rates, 3))
        ]
        assert got == best


def test_postgresql_agrees_with_sqlite(corpus: Corpus, postgres_url: str, tmp_path: Path) -> None:
    from ponte.platform.migrate import upgrade

    upgrade(postgres_url)
    database = Database(postgres_url)
    try:
        load_corpus(database, corpus.tables, slug_prefix="pgsim", issue_keys=False)
        pg, lite = SqlStore(database.engine), SqlStore(corpus.database.engine)
        for dim in DIMENSIONS:
            for lo, hi, markets in CASES:
                assert rows_of(pg, dim, None, lo, hi, markets) == rows_of(lite, dim, None, lo, hi, markets), (
                    dim
                )
        q = [sql.drill(s.dialect, None, START, END, (), {"destination": "BR"}, 30, 0) for s in (pg, lite)]
        assert [r[0] for r in pg.fetch(q[0])] == [r[0] for r in lite.fetch(q[1])]
    finally:
        from sqlalchemy import text

        with database.engine.begin() as conn:
            conn.execute(
                text("TRUNCATE order_lines, orders, buyers, products, booths, api_keys, tenants CASCADE")
            )
        database.dispose()


def test_amounts_stay_exact_in_micro_units(tmp_path: Path) -> None:
    c = make_corpus(tmp_path, n=300)
    total = sum(int((v - d) * Decimal(10**6)) for v, d in zip(
        c.tables.orders["goods_value"].to_pylist(), c.tables.orders["discount"].to_pylist(), strict=True))  # fmt: skip
    got = sum(
        r.value_micro
        for r in rows_of(SqlStore(c.database.engine), "total", None, START, END + timedelta(days=30), ())
    )
    assert got == total
    c.database.dispose()

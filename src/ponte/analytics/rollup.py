"""The daily rollup of a store's orders: exact sums per tenant and UTC day (``rollup_sql``), held in an
in-process DuckDB that the dashboard's order figures read instead of the raw orders.

It keeps one row of facts per order and per line of the store (``rollup_sql.FACTS``), read once in full,
and sums them. It is then kept up to date by watermarks: every refresh reads the order lines and order
events added since the last one (and the ids it skipped, see ``watermark``), reads the facts of those
orders again from the store, by key, and sums again only the (tenant, day) partitions they belong to, in
one DuckDB transaction. Nothing is written to the store; each process of a deployment keeps its own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from ponte.analytics import rollup_sql
from ponte.analytics.sql import Query
from ponte.analytics.store import DuckStore, SqlStore, duck_text
from ponte.analytics.watermark import Watermark

__all__ = ["LOOKBACK_IDS", "Rollup", "RollupStats"]

#: After a full build, the last ids of each source are read again by the first refresh, so a
#: transaction still open during the build is found as a gap.
LOOKBACK_IDS = 1000


@dataclass
class RollupStats:
    built_seconds: float = 0.0
    refreshes: int = 0
    last_refresh_seconds: float = 0.0
    last_partitions: int = 0
    rows: int = 0


def _columns(rows: Sequence[tuple[Any, ...]], cols: tuple[tuple[str, str], ...]) -> pa.Table:
    """Staged rows as an Arrow table: text as text (days too), numbers and flags as integers (DuckDB casts)."""
    data = list(zip(*rows, strict=True))
    return pa.table(
        {
            c: pa.array(data[i], pa.string() if kind in ("VARCHAR", "DATE") else pa.int64())
            for i, (c, kind) in enumerate(cols)
        }
    )


class Rollup:
    """The rollup of one ``SqlStore``; ``fetch`` runs ``rollup_sql``'s figure queries on it."""

    dialect = "duckdb"

    def __init__(self, source: SqlStore, now: Callable[[], float] = time.monotonic) -> None:
        self.source = source
        self._now = now
        self._duck = DuckStore(duckdb.connect(), "")
        self._lock = threading.Lock()
        self.marks = {t: Watermark() for t in rollup_sql.SOURCES}
        self.built = False
        self.generation = 0
        self.stats = RollupStats()
        self._synced: str | None = None
        for table, cols in {**rollup_sql.TABLES, **rollup_sql.FACTS}.items():
            self._duck.con.execute(f"CREATE TABLE {table} ({', '.join(f'{c} {t}' for c, t in cols)})")

    def fetch(self, query: Query) -> list[tuple[Any, ...]]:
        return self._duck.fetch(query)

    def ranking(self, query: Query, rates: dict[tuple[str, date], float]) -> list[tuple[Any, ...]]:
        """``rollup_sql.ranking``'s query with ``rates`` as its table of (currency, day, rate)."""
        table = pa.table(
            {
                "currency": pa.array([c for c, _ in rates], pa.string()),
                "day": pa.array([d for _, d in rates], pa.date32()),
                "rate": pa.array(list(rates.values()), pa.float64()),
            }
        )
        cur = self._duck.con.cursor()
        try:
            cur.register("rates", table)
            return [tuple(r) for r in cur.execute(duck_text(query), query.params).fetchall()]
        finally:
            cur.close()

    def sync(self, version: str) -> int:
        """Bring the rollup up to the store's ``version`` (build it the first time); its generation,
        which changes whenever its rows do."""
        with self._lock:
            if not self.built:
                self._build()
            elif version != self._synced or any(m.gaps for m in self.marks.values()):
                self._refresh()
            self._synced = version
            return self.generation

    def rebuild(self) -> None:
        """Everything again from the store (after a restore, or to check the incremental path)."""
        with self._lock:
            self._build()

    # --- building and refreshing ------------------------------------------------------------------

    def _highest(self) -> dict[str, int]:
        return {t: int(self.source.fetch(rollup_sql.highest(t))[0][0] or 0) for t in rollup_sql.SOURCES}

    def _build(self) -> None:
        t0 = time.perf_counter()
        highs = self._highest()  # before reading: what commits meanwhile is read again by the refresh
        cur = self._duck.con.cursor()
        try:
            cur.execute("BEGIN TRANSACTION")
            for table in rollup_sql.FACTS:
                cur.execute(f"DELETE FROM {table}")
                self._load(cur, table, None)
            for table in rollup_sql.TABLES:
                cur.execute(f"DELETE FROM {table}")
                cur.execute(f"INSERT INTO {table} {rollup_sql.AGGREGATE[table].format(orders='order_facts')}")
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        finally:
            cur.close()
        self.marks = {t: Watermark(high=max(0, h - LOOKBACK_IDS)) for t, h in highs.items()}
        self.built = True
        self.generation += 1
        self.stats.built_seconds = time.perf_counter() - t0
        self.stats.rows = sum(
            int(self.fetch(Query(f"SELECT COUNT(*) FROM {t}", {}))[0][0]) for t in rollup_sql.TABLES
        )

    def _refresh(self) -> None:
        """The orders with a line or an event added since the last refresh: their facts read again, and
        the (tenant, day) partitions they belong to summed again from the facts."""
        t0 = time.perf_counter()
        now = self._now()
        changed: set[str] = set()
        for table, mark in self.marks.items():
            rows = self.source.fetch(rollup_sql.changed(table, mark.high, mark.pending))
            changed.update(str(order_id) for _id, order_id in rows)
            mark.advance((int(r[0]) for r in rows), now)
        self.stats.refreshes += 1
        self.stats.last_partitions = 0
        if changed:
            ids = sorted(changed)
            cur = self._duck.con.cursor()
            try:
                cur.register("changed", pa.table({"id": pa.array(ids, pa.string())}))
                cur.execute("BEGIN TRANSACTION")
                # the partitions the orders were in (their tenant and day never change) and are in now
                cur.execute(
                    "CREATE OR REPLACE TEMP TABLE dirty AS SELECT DISTINCT tenant_id, day FROM order_facts "
                    "WHERE id IN (SELECT id FROM changed)"
                )
                cur.execute("DELETE FROM line_facts WHERE order_id IN (SELECT id FROM changed)")
                cur.execute("DELETE FROM order_facts WHERE id IN (SELECT id FROM changed)")
                n = rollup_sql.IDS_PER_QUERY
                for i in range(0, len(ids), n):
                    for table in rollup_sql.FACTS:
                        self._load(cur, table, tuple(ids[i : i + n]))
                cur.execute(
                    "INSERT INTO dirty SELECT DISTINCT tenant_id, day FROM order_facts "
                    "WHERE id IN (SELECT id FROM changed)"
                )
                inside = (
                    "EXISTS (SELECT 1 FROM dirty d WHERE d.tenant_id = {t}.tenant_id AND d.day = {t}.day)"
                )
                part = f"(SELECT * FROM order_facts f WHERE {inside.format(t='f')})"
                for table in rollup_sql.TABLES:
                    cur.execute(f"DELETE FROM {table} r WHERE {inside.format(t='r')}")
                    cur.execute(f"INSERT INTO {table} {rollup_sql.AGGREGATE[table].format(orders=part)}")
                self.stats.last_partitions = int(
                    cur.execute(
                        "SELECT COUNT(*) FROM (SELECT DISTINCT tenant_id, day FROM dirty)"
                    ).fetchall()[0][0]
                )
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            finally:
                cur.close()
            self.generation += 1
        self.stats.last_refresh_seconds = time.perf_counter() - t0

    def _load(self, cur: duckdb.DuckDBPyConnection, table: str, ids: tuple[str, ...] | None) -> None:
        """The store's facts of ``ids`` (None: all orders) into ``table``."""
        cols = rollup_sql.FACTS[table]
        casts = ", ".join(f"CAST({c} AS {kind})" for c, kind in cols)
        for rows in self.source.stream(rollup_sql.facts(self.source.dialect, table, ids)):
            cur.register("incoming", _columns(rows, cols))
            cur.execute(f"INSERT INTO {table} SELECT {casts} FROM incoming")
            cur.unregister("incoming")

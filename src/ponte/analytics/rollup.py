"""The daily rollup of a store's orders: exact sums per tenant and UTC day (``rollup_sql``), held in an
in-process DuckDB that the dashboard's order figures read instead of the raw orders.

It is built once from the store (one grouped query per table) and then kept up to date by watermarks:
every refresh reads the order lines and order events added since the last one (and the ids it skipped,
see ``watermark``), and computes again only the (tenant, day) partitions they touch, from the orders
themselves. Nothing is written to the store; each process of a deployment keeps its own rollup.
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
#: Dirty days of one tenant closer than this are computed again as one range (one query).
RANGE_JOIN_DAYS = 7


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


def _ranges(days: Sequence[date]) -> list[tuple[date, date]]:
    """Sorted days as ranges, neighbours less than ``RANGE_JOIN_DAYS`` apart joined."""
    out: list[tuple[date, date]] = []
    for d in sorted(set(days)):
        if out and (d - out[-1][1]).days < RANGE_JOIN_DAYS:
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


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
        for table, cols in {**rollup_sql.TABLES, **rollup_sql.STAGED}.items():
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
        self._stage(None)
        self._write(None)
        self.marks = {t: Watermark(high=max(0, h - LOOKBACK_IDS)) for t, h in highs.items()}
        self.built = True
        self.generation += 1
        self.stats.built_seconds = time.perf_counter() - t0
        self.stats.rows = sum(
            int(self.fetch(Query(f"SELECT COUNT(*) FROM {t}", {}))[0][0]) for t in rollup_sql.TABLES
        )

    def _refresh(self) -> None:
        t0 = time.perf_counter()
        now = self._now()
        dirty: dict[str, set[date]] = {}
        d = self.source.dialect
        for table, mark in self.marks.items():
            rows = self.source.fetch(rollup_sql.changed(d, table, mark.high, mark.pending))
            for _id, tenant, day in rows:
                dirty.setdefault(str(tenant), set()).add(date.fromisoformat(str(day)[:10]))
            mark.advance((int(r[0]) for r in rows), now)
        self.stats.refreshes += 1
        self.stats.last_partitions = sum(len(days) for days in dirty.values())
        if dirty:
            parts = [(t, lo, hi) for t, days in sorted(dirty.items()) for lo, hi in _ranges(sorted(days))]
            self._stage(parts)
            self._write(parts)
            self.generation += 1
        self.stats.last_refresh_seconds = time.perf_counter() - t0

    def _stage(self, parts: list[tuple[str, date, date]] | None) -> None:
        """The store's orders and lines of ``parts`` (None: all) into the staging tables."""
        d = self.source.dialect
        if parts is None:
            chunks: list[list[tuple[str, date, date]] | None] = [None]
        else:
            n = rollup_sql.RANGES_PER_QUERY
            chunks = [parts[i : i + n] for i in range(0, len(parts), n)]
        cur = self._duck.con.cursor()
        try:
            for table, cols in rollup_sql.STAGED.items():
                cur.execute(f"DELETE FROM {table}")
                casts = ", ".join(f"CAST({c} AS {kind})" for c, kind in cols)
                for chunk in chunks:
                    for rows in self.source.stream(rollup_sql.staging(d, table, chunk)):
                        incoming = _columns(rows, cols)
                        cur.register("incoming", incoming)
                        cur.execute(f"INSERT INTO {table} SELECT {casts} FROM incoming")
                        cur.unregister("incoming")
        finally:
            cur.close()

    def _write(self, parts: list[tuple[str, date, date]] | None) -> None:
        """Replace the rows of ``parts`` (None: all rows) by the staged rows' sums, in one transaction."""
        cur = self._duck.con.cursor()
        try:
            cur.execute("BEGIN TRANSACTION")
            if parts is not None:
                dirty = pa.table(
                    {
                        "tenant_id": pa.array([p[0] for p in parts], pa.string()),
                        "lo": pa.array([p[1] for p in parts], pa.date32()),
                        "hi": pa.array([p[2] for p in parts], pa.date32()),
                    }
                )
                cur.register("dirty", dirty)
            for table in rollup_sql.TABLES:
                if parts is None:
                    cur.execute(f"DELETE FROM {table}")
                else:
                    cur.execute(
                        f"DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM dirty d "
                        "WHERE d.tenant_id = t.tenant_id AND t.day BETWEEN d.lo AND d.hi)"
                    )
                cur.execute(f"INSERT INTO {table} {rollup_sql.AGGREGATE[table]}")
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        finally:
            cur.close()

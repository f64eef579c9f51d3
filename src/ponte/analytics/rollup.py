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
from ponte.analytics.store import DuckStore, SqlStore
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


def _column(values: Sequence[Any], kind: str) -> pa.Array:
    if kind in ("VARCHAR", "DATE"):
        return pa.array([None if v is None else str(v) for v in values], pa.string())
    if kind == "BOOLEAN":
        return pa.array([bool(int(v)) for v in values], pa.bool_())
    return pa.array([0 if v is None else int(v) for v in values], pa.int64())


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
        for table, cols in rollup_sql.TABLES.items():
            self._duck.con.execute(f"CREATE TABLE {table} ({', '.join(f'{c} {t}' for c, t in cols)})")

    def fetch(self, query: Query) -> list[tuple[Any, ...]]:
        return self._duck.fetch(query)

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
        d = self.source.dialect
        data = {table: self.source.fetch(rollup_sql.source(d, table)) for table in rollup_sql.TABLES}
        self._write(data, None)
        self.marks = {t: Watermark(high=max(0, h - LOOKBACK_IDS)) for t, h in highs.items()}
        self.built = True
        self.generation += 1
        self.stats.built_seconds = time.perf_counter() - t0
        self.stats.rows = sum(len(rows) for rows in data.values())

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
        if not dirty:
            self.stats.last_refresh_seconds, self.stats.last_partitions = time.perf_counter() - t0, 0
            return
        parts = [
            (tenant, lo, hi) for tenant, days in sorted(dirty.items()) for lo, hi in _ranges(sorted(days))
        ]
        data: dict[str, list[tuple[Any, ...]]] = {table: [] for table in rollup_sql.TABLES}
        for tenant, lo, hi in parts:
            for table in rollup_sql.TABLES:
                data[table].extend(self.source.fetch(rollup_sql.source(d, table, tenant, lo, hi)))
        self._write(data, parts)
        self.generation += 1
        self.stats.last_refresh_seconds = time.perf_counter() - t0
        self.stats.last_partitions = sum(len(days) for days in dirty.values())

    def _write(
        self, data: dict[str, list[tuple[Any, ...]]], parts: list[tuple[str, date, date]] | None
    ) -> None:
        """Replace the rows of ``parts`` (None: all rows) by ``data``, in one DuckDB transaction."""
        cur = self._duck.con.cursor()
        try:
            cur.execute("BEGIN TRANSACTION")
            for table, cols in rollup_sql.TABLES.items():
                if parts is None:
                    cur.execute(f"DELETE FROM {table}")
                else:
                    for tenant, lo, hi in parts:
                        cur.execute(
                            f"DELETE FROM {table} WHERE tenant_id = $1 AND day BETWEEN $2 AND $3",
                            [tenant, lo, hi],
                        )
                rows = data[table]
                if not rows:
                    continue
                staged = pa.table(
                    {c: _column([r[i] for r in rows], kind) for i, (c, kind) in enumerate(cols)}
                )
                cur.register("staged", staged)
                casts = ", ".join(f"CAST({c} AS {kind})" for c, kind in cols)
                cur.execute(f"INSERT INTO {table} SELECT {casts} FROM staged")
                cur.unregister("staged")
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        finally:
            cur.close()

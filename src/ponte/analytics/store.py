"""Where the figures' SQL runs: the store itself (SQLite, PostgreSQL), or DuckDB over the orders
dataset's Parquet files (what ``ponte simulate``/``ponte export`` write and the main job reads) or
over a columnar copy of the store.

The analytics slice owns no table: it reads the other slices' tables by name, read-only, through
its own SQL (``sql.py``), and never imports their stores.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa
from sqlalchemy import text
from sqlalchemy.engine import Engine

from ponte.analytics import sql
from ponte.analytics.core import ValueRow
from ponte.kernel.errors import ValidationError

__all__ = ["DuckStore", "FigureStore", "SqlStore", "duck_text", "value_rows"]


class FigureStore(Protocol):
    dialect: str

    def fetch(self, query: sql.Query) -> list[tuple[Any, ...]]: ...

    def version(self) -> str: ...


def _as_day(value: Any) -> date:
    return (
        value
        if isinstance(value, date) and not isinstance(value, datetime)
        else date.fromisoformat(str(value))
    )


def value_rows(rows: Sequence[tuple[Any, ...]]) -> list[ValueRow]:
    return [
        ValueRow(_as_day(d), str(c), "" if k is None else str(k), int(n), int(v or 0), int(u or 0))
        for d, c, k, n, v, u in rows
    ]


def _bind(dialect: str, params: dict[str, Any]) -> dict[str, Any]:
    if dialect != "postgresql":
        return params
    # PostgreSQL compares timestamptz columns with aware moments
    return {
        k: v.replace(tzinfo=UTC) if isinstance(v, datetime) and v.tzinfo is None else v
        for k, v in params.items()
    }


class SqlStore:
    """The figures' SQL on the store's own database (SQLite or PostgreSQL), read-only."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        if self.dialect not in ("sqlite", "postgresql"):
            raise ValidationError(f"no figures on {self.dialect}", field="database_url", rule="dialect")

    def fetch(self, query: sql.Query) -> list[tuple[Any, ...]]:
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(query.text), _bind(self.dialect, query.params))]

    def stream(self, query: sql.Query, size: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
        """The rows of a large read, ``size`` at a time, straight from the driver's cursor (a server-side
        one on PostgreSQL), without building a row object per row."""
        params = _bind(self.dialect, query.params)
        with self.engine.connect() as conn:
            dbapi: Any = conn.connection.dbapi_connection
            if self.dialect == "postgresql":
                cursor = dbapi.cursor(name="ponte_figures_stream")
                statement = _PLACEHOLDER.sub(r"%(\1)s", query.text.replace("%", "%%"))
            else:  # sqlite3 binds :name parameters itself
                cursor, statement = dbapi.cursor(), query.text
            try:
                cursor.execute(statement, params)
                while rows := cursor.fetchmany(size):
                    yield rows
            finally:
                cursor.close()

    def version(self) -> str:
        row = self.fetch(sql.version(self.dialect))[0]
        return hashlib.sha256(repr(tuple(str(v) for v in row)).encode()).hexdigest()[:16]


_PLACEHOLDER = re.compile(r"(?<![:\w]):(\w+)")


def duck_text(query: sql.Query) -> str:
    """A query's text with its :name parameters written as DuckDB binds them (``$name``)."""
    return _PLACEHOLDER.sub(r"$\1", query.text)


#: The columns of each table the figures read, with their DuckDB types.
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "orders": (
        ("id", "VARCHAR"),
        ("tenant_id", "VARCHAR"),
        ("external_ref", "VARCHAR"),
        ("destination", "VARCHAR"),
        ("trade_mode", "VARCHAR"),
        ("direction", "VARCHAR"),
        ("currency", "VARCHAR"),
        ("goods_value", "DECIMAL(24, 6)"),
        ("discount", "DECIMAL(24, 6)"),
        ("status", "VARCHAR"),
        ("live_session_id", "VARCHAR"),
        ("placed_at", "TIMESTAMP"),
        ("paid_at", "TIMESTAMP"),
    ),
    "order_lines": (
        ("order_id", "VARCHAR"),
        ("product_id", "VARCHAR"),
        ("quantity", "BIGINT"),
        ("unit_price", "DECIMAL(24, 6)"),
    ),
    "products": (("id", "VARCHAR"), ("tenant_id", "VARCHAR"), ("sku", "VARCHAR"), ("category", "VARCHAR")),
    "tenants": (("id", "VARCHAR"), ("name", "VARCHAR")),
    "customs_declarations": (
        ("id", "VARCHAR"),
        ("tenant_id", "VARCHAR"),
        ("order_id", "VARCHAR"),
        ("state", "VARCHAR"),
        ("created_at", "TIMESTAMP"),
        ("updated_at", "TIMESTAMP"),
    ),
    "logistics_shipments": (
        ("tenant_id", "VARCHAR"),
        ("flight", "VARCHAR"),
        ("id", "VARCHAR"),
        ("origin", "VARCHAR"),
        ("destination", "VARCHAR"),
        ("departs", "TIMESTAMP"),
        ("parcels", "BIGINT"),
        ("gross_kg", "DECIMAL(24, 6)"),
    ),
    "logistics_leg_ledger": (
        ("tenant_id", "VARCHAR"),
        ("leg", "VARCHAR"),
        ("resource", "VARCHAR"),
        ("offered", "BIGINT"),
        ("booked", "BIGINT"),
    ),
    "live_reservations": (
        ("tenant_id", "VARCHAR"),
        ("session_id", "VARCHAR"),
        ("status", "VARCHAR"),
        ("quantity", "BIGINT"),
        ("created_at", "TIMESTAMP"),
    ),
    "live_sessions": (("id", "VARCHAR"), ("title", "VARCHAR")),
    "logistics_parcels": (("order_id", "VARCHAR"), ("shipment_id", "VARCHAR")),
    "order_events": (("id", "BIGINT"),),
}


@dataclass(frozen=True)
class _Dataset:
    orders: Path

    def part(self, name: str) -> Path:
        return self.orders.with_name(f"{self.orders.with_suffix('').name}.{name}{self.orders.suffix}")


class DuckStore:
    """DuckDB, in process, over Parquet files or a columnar copy of the store (session in UTC)."""

    dialect = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection, version: str) -> None:
        self.con = con
        self._version = version
        con.execute("SET TimeZone = 'UTC'")

    def fetch(self, query: sql.Query) -> list[tuple[Any, ...]]:
        cursor = self.con.cursor()  # one cursor per call: several threads may read at once
        try:
            return [tuple(r) for r in cursor.execute(duck_text(query), query.params).fetchall()]
        finally:
            cursor.close()

    def version(self) -> str:
        return self._version

    @classmethod
    def of_dataset(cls, orders: Path) -> DuckStore:
        """DuckDB over the orders dataset: ``orders.parquet`` and its companions (lines, products,
        sellers); the store's other tables (customs, logistics, live) are empty there."""
        data = _Dataset(Path(orders))
        files = {
            "orders": data.orders,
            "lines": data.part("lines"),
            "products": data.part("products"),
            "sellers": data.part("sellers"),
        }
        for name, path in files.items():
            if not path.is_file():
                raise ValidationError(
                    f"{path.name} not found beside {data.orders.name}", field=name, rule="dataset"
                )
        stamp = "|".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in files.values())
        con = duckdb.connect()
        store = cls(con, hashlib.sha256(stamp.encode()).hexdigest()[:16])

        def lit(p: Path) -> str:
            return "'" + str(p).replace("'", "''") + "'"

        con.execute(
            "CREATE VIEW orders AS SELECT id, tenant_id, external_ref, destination, trade_mode, direction, "
            "currency, COALESCE(goods_value, 0) AS goods_value, COALESCE(discount, 0) AS discount, "
            "COALESCE(status, 'placed') AS status, live_session_id, placed_at, paid_at "
            f"FROM read_parquet({lit(files['orders'])})"
        )
        con.execute(
            "CREATE VIEW order_lines AS SELECT order_id, product_id, quantity, unit_price "
            f"FROM read_parquet({lit(files['lines'])})"
        )
        con.execute(
            f"CREATE VIEW products AS SELECT id, tenant_id, sku, category FROM read_parquet({lit(files['products'])})"
        )
        con.execute(
            "CREATE VIEW tenants AS SELECT id, COALESCE(name_en, name) AS name "
            f"FROM read_parquet({lit(files['sellers'])})"
        )
        for table in COLUMNS:
            if table not in ("orders", "order_lines", "products", "tenants"):
                cols = ", ".join(f"{c} {t}" for c, t in COLUMNS[table])
                con.execute(f"CREATE TABLE {table} ({cols})")
        return store

    @classmethod
    def of_store(cls, engine: Engine, version: str) -> DuckStore:
        """A columnar copy of the store's tables the figures read (text in, typed by DuckDB)."""
        con = duckdb.connect()
        store = cls(con, version)
        with engine.connect() as conn:
            for table, cols in COLUMNS.items():
                names = [c for c, _ in cols]
                rows = conn.exec_driver_sql(f"SELECT {', '.join(names)} FROM {table}").fetchall()
                columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
                raw = pa.table(
                    {
                        n: pa.array([_text(v) for v in col], pa.string())
                        for n, col in zip(names, columns, strict=True)
                    }
                )
                con.register("raw_copy", raw)
                casts = ", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in cols)
                con.execute(f"CREATE TABLE {table} AS SELECT {casts} FROM raw_copy")
                con.unregister("raw_copy")
        return store


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
        return value.isoformat(sep=" ")
    return str(value)

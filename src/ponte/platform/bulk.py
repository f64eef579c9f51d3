"""Bulk reads and writes for jobs that move many rows at once (the batch job's database mode).

* ``select_arrow``: a query's rows as an Arrow table. On PostgreSQL the rows come out through
  ``COPY (SELECT …) TO STDOUT`` (CSV), streamed block by block into Arrow's CSV reader; elsewhere (SQLite)
  through a chunked SELECT. Column types are the query's: amounts exact, times timezone-aware UTC.
* ``stage``: rows put into a temporary staging table of the transaction (PostgreSQL: ``COPY … FROM STDIN``;
  SQLite: one executemany), so that the caller moves them into the real tables with one
  ``INSERT … SELECT`` or ``UPDATE … FROM`` each, never row by row.
* ``copy_rows`` / ``insert_rows``: rows appended to a table at once (COPY on PostgreSQL, executemany
  elsewhere). Each value goes through its column type's bind processing first (``Encrypted`` encrypts,
  ``Amount`` keeps exact decimals, ``UtcDateTime`` stores UTC), so what is stored is what the ORM stores.

Everything runs in the caller's session, inside its transaction: nothing is committed here.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, cast

import pyarrow as pa
import pyarrow.csv as pacsv
from sqlalchemy import Column, MetaData, Select, Table, insert, text
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateTable
from sqlalchemy.sql import FromClause, TableClause
from sqlalchemy.types import TypeEngine

__all__ = ["copy_rows", "insert_rows", "is_postgres", "select_arrow", "stage"]

_BLOCK = 4 << 20  # bytes of CSV Arrow parses at a time


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _driver(session: Session) -> Any:
    """The psycopg connection under the session's transaction."""
    return session.connection().connection.driver_connection


class _CopyStream(io.RawIOBase):
    """The blocks of a ``COPY … TO STDOUT`` as a readable file (what Arrow's streaming reader takes)."""

    def __init__(self, blocks: Iterator[Any]) -> None:
        self._blocks = blocks
        self._rest = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._rest:
            block = next(self._blocks, None)
            if block is None:
                return 0
            self._rest = bytes(block)
        n = min(len(buffer), len(self._rest))
        buffer[:n] = self._rest[:n]
        self._rest = self._rest[n:]
        return n


def _pg_columns(query: Select[Any], schema: pa.Schema) -> list[str]:
    """Each column of the query as COPY writes it so that Arrow reads it back exactly: times as UTC ISO
    text (whatever the session's time zone), the rest as PostgreSQL prints it."""
    out = []
    for f in schema:
        name = f'"{f.name}"'
        if pa.types.is_timestamp(f.type):
            out.append(f"""to_char(q.{name} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS {name}""")
        else:
            out.append(f"q.{name}")
    return out


def _csv_type(t: pa.DataType) -> pa.DataType:
    return pa.timestamp("us") if pa.types.is_timestamp(t) else t


def select_arrow(session: Session, query: Select[Any], schema: pa.Schema, chunk: int = 50_000) -> pa.Table:
    """The rows of ``query`` (its labels are ``schema``'s names, in order) as a table of ``schema``."""
    if not is_postgres(session):
        batches = []
        for rows in session.execute(query).partitions(chunk):
            columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
            batches.append(
                pa.record_batch(
                    [pa.array(list(c), f.type) for c, f in zip(columns, schema, strict=True)], schema
                )
            )
        return pa.Table.from_batches(batches, schema) if batches else schema.empty_table()
    compiled = query.compile(session.get_bind())
    params = compiled.construct_params()
    sql = f"SELECT {', '.join(_pg_columns(query, schema))} FROM ({compiled.string}) AS q"
    cursor = _driver(session).cursor()
    with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv, HEADER)", params) as copy:
        reader = pacsv.open_csv(
            io.BufferedReader(_CopyStream(iter(copy)), buffer_size=_BLOCK),
            read_options=pacsv.ReadOptions(block_size=_BLOCK),
            convert_options=pacsv.ConvertOptions(
                column_types={f.name: _csv_type(f.type) for f in schema},
                true_values=["t"],
                false_values=["f"],
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
            ),
        )
        table = reader.read_all()
    return pa.table([table[f.name].cast(f.type) for f in schema], schema=schema)


def _table(name: str, columns: Sequence[tuple[str, TypeEngine[Any]]]) -> Table:
    return Table(name, MetaData(), *(Column(n, t) for n, t in columns), prefixes=["TEMPORARY"])


def stage(
    session: Session, name: str, columns: Sequence[tuple[str, TypeEngine[Any]]], rows: Iterable[Sequence[Any]]
) -> Table:
    """A temporary table ``name`` of the transaction holding ``rows`` (tuples in ``columns``' order); an
    earlier staging table of the same name in this session is replaced."""
    table = _table(name, columns)
    session.execute(text(f'DROP TABLE IF EXISTS "{name}"'))
    if is_postgres(session):
        session.execute(text(str(_create_sql(session, table)) + " ON COMMIT DROP"))
    else:
        table.create(session.connection())
    copy_rows(session, table, [n for n, _ in columns], rows)
    return table


def _create_sql(session: Session, table: Table) -> str:
    return str(CreateTable(table).compile(session.get_bind())).strip()


def copy_rows(session: Session, into: FromClause, names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Append ``rows`` (tuples in ``names``' order) to ``table``: COPY on PostgreSQL, executemany
    elsewhere; values as the columns' Python types (Decimal, aware datetime, str), bound as the ORM binds
    them. Columns left out take their server default (an autoincrement id) or NULL."""
    table = cast(TableClause, into)  # a Table, or a model's __table__
    rows = list(rows)
    if not rows:
        return 0
    if is_postgres(session):
        session.flush()
        dialect = session.get_bind().dialect
        binds = [table.c[n].type.bind_processor(dialect) for n in names]
        cols = ", ".join(f'"{n}"' for n in names)
        cursor = _driver(session).cursor()
        with cursor.copy(f'COPY "{table.name}" ({cols}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([v if b is None else b(v) for v, b in zip(row, binds, strict=True)])
        return len(rows)
    session.execute(insert(table), [dict(zip(names, r, strict=True)) for r in rows])
    return len(rows)


def insert_rows(session: Session, into: FromClause, rows: Sequence[Mapping[str, Any]]) -> int:
    """``copy_rows`` of rows given as mappings, every one with the same columns."""
    if not rows:
        return 0
    names = list(rows[0])
    return copy_rows(session, into, names, ([r[n] for n in names] for r in rows))

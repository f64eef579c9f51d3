"""Many rows of one table written at once, in the caller's transaction.

On PostgreSQL (psycopg) the rows go through ``COPY ... FROM STDIN``, the server's own bulk path; elsewhere
through SQLAlchemy Core's executemany. Either way each value goes through its column type's bind processing
first (``Encrypted`` encrypts, ``Amount`` keeps exact decimals, ``UtcDateTime`` stores UTC), so what is
stored is what the ORM would store. Every row gives the same columns; columns left out take their server
default (an autoincrement id) or NULL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

__all__ = ["insert_rows"]


def insert_rows(session: Session, table: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    if not rows:
        return
    target = cast(Table, table)
    conn = session.connection()
    dialect = conn.dialect
    if dialect.name != "postgresql" or dialect.driver != "psycopg":
        session.execute(insert(target), list(rows))
        return
    names = list(rows[0])
    columns = [target.c[n] for n in names]
    processors = [c.type.bind_processor(dialect) for c in columns]
    quote = dialect.identifier_preparer.quote
    statement = f"COPY {quote(target.name)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
    raw = conn.connection.driver_connection
    assert raw is not None  # a checked-out connection
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(
                [row[n] if p is None else p(row[n]) for n, p in zip(names, processors, strict=True)]
            )

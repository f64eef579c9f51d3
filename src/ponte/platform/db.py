"""Engine, declarative base and the unit of work that owns each transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # pysqlite's own transaction handling breaks SAVEPOINT; SQLAlchemy's
            # documented workaround: turn it off and emit BEGIN ourselves.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # SQLite has one writer. A transaction that may write takes the write lock when it begins,
            # so concurrent writers wait their turn (busy timeout) instead of failing with "database is
            # locked" when a read lock cannot be upgraded; read-only units of work begin deferred.
            readonly = conn.get_execution_options().get("ponte_readonly", False)
            conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


class UnitOfWork:
    """One transaction: commit explicitly, roll back otherwise.

    Repositories never commit; a handler does `with uow: ...; uow.commit()`.
    """

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        return self

    def __exit__(self, *exc: object) -> None:
        # close() rolls back whatever was not committed and detaches the objects
        # without expiring them, so callers can still read what they loaded.
        self.session.close()

    def commit(self) -> None:
        self.session.commit()


class Database:
    """An engine and its session factory; `unit_of_work()` opens a transaction."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessions = sessionmaker(
            self.engine.execution_options(ponte_readonly=True), expire_on_commit=False
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def unit_of_work(self, readonly: bool = False) -> UnitOfWork:
        """A transaction; ``readonly`` ones never block writers on SQLite (and must not write)."""
        return UnitOfWork(self.read_sessions if readonly else self.sessions)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.unit_of_work() as uow:
            yield uow.session
            uow.commit()

    def dispose(self) -> None:
        self.engine.dispose()


class TenantScoped:
    """Base of repositories that belong to one tenant: every query they make filters on it."""

    def __init__(self, session: Session, tenant_id: str) -> None:
        self.session = session
        self.tenant_id = tenant_id

"""Fixtures shared by every capability's tests.

`database` runs a test on SQLite always and on PostgreSQL when
PONTE_TEST_POSTGRES_URL is set (each test run gets a database of its own
there, dropped at the end, so parallel runs never see each other's rows).
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from factories import Tenants, seed_tenants
from ponte import schema
from ponte.platform.crypto import configure as configure_crypto
from ponte.platform.db import Base, Database

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
POSTGRES_URL = os.environ.get("PONTE_TEST_POSTGRES_URL")

# every Settings the tests build (and every CLI they start) reads the same data key
os.environ.setdefault("PONTE_DATA_KEY", "ponte-test-data-key-of-the-test-suite-only")
os.environ.setdefault("PONTE_SESSION_SECRET", "ponte-test-session-secret-of-the-test-suite-only")
configure_crypto([os.environ["PONTE_DATA_KEY"]])
# compiled rule files go to a folder of the run, never the runner's own cache
os.environ.setdefault("PONTE_CACHE_DIR", tempfile.mkdtemp(prefix="ponte-test-cache-"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "[postgresql" in item.nodeid or "postgres" in getattr(item, "fixturenames", []):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"the shared reference folder {SHARED} is not present")
    return SHARED.resolve()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run (needs PONTE_TEST_POSTGRES_URL)."""
    if not POSTGRES_URL:
        pytest.skip("PONTE_TEST_POSTGRES_URL is not set; PostgreSQL tests run in CI")
    from sqlalchemy.engine import make_url

    server = make_url(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"ponte_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def _postgres_schema(postgres_url: str) -> str:
    from ponte.platform.migrate import upgrade

    upgrade(postgres_url)
    return postgres_url


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty database with every table, on each backend."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'ponte.db'}")
        schema.create_all(db.engine)
        yield db
        db.dispose()
        return
    url = request.getfixturevalue("_postgres_schema")
    db = Database(url, pool_size=20, max_overflow=40)
    try:
        yield db
    finally:
        with db.engine.begin() as conn:
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.dispose()


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'ponte.db'}")
    schema.create_all(db.engine)
    yield db
    db.dispose()


@pytest.fixture
def tenants(database: Database) -> Tenants:
    return seed_tenants(database)


@pytest.fixture
def api(database: Database):  # type: ignore[no-untyped-def]
    """A TestClient on the bare API (mounted at /), with its own key cache."""
    from fastapi.testclient import TestClient

    from ponte.api.app import attach, create_api
    from ponte.api.deps import KeyCache
    from ponte.bootstrap import Platform
    from ponte.platform.settings import Settings

    app = create_api()
    attach(app, Platform(Settings(database_url=database.url), _database=database), KeyCache())
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client

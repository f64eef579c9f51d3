"""The analytics tests' corpus, once per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from analytics_corpus import Corpus, make_corpus
from sqlalchemy import text

from ponte.platform.db import Base, Database


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    c = make_corpus(tmp_path_factory.mktemp("corpus"))
    yield c
    c.database.dispose()


@pytest.fixture
def postgres_database(_postgres_schema: str) -> Iterator[Database]:
    """The PostgreSQL side of ``database`` alone, for what only happens with concurrent writers."""
    db = Database(_postgres_schema)
    try:
        yield db
    finally:
        with db.engine.begin() as conn:
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.dispose()

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from console_data import ConsoleClient, Park, seed
from fastapi.testclient import TestClient

from ponte.api.app import create_app
from ponte.platform.db import Database
from ponte.platform.settings import Settings


@pytest.fixture(scope="module")
def console_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Park, str]]:
    path: Path = tmp_path_factory.mktemp("console") / "ponte.db"
    url = f"sqlite:///{path}"
    database = Database(url)
    park = seed(database)
    yield database, park, url
    database.dispose()


@pytest.fixture(scope="module")
def app_and_park(console_db: tuple[Database, Park, str]):  # type: ignore[no-untyped-def]
    database, park, url = console_db
    settings = Settings(env="development", database_url=url, log_level="WARNING")
    return create_app(settings, database), park


@pytest.fixture()
def client(app_and_park) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    app, _park = app_and_park
    with ConsoleClient(app, follow_redirects=True) as test_client:
        yield test_client


@pytest.fixture()
def park(app_and_park) -> Park:  # type: ignore[no-untyped-def]
    return app_and_park[1]  # type: ignore[no-any-return]

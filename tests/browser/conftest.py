"""A real headless Chromium (Debian's) against the console served by uvicorn on 127.0.0.1.

Skips with the reason when Chromium or Playwright is missing, unless CI is set:
then a missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))

from console_data import Park, seed

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing() -> str | None:
    if not (os.path.exists(CHROMIUM) and shutil.which(CHROMIUM)):
        return f"{CHROMIUM} is not installed (apt-get install -y chromium fonts-noto-cjk)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -e '.[dev]')"
    return None


def _require_browser() -> None:
    reason = _missing()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


#: What the session's console runs on, for tests that stage data or buy while a page watches.
SHARED: dict[str, Any] = {}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Park]]:
    """The whole app (API + console) on a free port, against a seeded temporary SQLite file."""
    _require_browser()
    import uvicorn

    from ponte.api.app import create_app
    from ponte.platform.db import Database
    from ponte.platform.settings import Settings

    url = f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'ponte.db'}"
    database = Database(url)
    park = seed(database, orders_per_seller=12)
    SHARED["database"] = database
    exchange = tmp_path_factory.mktemp("customs-exchange")
    settings = Settings(
        env="development", database_url=url, log_level="WARNING", customs_exchange_dir=exchange
    )
    app = create_app(settings, database)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(1000):  # up to 10 s for the server to listen
        if server.started or not thread.is_alive():
            break
        thread.join(0.01)
    if not server.started:
        pytest.fail("the console did not start")
    yield f"http://127.0.0.1:{port}", park
    server.should_exit = True
    thread.join(10)
    database.dispose()


@pytest.fixture(scope="session")
def browser(live_console: Any) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Screenshots kept as artefacts: $PONTE_ARTEFACTS (or tmp/artefacts of the checkout)/screenshots."""
    root = Path(
        os.environ.get("PONTE_ARTEFACTS") or Path(__file__).resolve().parents[2] / "tmp" / "artefacts"
    )
    folder = root / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def console_database(live_console: Any) -> Any:
    return SHARED["database"]

"""The classifier is loaded once for the whole test session (about a second: the packaged model)."""

from __future__ import annotations

import pytest

from ponte.classify.service import Engine, load_engine


@pytest.fixture(scope="session")
def engine() -> Engine:
    return load_engine()

"""The live tests' stage (``live_stage``) as a fixture."""

from __future__ import annotations

import pytest
from live_stage import Stage, build_stage

from ponte.platform.db import Database


@pytest.fixture
def stage(database: Database, tenants) -> Stage:  # type: ignore[no-untyped-def]
    return build_stage(database, tenants.a)

"""A warehouses service on a movable clock, stocked with a São Paulo warehouse and a bonded one in China."""

from __future__ import annotations

import pytest
from wh_specs import NOW, MovableClock, bonded_china, sao_paulo

from factories import Tenants
from ponte.platform.db import Database
from ponte.warehouses.service import WarehouseService


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(NOW)


@pytest.fixture
def service(database: Database, clock: MovableClock) -> WarehouseService:
    return WarehouseService(database, clock)


@pytest.fixture
def stocked(service: WarehouseService, tenants: Tenants) -> WarehouseService:
    """Tenant a: GRU-1 (bins A-01, C-01 chilled) and SZX-B1 (bonded); tenant b: its own GRU-1."""
    service.add_warehouse(tenants.a, sao_paulo())
    service.add_location(tenants.a, "GRU-1", "A-01")
    service.add_location(tenants.a, "GRU-1", "C-01", zone="chilled")
    service.add_warehouse(tenants.a, bonded_china())
    service.add_location(tenants.a, "SZX-B1", "COLD-1", zone="chilled")
    service.add_warehouse(tenants.b, sao_paulo())
    service.add_location(tenants.b, "GRU-1", "A-01")
    return service

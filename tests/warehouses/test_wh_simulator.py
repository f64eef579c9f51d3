"""The simulator stocks the demo: five overseas warehouses for an exporter, a bonded one for an importer of
fresh produce, lots with expiry dates, inbound legs on the way and a demand history the forecast can use."""

from __future__ import annotations

from datetime import UTC, datetime

from factories import seed_tenants
from ponte import schema
from ponte.platform.db import Database
from ponte.simulate.warehouses import BONDED, OVERSEAS, load_warehouses
from ponte.warehouses.service import WarehouseService


def test_the_demo_warehouses(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = Database(f"sqlite:///{tmp_path / 'sim.db'}")
    schema.create_all(db.engine)
    tenants = seed_tenants(db)
    s = WarehouseService(db)
    today = datetime.now(UTC).date()
    counts = load_warehouses(
        s, tenants.a, [("LIP-001", False)], tenants.b, [("CHERRY-5KG", "CL")], today, history_days=60
    )
    assert counts == {"warehouses": 6, "lots": 5 + 3, "inbound": 6, "history_days": 60}
    assert [w.code for w in s.warehouses(tenants.a)] == sorted(w.code for w in OVERSEAS)
    [bonded] = s.warehouses(tenants.b)
    assert (bonded.code, bonded.bonded, bonded.trade_mode) == (BONDED.code, True, "1210")
    lots = s.lots(tenants.b, BONDED.code)
    assert all(lot.expires_on is not None for lot in lots if lot.available)
    [leg] = s.inbounds(tenants.b)
    assert leg.mode == "air" and leg.awb and leg.trade_mode == "1210"
    assert len(s.demand_history(tenants.a, "GRU-1", days=60)["LIP-001"]) == 60
    assert s.reconcile(tenants.a) == [] and s.reconcile(tenants.b) == []
    db.dispose()

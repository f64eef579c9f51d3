"""An order's stock through the warehouse: reserve, pick (first expiry first out, never expired), pack, hand
over, return; every step a row of the ledger, and the cache always equal to the ledger."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from wh_specs import NOW, MovableClock

from factories import Tenants
from ponte.kernel.errors import ConflictError, ValidationError
from ponte.warehouses.service import WarehouseService


def test_an_order_goes_from_reservation_to_the_carrier_and_back(
    stocked: WarehouseService, tenants: Tenants
) -> None:
    s = stocked
    s.receive(tenants.a, "GRU-1", "LIP-001", 10, "L-LATE", "A-01", date(2026, 9, 1))
    s.receive(tenants.a, "GRU-1", "LIP-001", 5, "L-SOON", "A-01", date(2026, 4, 1))
    r = s.reserve(tenants.a, "GRU-1", "ord_1", [("LIP-001", 7)])
    assert [(p.lot_code, p.quantity) for p in r.picks] == [("L-SOON", 5), ("L-LATE", 2)]
    assert r.status == "reserved"
    [pos] = s.stock_positions(tenants.a, ["LIP-001"])[:1]
    assert (pos.warehouse_code, pos.available, pos.trade_mode, pos.bonded) == ("GRU-1", 8, "9810", False)
    assert s.reserve(tenants.a, "GRU-1", "ord_1", [("LIP-001", 7)]).id == r.id  # asked twice, held once
    s.pick(tenants.a, r.id)
    s.pack(tenants.a, r.id)
    done = s.handover(tenants.a, r.id, "Correios", "BR123456789")
    assert (done.status, done.tracking_number) == ("shipped", "BR123456789")
    lots = {lot.lot_code: lot for lot in s.lots(tenants.a, "GRU-1")}
    assert (lots["L-SOON"].on_hand, lots["L-LATE"].on_hand, lots["L-LATE"].available) == (0, 8, 8)
    s.return_stock(tenants.a, r.id, "LIP-001", 3, "restock", "buyer changed mind")
    lots = {lot.lot_code: lot for lot in s.lots(tenants.a, "GRU-1")}
    assert lots["L-LATE"].available + lots["L-SOON"].available == 11
    with pytest.raises(ValidationError) as bad:
        s.return_stock(tenants.a, r.id, "LIP-001", 5, "restock", "again")
    assert bad.value.rule == "insufficient-stock"
    kinds = [m.kind for m in s.movements(tenants.a, "GRU-1")]
    assert {"receipt", "reservation", "pick", "pack", "ship", "return"} <= set(kinds)
    assert s.reconcile(tenants.a) == []


def test_an_expired_lot_is_never_picked(
    stocked: WarehouseService, tenants: Tenants, clock: MovableClock
) -> None:
    s = stocked
    s.receive(tenants.a, "SZX-B1", "CHERRY-5KG", 4, "CL-1", "COLD-1", date(2026, 3, 12))
    s.receive(tenants.a, "SZX-B1", "CHERRY-5KG", 6, "CL-2", "COLD-1", date(2026, 3, 20))
    r = s.reserve(tenants.a, "SZX-B1", "ord_c", [("CHERRY-5KG", 5)])
    assert [(p.lot_code, p.quantity) for p in r.picks] == [("CL-1", 4), ("CL-2", 1)]
    clock.move(NOW + timedelta(days=2))  # CL-1 expires on the 12th, local time
    picked = s.pick(tenants.a, r.id)
    assert [(p.lot_code, p.quantity) for p in picked.picks] == [("CL-2", 5)]
    lots = {lot.lot_code: lot for lot in s.lots(tenants.a, "SZX-B1")}
    assert (lots["CL-1"].available, lots["CL-1"].picked, lots["CL-2"].picked) == (4, 0, 5)
    with pytest.raises(ValidationError) as short:
        s.reserve(tenants.a, "SZX-B1", "ord_d", [("CHERRY-5KG", 2)])
    assert short.value.rule == "insufficient-stock"  # 4 on the shelf, but expired
    [off] = s.write_off_expired(tenants.a, "SZX-B1")
    assert (off.lot_code, off.available, off.on_hand) == ("CL-1", 0, 0)
    assert s.reconcile(tenants.a) == []


def test_a_count_discrepancy_is_an_adjustment_with_its_reason(
    stocked: WarehouseService, tenants: Tenants
) -> None:
    s = stocked
    s.receive(tenants.a, "GRU-1", "LIP-001", 10, "L1", "A-01")
    after = s.count(tenants.a, "GRU-1", "LIP-001", "L1", 8, reason="cycle count")
    assert after.available == 8
    [adj] = [m for m in s.movements(tenants.a, "GRU-1") if m.kind == "adjustment"]
    assert (adj.quantity, adj.source, adj.target) == (2, "available", "outside")
    assert adj.reason == "cycle count: expected 10, counted 8"


@pytest.mark.parametrize(
    ("call", "field", "rule"),
    [
        (lambda s, t: s.receive(t.a, "NOPE", "LIP-001", 1, "L1", "A-01"), "warehouse", "unknown-warehouse"),
        (lambda s, t: s.count(t.a, "GRU-1", "LIP-001", "L1", -1), "counted", "not-negative"),
        (lambda s, t: s.receive(t.a, "GRU-1", "LIP-001", -3, "L1", "A-01"), "quantity", "not-negative"),
        (
            lambda s, t: s.transfer(t.a, "GRU-1", s.warehouses(t.b)[0].id, "LIP-001", "L1", 1, "A-01"),
            "to_warehouse",
            "same-tenant",
        ),
        (
            lambda s, t: s.reserve(t.a, "GRU-1", "ord_x", [("LIP-001", 11)]),
            "lines/0/quantity",
            "insufficient-stock",
        ),
        (lambda s, t: s.adjust(t.a, "GRU-1", "LIP-001", "L1", -1, ""), "reason", "reason-required"),
        (lambda s, t: s.receive(t.a, "GRU-1", "LIP-001", 1, "L9", "Z-99"), "location", "unknown-location"),
    ],
)
def test_bad_input_is_named_and_changes_nothing(
    stocked: WarehouseService, tenants: Tenants, call, field, rule
) -> None:  # type: ignore[no-untyped-def]
    s = stocked
    s.receive(tenants.a, "GRU-1", "LIP-001", 10, "L1", "A-01")
    before = (s.movements(tenants.a, "GRU-1"), s.lots(tenants.a, "GRU-1"), s.reservations(tenants.a))
    with pytest.raises(ValidationError) as bad:
        call(s, tenants)
    assert (bad.value.field, bad.value.rule) == (field, rule)
    assert (s.movements(tenants.a, "GRU-1"), s.lots(tenants.a, "GRU-1"), s.reservations(tenants.a)) == before
    assert s.reconcile(tenants.a) == []


def test_a_reservation_moves_only_forward(stocked: WarehouseService, tenants: Tenants) -> None:
    s = stocked
    s.receive(tenants.a, "GRU-1", "LIP-001", 3, "L1", "A-01")
    r = s.reserve(tenants.a, "GRU-1", "ord_1", [("LIP-001", 2)])
    with pytest.raises(ConflictError):
        s.pack(tenants.a, r.id)
    s.release(tenants.a, r.id)
    assert s.lots(tenants.a, "GRU-1")[0].available == 3
    with pytest.raises(ConflictError):
        s.pick(tenants.a, r.id)

"""The ledger's invariant: a lot's levels are the sum of its movements, whatever happens; the level cache and
the ledger never disagree (property tests), and on PostgreSQL hundreds of concurrent workers neither oversell
nor lose a movement."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wh_specs import NOW, MovableClock, sao_paulo

from factories import seed_tenants
from ponte import schema
from ponte.kernel.errors import PonteError, ValidationError
from ponte.platform.db import Database
from ponte.warehouses.core import KINDS, Bucket, Kind, Levels, levels_of, movement
from ponte.warehouses.service import WarehouseService

MOVES = st.lists(
    st.tuples(
        st.sampled_from(sorted(KINDS)), st.sampled_from(["l1", "l2"]), st.integers(1, 20), st.booleans()
    ),
    max_size=60,
)


@settings(deadline=None)
@given(MOVES)
def test_levels_are_the_sum_of_movements_in_any_order(moves: list[tuple[Kind, str, int, bool]]) -> None:
    specs = [movement(k, lot, q, outward=out, reason="r") for k, lot, q, out in moves]
    levels: dict[str, Levels] = {}
    for s in specs:
        levels[s.lot_id] = levels.get(s.lot_id, Levels()).moved(s.source, s.target, s.quantity)
    summed = levels_of([(s.lot_id, s.source, s.target, s.quantity) for s in specs])
    assert summed == {k: v for k, v in levels.items()}
    assert levels_of([(s.lot_id, s.source, s.target, s.quantity) for s in reversed(specs)]) == summed
    # units only enter or leave through ``outside``: the total on hand is receipts minus what left
    for lot, lv in summed.items():
        inward = sum(s.quantity for s in specs if s.lot_id == lot and s.source is Bucket.OUTSIDE)
        outward = sum(s.quantity for s in specs if s.lot_id == lot and s.target is Bucket.OUTSIDE)
        assert lv.on_hand == inward - outward


OPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["receive", "reserve", "pick", "pack", "ship", "release", "adjust", "count", "transfer"]
        ),
        st.integers(0, 2),
        st.integers(-5, 25),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPS)
def test_the_stored_levels_always_equal_the_ledger(ops: list[tuple[str, int, int]]) -> None:
    database = Database("sqlite://")
    schema.create_all(database.engine)
    tenants = seed_tenants(database)
    s = WarehouseService(database, MovableClock(NOW))
    t = tenants.a
    s.add_warehouse(t, sao_paulo())
    s.add_warehouse(t, sao_paulo("GRU-2"))
    for code in ("GRU-1", "GRU-2"):
        s.add_location(t, code, "A-01")
    open_: list[str] = []
    for n, (op, lot, qty) in enumerate(ops):
        code = f"L{lot}"
        try:
            if op == "receive":
                s.receive(t, "GRU-1", "SKU", qty, code, "A-01", date(2027, 1, 1 + lot))
            elif op == "reserve":
                open_.append(s.reserve(t, "GRU-1", f"o{n}", [("SKU", qty)]).id)
            elif op in ("pick", "pack", "release") and open_:
                getattr(s, op)(t, open_[qty % len(open_)])
            elif op == "ship" and open_:
                s.handover(t, open_[qty % len(open_)], "Correios", f"BR{n}")
            elif op == "adjust":
                s.adjust(t, "GRU-1", "SKU", code, qty - 10, "found or lost")
            elif op == "count":
                s.count(t, "GRU-1", "SKU", code, qty)
            elif op == "transfer":
                s.transfer(t, "GRU-1", "GRU-2", "SKU", code, qty, "A-01")
        except PonteError:
            pass  # refused: it must have changed nothing, which the reconciliation below proves
        assert s.reconcile(t) == []
    for lot in s.lots(t, "GRU-1") + s.lots(t, "GRU-2"):
        assert min(lot.available, lot.reserved, lot.picked, lot.packed) >= 0
    database.dispose()


def test_concurrent_picks_receipts_and_reservations_on_postgresql(database: Database, tenants) -> None:  # type: ignore[no-untyped-def]
    if database.is_sqlite:
        pytest.skip("the concurrency test is PostgreSQL's (SQLite has one writer)")
    # hundreds of workers share 50 connections: each waits its turn for one however busy the machine is
    pooled = Database(database.url, pool_size=20, max_overflow=30, pool_timeout=900)
    s = WarehouseService(pooled, MovableClock(NOW))
    t = tenants.a
    s.add_warehouse(t, sao_paulo())
    s.add_location(t, "GRU-1", "A-01")
    s.receive(t, "GRU-1", "SKU", 60, "EARLY", "A-01", date(2026, 6, 1))
    s.receive(t, "GRU-1", "SKU", 40, "LATE", "A-01", date(2026, 12, 1))
    workers, receivers = 240, 60
    done: Counter[str] = Counter()
    reserved_units: list[int] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(workers)

    def work(i: int) -> None:
        try:
            start.wait()
            if i < receivers:
                s.receive(t, "GRU-1", "SKU", 2, "LATE" if i % 2 else "EARLY", "A-01")
                with lock:
                    done["receipt"] += 1
                return
            qty = 1 + i % 3
            try:
                r = s.reserve(t, "GRU-1", f"ord-{i}", [("SKU", qty)])
            except ValidationError as e:
                assert e.rule == "insufficient-stock"
                with lock:
                    done["refused"] += 1
                return
            s.pick(t, r.id)
            with lock:
                done["picked"] += 1
                reserved_units.append(qty)
        except BaseException as e:
            failures.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not failures, failures[:3]
    assert done["receipt"] == receivers and done["picked"] + done["refused"] == workers - receivers
    lots = s.lots(t, "GRU-1")
    assert all(min(lot.available, lot.reserved, lot.picked) >= 0 for lot in lots)
    assert sum(lot.picked for lot in lots) == sum(reserved_units)
    assert sum(lot.on_hand for lot in lots) == 100 + 2 * receivers  # nothing created, nothing lost
    kinds = Counter(m.kind for m in s.movements(t, "GRU-1", limit=10_000))
    assert kinds["receipt"] == 2 + receivers
    assert kinds["pick"] >= done["picked"]  # one pick row per lot a reservation took from
    assert s.reconcile(t) == []
    assert sum(r.quantity for r in s.movements(t, "GRU-1", limit=10_000) if r.kind == "pick") == sum(
        reserved_units
    )

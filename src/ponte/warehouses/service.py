"""The warehouses' use cases: warehouses and locations, stock and the ledger, inbound legs, outbound orders.

Each public method is one unit of work: it commits, or nothing it did is kept. Given a caller's ``uow`` (the
order's journey, a larger import) it stages its work there instead and the caller commits. Every change of stock
is a row of the ledger written with the level cache it moves; operations that choose lots (reservation, pick,
transfer) first lock the level rows they may touch in lot-id order, so concurrent writers queue instead of
overselling or deadlocking.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from ponte.kernel.errors import ValidationError
from ponte.kernel.ids import new_id
from ponte.platform.db import UnitOfWork
from ponte.warehouses.core import (
    ZONES,
    Kind,
    LotStock,
    StockPosition,
    WarehouseError,
    WarehouseSpec,
    available_now,
    check_warehouse,
    movement,
)
from ponte.warehouses.inbound_service import InboundService
from ponte.warehouses.outbound_service import OutboundService
from ponte.warehouses.replenishment_service import ReplenishmentService
from ponte.warehouses.service_base import check_quantity, local_day
from ponte.warehouses.stock_service import StockReads
from ponte.warehouses.store.repository import WarehouseRepository, spec_of
from ponte.warehouses.store.tables import Warehouse
from ponte.warehouses.views import LotView, WarehouseView

__all__ = ["WarehouseService"]

#: Days of reserved units a stock line's daily demand is averaged over (cover in days).
DEMAND_WINDOW_DAYS = 28


def view_of(row: Warehouse, locations: Sequence[dict[str, str]] = ()) -> WarehouseView:
    return WarehouseView(
        row.id,
        row.code,
        row.name,
        row.operator,
        row.country,
        dict(row.address),
        row.time_zone,
        row.currency,
        row.bonded,
        row.trade_mode,
        row.cut_off_local,
        row.handling_days,
        list(row.temperature_zones),
        list(locations),
    )


class WarehouseService(StockReads, InboundService, OutboundService, ReplenishmentService):
    """Warehouses, their stock and inbound legs (and, from ``OutboundService``, the outbound of orders)."""

    # warehouses --------------------------------------------------------------------------------------------
    def add_warehouse(
        self, tenant_id: str, spec: WarehouseSpec, uow: UnitOfWork | None = None
    ) -> WarehouseView:
        bad = check_warehouse(spec)
        if bad:
            raise ValidationError.of(bad)
        with self._unit(uow) as u:
            return view_of(WarehouseRepository(u.session, tenant_id).add_warehouse(spec, self.clock.now()))

    def add_location(
        self,
        tenant_id: str,
        warehouse_code: str,
        code: str,
        zone: str = "ambient",
        uow: UnitOfWork | None = None,
    ) -> dict[str, str]:
        if not code or len(code) > 32 or not code.replace("-", "").isalnum():
            raise ValidationError(
                "a location code is 1 to 32 letters, digits or dashes", field="code", rule=WarehouseError.CODE
            )
        with self._unit(uow) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            wh = repo.warehouse(warehouse_code)
            if zone not in ZONES or zone not in wh.temperature_zones:
                raise ValidationError(
                    f"{zone!r} is not one of {wh.code}'s zones {wh.temperature_zones}",
                    field="zone",
                    rule=WarehouseError.ZONE,
                )
            row = repo.add_location(wh, code, zone)
            return {"code": row.code, "zone": row.zone}

    def warehouses(self, tenant_id: str) -> list[WarehouseView]:
        with self._unit(None, readonly=True) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            return [
                view_of(w, [{"code": loc.code, "zone": loc.zone} for loc in repo.locations(w)])
                for w in repo.warehouses()
            ]

    def warehouse(self, tenant_id: str, code: str) -> WarehouseView:
        with self._unit(None, readonly=True) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            w = repo.warehouse(code)
            return view_of(w, [{"code": loc.code, "zone": loc.zone} for loc in repo.locations(w)])

    # reads of stock ----------------------------------------------------------------------------------------
    def stock_positions(self, tenant_id: str, skus: Sequence[str]) -> list[StockPosition]:
        """Per warehouse of the tenant and requested SKU, what can ship now: unreserved stock of lots not expired
        on the warehouse's local date (0 when it holds none), by warehouse code then SKU."""
        at = self.clock.now()
        wanted = sorted(set(skus))
        with self._unit(None, readonly=True) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            rows = repo.warehouses()
            if not rows or not wanted:
                return []
            lots = repo.stock([w.id for w in rows], wanted)
            by_wh: dict[str, list[LotStock]] = {}
            lot_wh = {s.lot_id: s for s in lots}
            owners = repo.lots_by_id(lot_wh)
            for lot_id, (lot, _levels) in owners.items():
                by_wh.setdefault(lot.warehouse_id, []).append(lot_wh[lot_id])
            out = []
            for w in rows:
                spec = spec_of(w)
                today = local_day(w, at)
                mine = by_wh.get(w.id, [])
                for sku in wanted:
                    out.append(
                        StockPosition(
                            w.code,
                            tenant_id,
                            w.country,
                            w.bonded,
                            w.trade_mode,
                            sku,
                            available_now([s for s in mine if s.sku == sku], today),
                            w.handling_days,
                            spec.cut_off_local,
                            w.currency,
                        )
                    )
            return out

    # stock movements at the dock and on the shelf ----------------------------------------------------------
    def receive(
        self,
        tenant_id: str,
        warehouse_code: str,
        sku: str,
        quantity: int,
        lot_code: str,
        location: str,
        expires_on: date | None = None,
        uow: UnitOfWork | None = None,
    ) -> LotView:
        """Stock arriving without an advance notice (an opening balance, a local purchase)."""
        check_quantity(quantity, "quantity")
        with self._unit(uow) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            w = repo.warehouse(warehouse_code)
            lot = self._lot(repo, w, sku, lot_code, location, expires_on)
            repo.record(w.id, {lot.id: sku}, [movement(Kind.RECEIPT, lot.id, quantity)], self.clock.now())
            return self._lot_view(repo, w, lot.id)

    def record_history(
        self,
        tenant_id: str,
        warehouse_code: str,
        sku: str,
        lot_code: str,
        location: str,
        start: date,
        daily: Sequence[int],
        uow: UnitOfWork | None = None,
    ) -> int:
        """Bring in past outbound (from the system a warehouse used before, or the simulator): the units of
        each day from ``start`` received into ``lot_code`` and then reserved, picked, packed and shipped for that
        day's orders, at the day's 15:00 UTC, as ledger rows. The lot's levels are unchanged at the end; the
        demand history (and so the forecast) sees them. Returns the units."""
        days = [check_quantity(n, f"daily/{i}", allow_zero=True) for i, n in enumerate(daily)]
        total = sum(days)
        if total == 0:
            return 0
        with self._unit(uow) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            w = repo.warehouse(warehouse_code)
            lot = self._lot(repo, w, sku, lot_code, location, None)
            first = datetime.combine(start, time(15, 0), tzinfo=UTC)
            repo.record(w.id, {lot.id: sku}, [movement(Kind.RECEIPT, lot.id, total, reason="history")], first)
            for i, n in enumerate(days):
                if n:
                    ref = f"hist-{start + timedelta(days=i):%Y%m%d}"
                    specs = [
                        movement(k, lot.id, n, order_id=ref)
                        for k in (Kind.RESERVATION, Kind.PICK, Kind.PACK, Kind.SHIP)
                    ]
                    repo.record(w.id, {lot.id: sku}, specs, first + timedelta(days=i))
            return total

    def adjust(
        self,
        tenant_id: str,
        warehouse_code: str,
        sku: str,
        lot_code: str,
        delta: int,
        reason: str,
        uow: UnitOfWork | None = None,
    ) -> LotView:
        """An adjustment of a lot's available stock, with its reason (found, damaged, miscounted)."""
        if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0:
            raise ValidationError(
                "an adjustment moves a non-zero whole number", field="delta", rule=WarehouseError.POSITIVE
            )
        with self._unit(uow) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            w = repo.warehouse(warehouse_code)
            lot = self._known_lot(repo, w, sku, lot_code)
            spec = movement(Kind.ADJUSTMENT, lot.id, abs(delta), outward=delta < 0, reason=reason)
            repo.record(w.id, {lot.id: sku}, [spec], self.clock.now())
            return self._lot_view(repo, w, lot.id)

    def count(
        self,
        tenant_id: str,
        warehouse_code: str,
        sku: str,
        lot_code: str,
        counted: int,
        reason: str = "cycle count",
        uow: UnitOfWork | None = None,
    ) -> LotView:
        """A physical count of a lot on its shelf (available and reserved); a difference becomes an adjustment
        that says what was expected and what was counted."""
        check_quantity(counted, "counted", allow_zero=True)
        with self._unit(uow) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            w = repo.warehouse(warehouse_code)
            lot = self._known_lot(repo, w, sku, lot_code)
            levels = repo.lots_by_id([lot.id], lock=True)[lot.id][1]
            shelf = levels.available + levels.reserved
            if counted < levels.reserved:
                raise ValidationError(
                    f"counted {counted} is below the {levels.reserved} reserved: release reservations first",
                    field="counted",
                    rule=WarehouseError.INSUFFICIENT,
                )
            if counted != shelf:
                why = f"{reason.strip() or 'count'}: expected {shelf}, counted {counted}"
                spec = movement(
                    Kind.ADJUSTMENT, lot.id, abs(counted - shelf), outward=counted < shelf, reason=why
                )
                repo.record(w.id, {lot.id: sku}, [spec], self.clock.now())
            return self._lot_view(repo, w, lot.id)

    def transfer(
        self,
        tenant_id: str,
        from_code: str,
        to_warehouse: str,
        sku: str,
        lot_code: str,
        quantity: int,
        to_location: str,
        uow: UnitOfWork | None = None,
    ) -> tuple[LotView, LotView]:
        """Move available stock of a lot to another warehouse of the same tenant (``to_warehouse``: its code, or
        its id); the lot keeps its code and expiry."""
        check_quantity(quantity, "quantity")
        with self._unit(uow) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            source = repo.warehouse(from_code, field="from_warehouse")
            target = repo.destination(to_warehouse)
            if target.id == source.id:
                raise ValidationError(
                    "a transfer goes to another warehouse",
                    field="to_warehouse",
                    rule=WarehouseError.SAME_WAREHOUSE,
                )
            lot = self._known_lot(repo, source, sku, lot_code)
            dest = self._lot(repo, target, sku, lot_code, to_location, lot.expires_on, field="to_location")
            held = repo.lots_by_id([lot.id, dest.id], lock=True)[lot.id][1]
            if held.available < quantity:
                raise ValidationError(
                    f"lot {lot_code} has {held.available} available, {quantity} asked",
                    field="quantity",
                    rule=WarehouseError.INSUFFICIENT,
                )
            ref, at = new_id("trf"), self.clock.now()
            repo.record(
                source.id, {lot.id: sku}, [movement(Kind.TRANSFER_OUT, lot.id, quantity, transfer_id=ref)], at
            )
            repo.record(
                target.id,
                {dest.id: sku},
                [movement(Kind.TRANSFER_IN, dest.id, quantity, transfer_id=ref)],
                at,
            )
            return self._lot_view(repo, source, lot.id), self._lot_view(repo, target, dest.id)

    def write_off_expired(
        self, tenant_id: str, warehouse_code: str, uow: UnitOfWork | None = None
    ) -> list[LotView]:
        """Write off the available stock of every lot expired on the warehouse's local date."""
        with self._unit(uow) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            w = repo.warehouse(warehouse_code)
            today = local_day(w, self.clock.now())
            expired = [s for s in repo.stock([w.id]) if s.expired(today) and s.levels.available > 0]
            locked = repo.stock([w.id], sorted({s.sku for s in expired}), lock=True) if expired else []
            specs = [
                movement(Kind.WRITE_OFF, s.lot_id, s.levels.available, reason=f"expired on {s.expires_on}")
                for s in locked
                if s.expired(today) and s.levels.available > 0
            ]
            if specs:
                repo.record(w.id, {s.lot_id: s.sku for s in locked}, specs, self.clock.now())
            return [self._lot_view(repo, w, spec.lot_id) for spec in specs]

"""What every warehouses use case shares: its unit of work and the lookups of lots by code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ponte.duties.context import FxSource
from ponte.duties.params import Rules
from ponte.kernel.clock import Clock, SystemClock
from ponte.kernel.errors import ValidationError
from ponte.platform.db import Database, UnitOfWork
from ponte.warehouses.core import WarehouseError
from ponte.warehouses.store.repository import WarehouseRepository
from ponte.warehouses.store.tables import Lot, Warehouse
from ponte.warehouses.views import LotView

__all__ = ["ServiceBase", "check_quantity", "local_day"]


def local_day(row: Warehouse, at: datetime) -> date:
    """The warehouse's calendar day at ``at`` (a lot expires on a local date)."""
    return at.astimezone(ZoneInfo(row.time_zone)).date()


def check_quantity(value: object, field: str, allow_zero: bool = False) -> int:
    """A whole, non-negative (or positive) number of units, or an error naming ``field``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{value!r} is not a whole number", field=field, rule="integer")
    if value < 0:
        raise ValidationError(f"{value} is negative", field=field, rule=WarehouseError.NEGATIVE)
    if value == 0 and not allow_zero:
        raise ValidationError("0 is not positive", field=field, rule=WarehouseError.POSITIVE)
    return value


@dataclass
class ServiceBase:
    database: Database
    clock: Clock = field(default_factory=SystemClock)
    #: the duty rules and FX the replenishment's cost is quoted with (the platform's, see ``bootstrap``)
    rules: Rules | None = None
    fx: FxSource | None = None

    @contextmanager
    def _unit(self, uow: UnitOfWork | None, readonly: bool = False) -> Iterator[UnitOfWork]:
        """The caller's unit of work (it commits), or one of our own that commits when the block succeeds."""
        if uow is not None:
            yield uow
            return
        with self.database.unit_of_work(readonly=readonly) as own:
            yield own
            if not readonly:
                own.commit()

    def _lot(
        self,
        repo: WarehouseRepository,
        w: Warehouse,
        sku: str,
        lot_code: str,
        location: str,
        expires_on: date | None,
        field: str = "location",
    ) -> Lot:
        """The lot of ``sku`` with ``lot_code`` in ``w``, made in ``location`` when it is new."""
        if not sku or len(sku) > 64:
            raise ValidationError("a SKU is 1 to 64 characters", field="sku", rule=WarehouseError.CODE)
        if not lot_code or len(lot_code) > 64:
            raise ValidationError(
                "a lot code is 1 to 64 characters", field="lot_code", rule=WarehouseError.CODE
            )
        lot = repo.lot(w, sku, lot_code)
        if lot is not None:
            if expires_on is not None and lot.expires_on != expires_on:
                raise ValidationError(
                    f"lot {lot_code} expires on {lot.expires_on}, not {expires_on}",
                    field="expires_on",
                    rule="lot-expiry",
                )
            return lot
        return repo.add_lot(
            w, repo.location(w, location, field=field), sku, lot_code, expires_on, self.clock.now()
        )

    @staticmethod
    def _known_lot(repo: WarehouseRepository, w: Warehouse, sku: str, lot_code: str) -> Lot:
        lot = repo.lot(w, sku, lot_code)
        if lot is None:
            raise ValidationError(
                f"no lot {lot_code!r} of {sku!r} in {w.code}",
                field="lot_code",
                rule=WarehouseError.UNKNOWN_LOT,
            )
        return lot

    def _lot_view(self, repo: WarehouseRepository, w: Warehouse, lot_id: str) -> LotView:
        lot, levels = repo.lots_by_id([lot_id])[lot_id]
        loc = repo.location_by_id(lot.location_id)
        today = local_day(w, self.clock.now())
        expired = lot.expires_on is not None and lot.expires_on <= today
        return LotView(
            lot.id,
            w.code,
            lot.sku,
            lot.lot_code,
            loc.code,
            lot.expires_on,
            expired,
            levels.available,
            levels.reserved,
            levels.picked,
            levels.packed,
            levels.on_hand,
        )

"""The warehouses' repository: every query filters on the tenant; movements and the level cache are written
together, each level update guarded so that no bucket goes below zero (a compare-and-set on the row, which
PostgreSQL re-checks after waiting for a concurrent writer's lock)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time

from sqlalchemy import and_, select, update

from ponte.kernel.errors import ConflictError, NotFoundError, ValidationError
from ponte.kernel.ids import new_id
from ponte.warehouses.core import (
    Levels,
    LotStock,
    WarehouseError,
    WarehouseSpec,
)
from ponte.warehouses.store.ledger import Ledger
from ponte.warehouses.store.tables import Inbound, Level, Location, Lot, Reservation, Warehouse

__all__ = ["WarehouseRepository", "spec_of"]


def spec_of(row: Warehouse) -> WarehouseSpec:
    return WarehouseSpec(
        code=row.code,
        name=row.name,
        operator=row.operator,
        country=row.country,
        address=dict(row.address),
        time_zone=row.time_zone,
        currency=row.currency,
        bonded=row.bonded,
        trade_mode=row.trade_mode,
        cut_off_local=time.fromisoformat(row.cut_off_local) if row.cut_off_local else None,
        handling_days=row.handling_days,
        temperature_zones=tuple(row.temperature_zones),
    )


def _levels(row: Level | None) -> Levels:
    if row is None:
        return Levels()
    return Levels(row.available, row.reserved, row.picked, row.packed)


class WarehouseRepository(Ledger):
    # warehouses and locations -------------------------------------------------------------------------------
    def add_warehouse(self, spec: WarehouseSpec, at: datetime) -> Warehouse:
        if self.s.scalar(
            select(Warehouse.id).where(Warehouse.tenant_id == self.tenant, Warehouse.code == spec.code)
        ):
            raise ConflictError(
                f"warehouse {spec.code!r} exists", field="code", rule=WarehouseError.DUPLICATE
            )
        row = Warehouse(
            id=new_id("whs"),
            tenant_id=self.tenant,
            code=spec.code,
            name=spec.name,
            operator=spec.operator,
            country=spec.country,
            address=dict(spec.address),
            time_zone=spec.time_zone,
            currency=spec.currency,
            bonded=spec.bonded,
            trade_mode=spec.trade_mode,
            cut_off_local=spec.cut_off_local.strftime("%H:%M") if spec.cut_off_local else None,
            handling_days=spec.handling_days,
            temperature_zones=list(spec.temperature_zones),
            created_at=at,
        )
        self.s.add(row)
        self.s.flush()
        return row

    def warehouses(self) -> list[Warehouse]:
        return list(
            self.s.scalars(
                select(Warehouse).where(Warehouse.tenant_id == self.tenant).order_by(Warehouse.code)
            )
        )

    def warehouse(self, code: str, field: str = "warehouse") -> Warehouse:
        row = self.s.scalar(
            select(Warehouse).where(Warehouse.tenant_id == self.tenant, Warehouse.code == code)
        )
        if row is None:
            raise ValidationError(
                f"no warehouse {code!r} for this tenant", field=field, rule=WarehouseError.UNKNOWN_WAREHOUSE
            )
        return row

    def warehouse_by_id(self, warehouse_id: str) -> Warehouse:
        row = self.s.get(Warehouse, warehouse_id)
        if row is None or row.tenant_id != self.tenant:
            raise ValidationError(
                f"no warehouse {warehouse_id!r} for this tenant",
                field="warehouse",
                rule=WarehouseError.UNKNOWN_WAREHOUSE,
            )
        return row

    def destination(self, code_or_id: str, field: str = "to_warehouse") -> Warehouse:
        """The warehouse a transfer goes to: one of this tenant's, by code or id; another tenant's is refused
        as such (stock never crosses tenants), anything else is unknown."""
        row = self.s.scalar(
            select(Warehouse).where(Warehouse.tenant_id == self.tenant, Warehouse.code == code_or_id)
        )
        if row is not None:
            return row
        other = self.s.get(Warehouse, code_or_id)
        if other is not None and other.tenant_id != self.tenant:
            raise ValidationError(
                "a transfer stays within one tenant: that warehouse belongs to another",
                field=field,
                rule=WarehouseError.SAME_TENANT,
            )
        if other is not None:
            return other
        raise ValidationError(
            f"no warehouse {code_or_id!r} for this tenant", field=field, rule=WarehouseError.UNKNOWN_WAREHOUSE
        )

    def add_location(self, warehouse: Warehouse, code: str, zone: str) -> Location:
        if self.s.scalar(
            select(Location.id).where(Location.warehouse_id == warehouse.id, Location.code == code)
        ):
            raise ConflictError(
                f"location {code!r} exists in {warehouse.code}", field="code", rule=WarehouseError.DUPLICATE
            )
        row = Location(
            id=new_id("whl"), tenant_id=self.tenant, warehouse_id=warehouse.id, code=code, zone=zone
        )
        self.s.add(row)
        self.s.flush()
        return row

    def locations(self, warehouse: Warehouse) -> list[Location]:
        return list(
            self.s.scalars(
                select(Location)
                .where(Location.warehouse_id == warehouse.id, Location.tenant_id == self.tenant)
                .order_by(Location.code)
            )
        )

    def location(self, warehouse: Warehouse, code: str, field: str = "location") -> Location:
        row = self.s.scalar(
            select(Location).where(
                Location.warehouse_id == warehouse.id,
                Location.tenant_id == self.tenant,
                Location.code == code,
            )
        )
        if row is None:
            raise ValidationError(
                f"no location {code!r} in {warehouse.code}", field=field, rule=WarehouseError.UNKNOWN_LOCATION
            )
        return row

    def location_by_id(self, location_id: str) -> Location:
        row = self.s.get(Location, location_id)
        if row is None or row.tenant_id != self.tenant:
            raise NotFoundError("location", location_id)
        return row

    # lots and levels ----------------------------------------------------------------------------------------
    def lot(self, warehouse: Warehouse, sku: str, lot_code: str) -> Lot | None:
        return self.s.scalar(
            select(Lot).where(
                Lot.warehouse_id == warehouse.id,
                Lot.sku == sku,
                Lot.lot_code == lot_code,
                Lot.tenant_id == self.tenant,
            )
        )

    def add_lot(
        self,
        warehouse: Warehouse,
        location: Location,
        sku: str,
        lot_code: str,
        expires_on: date | None,
        at: datetime,
    ) -> Lot:
        row = Lot(
            id=new_id("lot"),
            tenant_id=self.tenant,
            warehouse_id=warehouse.id,
            location_id=location.id,
            sku=sku,
            lot_code=lot_code,
            expires_on=expires_on,
            created_at=at,
        )
        self.s.add(row)
        self.s.flush()
        self.s.add(Level(lot_id=row.id, tenant_id=self.tenant, available=0, reserved=0, picked=0, packed=0))
        self.s.flush()
        return row

    def lot_by_id(self, lot_id: str) -> Lot:
        row = self.s.get(Lot, lot_id)
        if row is None or row.tenant_id != self.tenant:
            raise NotFoundError("lot", lot_id)
        return row

    def stock(
        self, warehouse_ids: Sequence[str], skus: Sequence[str] | None = None, lock: bool = False
    ) -> list[LotStock]:
        """The lots (with their levels) of these warehouses, of ``skus`` when given; ``lock`` takes their level
        rows for update in lot-id order (one order for every writer, so writers never deadlock)."""
        query = (
            select(Lot, Level, Location.code)
            .join(Level, Level.lot_id == Lot.id)
            .join(Location, Location.id == Lot.location_id)
            .where(Lot.tenant_id == self.tenant, Lot.warehouse_id.in_(list(warehouse_ids)))
            .order_by(Lot.id)
        )
        if skus is not None:
            query = query.where(Lot.sku.in_(sorted(set(skus))))
        if lock:
            query = query.with_for_update(of=Level)
        return [
            LotStock(lot.id, lot.sku, lot.lot_code, code, lot.expires_on, _levels(level))
            for lot, level, code in self.s.execute(query)
        ]

    def lots_by_id(self, lot_ids: Iterable[str], lock: bool = False) -> dict[str, tuple[Lot, Levels]]:
        ids = sorted(set(lot_ids))
        if not ids:
            return {}
        query = (
            select(Lot, Level)
            .join(Level, Level.lot_id == Lot.id)
            .where(Lot.tenant_id == self.tenant, Lot.id.in_(ids))
            .order_by(Lot.id)
        )
        if lock:
            query = query.with_for_update(of=Level)
        return {lot.id: (lot, _levels(level)) for lot, level in self.s.execute(query)}

    # reservations -------------------------------------------------------------------------------------------
    def add_reservation(
        self, warehouse: Warehouse, order_id: str, lines: list[dict[str, object]], at: datetime
    ) -> Reservation:
        row = Reservation(
            id=new_id("rsv"),
            tenant_id=self.tenant,
            warehouse_id=warehouse.id,
            order_id=order_id,
            lines=lines,
            status="reserved",
            version=1,
            created_at=at,
            updated_at=at,
        )
        self.s.add(row)
        self.s.flush()
        return row

    def reservation_for(self, warehouse: Warehouse, order_id: str) -> Reservation | None:
        return self.s.scalar(
            select(Reservation).where(
                Reservation.tenant_id == self.tenant,
                Reservation.warehouse_id == warehouse.id,
                Reservation.order_id == order_id,
            )
        )

    def reservation(self, reservation_id: str) -> Reservation:
        row = self.s.scalar(
            select(Reservation).where(Reservation.tenant_id == self.tenant, Reservation.id == reservation_id)
        )
        if row is None:
            raise NotFoundError("reservation", reservation_id)
        return row

    def reservations(
        self, warehouse_ids: Sequence[str], status: Sequence[str] | None = None, limit: int = 200
    ) -> list[Reservation]:
        query = select(Reservation).where(
            Reservation.tenant_id == self.tenant, Reservation.warehouse_id.in_(list(warehouse_ids))
        )
        if status is not None:
            query = query.where(Reservation.status.in_(list(status)))
        return list(
            self.s.scalars(query.order_by(Reservation.created_at.desc(), Reservation.id).limit(limit))
        )

    def move_reservation(
        self, row: Reservation, expected: Sequence[str], to: str, at: datetime, **values: object
    ) -> None:
        """Compare-and-set: the reservation moves only from ``expected`` at the version this unit of work read."""
        result = self.s.execute(
            update(Reservation)
            .where(
                Reservation.id == row.id,
                Reservation.version == row.version,
                Reservation.status.in_(list(expected)),
            )
            .values(status=to, version=row.version + 1, updated_at=at, **values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConflictError(
                f"reservation {row.id} is {row.status}, not {' or '.join(expected)} (or moved meanwhile)",
                field="status",
                rule=WarehouseError.STATE,
            )
        self.s.refresh(row)

    # inbound ------------------------------------------------------------------------------------------------
    def add_inbound(self, row: Inbound) -> Inbound:
        if self.s.scalar(
            select(Inbound.id).where(Inbound.tenant_id == self.tenant, Inbound.asn_number == row.asn_number)
        ):
            raise ConflictError(
                f"advance notice {row.asn_number!r} exists", field="asn_number", rule=WarehouseError.DUPLICATE
            )
        self.s.add(row)
        self.s.flush()
        return row

    def inbound(self, inbound_id: str) -> Inbound:
        row = self.s.scalar(select(Inbound).where(Inbound.tenant_id == self.tenant, Inbound.id == inbound_id))
        if row is None:
            raise NotFoundError("inbound", inbound_id)
        return row

    def inbounds(self, warehouse_ids: Sequence[str], status: Sequence[str] | None = None) -> list[Inbound]:
        query = select(Inbound).where(
            Inbound.tenant_id == self.tenant, Inbound.warehouse_id.in_(list(warehouse_ids))
        )
        if status is not None:
            query = query.where(Inbound.status.in_(list(status)))
        return list(self.s.scalars(query.order_by(Inbound.expected_at, Inbound.id)))

    def move_inbound(self, row: Inbound, expected: str, to: str, **values: object) -> None:
        result = self.s.execute(
            update(Inbound)
            .where(and_(Inbound.id == row.id, Inbound.version == row.version, Inbound.status == expected))
            .values(status=to, version=row.version + 1, **values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConflictError(
                f"inbound {row.asn_number} is {row.status}, not {expected}",
                field="status",
                rule=WarehouseError.STATE,
            )
        self.s.refresh(row)

"""The air waybill stock of a forwarder: its serial ranges (one lock row per airline prefix, so two forwarders
never hold overlapping ranges) and the numbers issued from them (unique across forwarders)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ponte.kernel.errors import ConflictError
from ponte.kernel.ids import new_id
from ponte.logistics.awb import AwbNumber, AwbStock, StockRange
from ponte.logistics.store.tables import AwbPrefix, AwbRange, IssuedAwb

__all__ = ["AwbStockRepository"]


class AwbStockRepository:
    def __init__(self, session: Session, tenant_id: str) -> None:
        self.s, self.tenant = session, tenant_id

    def ranges(self, lock: bool = False) -> list[AwbRange]:
        """The tenant's ranges; with ``lock`` their rows stay locked to the end of the transaction, so two
        plans of one tenant issue numbers one after the other (PostgreSQL; SQLite has one writer)."""
        query = (
            select(AwbRange)
            .where(AwbRange.tenant_id == self.tenant)
            .order_by(AwbRange.prefix, AwbRange.first_serial)
        )
        return list(self.s.scalars(query.with_for_update() if lock else query))

    def lock_prefix(self, prefix: str) -> None:
        """Hold the prefix's row to the end of the transaction (created on first use): registrations of one
        prefix by any forwarder go one after the other."""
        insert = pg_insert if self.s.get_bind().dialect.name == "postgresql" else sqlite_insert
        self.s.execute(insert(AwbPrefix).values(prefix=prefix).on_conflict_do_nothing())
        self.s.execute(select(AwbPrefix).where(AwbPrefix.prefix == prefix).with_for_update())

    def held_elsewhere(self, rng: StockRange) -> AwbRange | None:
        """A range of another forwarder that overlaps ``rng`` (AWB numbers belong to one forwarder)."""
        return self.s.scalars(
            select(AwbRange).where(
                AwbRange.tenant_id != self.tenant,
                AwbRange.prefix == rng.prefix,
                AwbRange.first_serial <= rng.last,
                AwbRange.last_serial >= rng.first,
            )
        ).first()

    def add_range(self, rng: StockRange, at: datetime) -> AwbRange:
        row = AwbRange(
            id=new_id("awr"),
            tenant_id=self.tenant,
            prefix=rng.prefix,
            first_serial=rng.first,
            last_serial=rng.last,
            created_at=at,
        )
        self.s.add(row)
        self.s.flush()
        return row

    def stock(self, lock: bool = False) -> AwbStock:
        """The tenant's stock as the pure ``AwbStock``: its ranges and every number already issued."""
        stock = AwbStock()
        for r in self.ranges(lock):
            stock.add_range(StockRange(r.prefix, r.first_serial, r.last_serial))
        stock.used = {
            (p, n)
            for p, n in self.s.execute(
                select(IssuedAwb.prefix, IssuedAwb.serial).where(IssuedAwb.tenant_id == self.tenant)
            )
        }
        return stock

    def record_issued(self, stock: AwbStock, before: set[tuple[str, int]], at: datetime) -> list[str]:
        """Store the numbers ``stock`` handed out since ``before`` (the unique key refuses a reuse)."""
        issued = []
        for prefix, serial in sorted(stock.used - before):
            awb = str(AwbNumber.issue(prefix, serial))
            self.s.add(
                IssuedAwb(
                    id=new_id("awb"),
                    tenant_id=self.tenant,
                    prefix=prefix,
                    serial=serial,
                    awb=awb,
                    issued_at=at,
                )
            )
            issued.append(awb)
        try:
            self.s.flush()
        except IntegrityError:  # the unit of work rolls back: nothing of the plan is stored
            raise ConflictError(
                "an AWB number of this stock was issued by another forwarder; check the ranges with the airline",
                field="awb_stock",
                rule="awb-issued-elsewhere",
            ) from None
        return issued

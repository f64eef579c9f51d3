"""The ledger's SQL: movements written with the level cache they move (each level update guarded so that no
bucket goes below zero: a compare-and-set on the row, which PostgreSQL re-checks after waiting for a concurrent
writer's lock), the ledger's sums, the cache, and demand per day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from ponte.kernel.errors import ValidationError
from ponte.kernel.ids import new_id
from ponte.warehouses.core import BUCKETS, Bucket, Levels, MovementSpec, WarehouseError
from ponte.warehouses.store.tables import Level, Lot, Movement

__all__ = ["Ledger"]


def levels_of_row(row: Level | None) -> Levels:
    if row is None:
        return Levels()
    return Levels(row.available, row.reserved, row.picked, row.packed)


class Ledger:
    def __init__(self, session: Session, tenant_id: str) -> None:
        self.s, self.tenant = session, tenant_id

    # the ledger ---------------------------------------------------------------------------------------------
    def record(
        self, warehouse_id: str, skus: dict[str, str], specs: Sequence[MovementSpec], at: datetime
    ) -> list[Movement]:
        """Write the movements and move the level cache by their net change per lot, in lot-id order; a level
        that would go below zero refuses the whole unit of work (nothing is written)."""
        deltas: dict[str, dict[Bucket, int]] = {}
        rows = []
        for spec in specs:
            per = deltas.setdefault(spec.lot_id, dict.fromkeys(BUCKETS, 0))
            if spec.source is not Bucket.OUTSIDE:
                per[spec.source] -= spec.quantity
            if spec.target is not Bucket.OUTSIDE:
                per[spec.target] += spec.quantity
            rows.append(
                Movement(
                    id=new_id("mov"),
                    tenant_id=self.tenant,
                    warehouse_id=warehouse_id,
                    lot_id=spec.lot_id,
                    sku=skus[spec.lot_id],
                    kind=spec.kind.value,
                    source=spec.source.value,
                    target=spec.target.value,
                    quantity=spec.quantity,
                    reason=spec.reason,
                    order_id=spec.order_id,
                    reservation_id=spec.reservation_id,
                    inbound_id=spec.inbound_id,
                    transfer_id=spec.transfer_id,
                    at=at,
                )
            )
        for lot_id in sorted(deltas):
            per = deltas[lot_id]
            if not any(per.values()):
                continue
            columns = {b: getattr(Level, b.value) for b in BUCKETS}
            guards = [columns[b] + d >= 0 for b, d in per.items() if d < 0]
            result = self.s.execute(
                update(Level)
                .where(Level.lot_id == lot_id, Level.tenant_id == self.tenant, *guards)
                .values({columns[b]: columns[b] + d for b, d in per.items() if d})
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                short = ", ".join(f"{b.value} {d}" for b, d in per.items() if d < 0)
                raise ValidationError(
                    f"lot {lot_id} holds less than the movement takes ({short})",
                    field="quantity",
                    rule=WarehouseError.INSUFFICIENT,
                )
        self.s.add_all(rows)
        self.s.flush()
        return rows

    def movements(
        self,
        warehouse_id: str | None = None,
        lot_id: str | None = None,
        reservation_id: str | None = None,
        kinds: Sequence[str] | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[Movement]:
        query = select(Movement).where(Movement.tenant_id == self.tenant)
        if warehouse_id is not None:
            query = query.where(Movement.warehouse_id == warehouse_id)
        if lot_id is not None:
            query = query.where(Movement.lot_id == lot_id)
        if reservation_id is not None:
            query = query.where(Movement.reservation_id == reservation_id)
        if kinds is not None:
            query = query.where(Movement.kind.in_(list(kinds)))
        if since is not None:
            query = query.where(Movement.at >= since)
        query = query.order_by(Movement.at, Movement.id)
        if limit is not None:
            query = query.limit(limit)
        return list(self.s.scalars(query))

    def ledger_levels(self, warehouse_ids: Sequence[str] | None = None) -> dict[str, Levels]:
        """Per lot, the levels summed from the ledger in SQL."""
        sums = []
        for b in BUCKETS:
            sums.append(
                func.coalesce(
                    func.sum(
                        case((Movement.target == b.value, Movement.quantity), else_=0)
                        - case((Movement.source == b.value, Movement.quantity), else_=0)
                    ),
                    0,
                )
            )
        query = (
            select(Movement.lot_id, *sums).where(Movement.tenant_id == self.tenant).group_by(Movement.lot_id)
        )
        if warehouse_ids is not None:
            query = query.where(Movement.warehouse_id.in_(list(warehouse_ids)))
        return {lot: Levels(*(int(v) for v in values)) for lot, *values in self.s.execute(query)}

    def cached_levels(self, warehouse_ids: Sequence[str] | None = None) -> dict[str, Levels]:
        query = select(Level).join(Lot, Lot.id == Level.lot_id).where(Level.tenant_id == self.tenant)
        if warehouse_ids is not None:
            query = query.where(Lot.warehouse_id.in_(list(warehouse_ids)))
        return {row.lot_id: levels_of_row(row) for row in self.s.scalars(query)}

    def shipped_per_day(
        self, warehouse_id: str, skus: Sequence[str] | None = None
    ) -> list[tuple[str, date, int]]:
        """Units reserved for orders per SKU and day (the demand the orders put on this warehouse)."""
        day = func.date(Movement.at)
        query = (
            select(Movement.sku, day, func.sum(Movement.quantity))
            .where(
                Movement.tenant_id == self.tenant,
                Movement.warehouse_id == warehouse_id,
                Movement.kind == "reservation",
            )
            .group_by(Movement.sku, day)
            .order_by(Movement.sku, day)
        )
        if skus is not None:
            query = query.where(Movement.sku.in_(list(skus)))
        out = []
        for sku, d, n in self.s.execute(query):
            out.append((sku, d if isinstance(d, date) else date.fromisoformat(str(d)), int(n)))
        return out

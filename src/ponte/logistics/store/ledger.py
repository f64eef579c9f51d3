"""The booking ledger's rows: created from the schedule on first use, read, and booked or released with
conditional updates (never a read-then-write): ``booked + n <= offered`` is the update's own condition."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ponte.kernel.ids import new_id
from ponte.logistics.store.tables import LegLedger

__all__ = ["LedgerRepository"]


class LedgerRepository:
    def __init__(self, session: Session, tenant_id: str) -> None:
        self.s, self.tenant = session, tenant_id

    def ensure(self, legs: Mapping[str, Mapping[str, int]], at: datetime) -> None:
        """Rows for these legs' resources (what the schedule offers), where none exist yet."""
        rows = [
            {
                "id": new_id("leg"),
                "tenant_id": self.tenant,
                "leg": leg,
                "resource": r,
                "offered": n,
                "booked": 0,
                "updated_at": at,
            }
            for leg, resources in legs.items()
            for r, n in resources.items()
        ]
        if not rows:
            return
        dialect = self.s.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        self.s.execute(
            insert(LegLedger)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["tenant_id", "leg", "resource"])
        )

    def booked(self, legs: Collection[str]) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        rows = self.s.execute(
            select(LegLedger.leg, LegLedger.resource, LegLedger.booked).where(
                LegLedger.tenant_id == self.tenant, LegLedger.leg.in_(list(legs))
            )
        )
        for leg, resource, booked in rows:
            out.setdefault(leg, {})[resource] = int(booked)
        return out

    def book(self, leg: str, resource: str, n: int, at: datetime) -> bool:
        """Take ``n`` of a leg's resource if it is still free (one winner among concurrent plans)."""
        result = self.s.execute(
            update(LegLedger)
            .where(
                LegLedger.tenant_id == self.tenant,
                LegLedger.leg == leg,
                LegLedger.resource == resource,
                LegLedger.booked + n <= LegLedger.offered,
            )
            .values(booked=LegLedger.booked + n, updated_at=at)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def release(self, leg: str, resource: str, n: int, at: datetime) -> bool:
        result = self.s.execute(
            update(LegLedger)
            .where(
                LegLedger.tenant_id == self.tenant,
                LegLedger.leg == leg,
                LegLedger.resource == resource,
                LegLedger.booked >= n,
            )
            .values(booked=LegLedger.booked - n, updated_at=at)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

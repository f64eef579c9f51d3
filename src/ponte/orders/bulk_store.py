"""The orders' tables written and looked up many rows at a time (a file's orders placed in bulk).

The same tables and column types as ``store`` (``Encrypted`` columns encrypt on write, ``Amount`` keeps
exact decimals), through ``platform.bulk.insert_rows`` (COPY on PostgreSQL, executemany elsewhere); every
query filters on the tenant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select

from ponte.orders.store import Buyer, Order, OrderEvent, OrderLine
from ponte.platform.bulk import insert_rows
from ponte.platform.db import TenantScoped

__all__ = ["BulkOrders"]

_IN = 5_000  # values per IN list: far under every backend's bound-parameter limit


def _parts(values: Sequence[str]) -> Iterable[list[str]]:
    for i in range(0, len(values), _IN):
        yield list(values[i : i + _IN])


class BulkOrders(TenantScoped):
    def existing_refs(self, refs: Sequence[str]) -> set[str]:
        """Which of these external references the tenant already has orders for."""
        found: set[str] = set()
        for part in _parts(sorted(set(refs))):
            found.update(
                self.session.scalars(
                    select(Order.external_ref).where(
                        Order.tenant_id == self.tenant_id, Order.external_ref.in_(part)
                    )
                )
            )
        return found

    def buyers_by_index(self, indexes: Sequence[str]) -> dict[str, Buyer]:
        """The tenant's buyers with these tax-ID blind indexes (the first of each, as ``by_tax_id_index``)."""
        out: dict[str, Buyer] = {}
        for part in _parts(sorted(set(indexes))):
            rows = self.session.scalars(
                select(Buyer)
                .where(Buyer.tenant_id == self.tenant_id, Buyer.tax_id_index.in_(part))
                .order_by(Buyer.created_at, Buyer.id)
            )
            for row in rows:
                out.setdefault(row.tax_id_index, row)
        return out

    def insert(
        self,
        buyers: Sequence[Mapping[str, Any]],
        orders: Sequence[Mapping[str, Any]],
        lines: Sequence[Mapping[str, Any]],
        events: Sequence[Mapping[str, Any]],
    ) -> None:
        """Stage the rows (the caller's unit of work commits them, or none of them)."""
        for table, rows in (
            (Buyer.__table__, buyers),
            (Order.__table__, orders),
            (OrderLine.__table__, lines),
            (OrderEvent.__table__, events),
        ):
            insert_rows(self.session, table, [{**r, "tenant_id": self.tenant_id} for r in rows])

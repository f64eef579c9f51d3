"""Reads of stock: lots with their levels, stock per SKU with its cover in days, the ledger, and the
reconciliation that proves the level cache equals the ledger."""

from __future__ import annotations

from datetime import timedelta

from ponte.warehouses.core import Kind, LotStock, available_now
from ponte.warehouses.service_base import ServiceBase, local_day
from ponte.warehouses.store.repository import WarehouseRepository
from ponte.warehouses.views import LotView, Mismatch, MovementView, StockLine

__all__ = ["DEMAND_WINDOW_DAYS", "StockReads"]

#: Days of reserved units a stock line's daily demand is averaged over (cover in days).
DEMAND_WINDOW_DAYS = 28


class StockReads(ServiceBase):
    def lots(self, tenant_id: str, warehouse_code: str, sku: str | None = None) -> list[LotView]:
        at = self.clock.now()
        with self._unit(None, readonly=True) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            w = repo.warehouse(warehouse_code)
            today = local_day(w, at)
            return [
                LotView(
                    s.lot_id,
                    w.code,
                    s.sku,
                    s.lot_code,
                    s.location_code,
                    s.expires_on,
                    s.expired(today),
                    s.levels.available,
                    s.levels.reserved,
                    s.levels.picked,
                    s.levels.packed,
                    s.levels.on_hand,
                )
                for s in repo.stock([w.id], [sku] if sku else None)
            ]

    def stock(self, tenant_id: str, warehouse_code: str | None = None) -> list[StockLine]:
        """Per warehouse and SKU: available (unexpired, unreserved), reserved, on hand, expired, inbound on the
        way, the average daily demand of the last days and the days of cover it gives."""
        at = self.clock.now()
        with self._unit(None, readonly=True) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            rows = [repo.warehouse(warehouse_code)] if warehouse_code else repo.warehouses()
            out = []
            for w in rows:
                today = local_day(w, at)
                since = at - timedelta(days=DEMAND_WINDOW_DAYS)
                demand: dict[str, int] = {}
                for m in repo.movements(w.id, kinds=[Kind.RESERVATION.value], since=since):
                    demand[m.sku] = demand.get(m.sku, 0) + m.quantity
                inbound: dict[str, int] = {}
                for row in repo.inbounds([w.id], status=["announced"]):
                    for line in row.lines:
                        sku = str(line["sku"])
                        inbound[sku] = inbound.get(sku, 0) + int(line["quantity"])  # type: ignore[call-overload]
                per: dict[str, list[LotStock]] = {}
                for s in repo.stock([w.id]):
                    per.setdefault(s.sku, []).append(s)
                for sku in sorted(set(per) | set(inbound)):
                    lots = per.get(sku, [])
                    available = available_now(lots, today)
                    daily = demand.get(sku, 0) / DEMAND_WINDOW_DAYS
                    out.append(
                        StockLine(
                            w.code,
                            sku,
                            available,
                            sum(s.levels.reserved for s in lots),
                            sum(s.levels.on_hand for s in lots),
                            sum(s.levels.available for s in lots if s.expired(today)),
                            inbound.get(sku, 0),
                            round(daily, 3),
                            round(available / daily, 1) if daily > 0 else None,
                        )
                    )
            return out

    def movements(self, tenant_id: str, warehouse_code: str, limit: int = 200) -> list[MovementView]:
        with self._unit(None, readonly=True) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            w = repo.warehouse(warehouse_code)
            rows = repo.movements(w.id)[-limit:]
            return [
                MovementView(
                    m.id,
                    m.at,
                    w.code,
                    m.lot_id,
                    m.sku,
                    m.kind,
                    m.source,
                    m.target,
                    m.quantity,
                    m.reason,
                    m.order_id,
                    m.reservation_id,
                    m.inbound_id,
                    m.transfer_id,
                )
                for m in reversed(rows)
            ]

    def reconcile(self, tenant_id: str) -> list[Mismatch]:
        """Lots whose cached levels differ from the sum of their movements (none, unless something bypassed
        the ledger)."""
        with self._unit(None, readonly=True) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            ledger, cached = repo.ledger_levels(), repo.cached_levels()
            out = []
            for lot_id in sorted(set(ledger) | set(cached)):
                a, b = ledger.get(lot_id), cached.get(lot_id)
                if a is None and b is not None and b.on_hand == 0:
                    continue  # a lot created but never moved
                if a != b:
                    zero = {"available": 0, "reserved": 0, "picked": 0, "packed": 0}
                    out.append(Mismatch(lot_id, a.__dict__ if a else zero, b.__dict__ if b else zero))
            return out

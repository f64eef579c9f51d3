"""The outbound of orders: reserve stock for an order, pick it (first expiry first out, never an expired lot),
pack it, hand it to the last-mile carrier with its tracking number, and take returns back into stock or write
them off. The reservation moves under a compare-and-set; its stock moves in the ledger."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ponte.kernel.errors import ConflictError, ValidationError
from ponte.platform.db import UnitOfWork
from ponte.warehouses.core import (
    Bucket,
    Kind,
    LotStock,
    MovementSpec,
    WarehouseError,
    allocate_fefo,
    fefo_order,
    levels_of,
    movement,
)
from ponte.warehouses.service_base import ServiceBase, check_quantity, local_day
from ponte.warehouses.store.repository import WarehouseRepository
from ponte.warehouses.store.tables import Reservation, Warehouse
from ponte.warehouses.views import PickLine, ReservationView

__all__ = ["OutboundService"]

DISPOSITIONS = frozenset({"restock", "write-off"})


def _lines(lines: Sequence[tuple[str, int]]) -> list[dict[str, object]]:
    if not lines:
        raise ValidationError("a reservation has at least one line", field="lines", rule="min-items")
    merged: dict[str, int] = {}
    for i, (sku, quantity) in enumerate(lines):
        if not sku or len(sku) > 64:
            raise ValidationError(
                "a SKU is 1 to 64 characters", field=f"lines/{i}/sku", rule=WarehouseError.CODE
            )
        merged[sku] = merged.get(sku, 0) + check_quantity(quantity, f"lines/{i}/quantity")
    return [{"sku": sku, "quantity": n} for sku, n in sorted(merged.items())]


class OutboundService(ServiceBase):
    def _holdings(self, repo: WarehouseRepository, row: Reservation) -> dict[str, dict[str, int]]:
        """Per lot, what this reservation holds in each bucket, summed from its own movements."""
        moves = [(m.lot_id, m.source, m.target, m.quantity) for m in repo.movements(reservation_id=row.id)]
        return {
            lot: {"reserved": lv.reserved, "picked": lv.picked, "packed": lv.packed}
            for lot, lv in levels_of(moves).items()
        }

    def _view(self, repo: WarehouseRepository, w: Warehouse, row: Reservation) -> ReservationView:
        allocated: dict[str, int] = {}
        for m in repo.movements(reservation_id=row.id):
            if m.kind == Kind.RESERVATION.value:
                allocated[m.lot_id] = allocated.get(m.lot_id, 0) + m.quantity
            elif m.kind == Kind.RELEASE.value:
                allocated[m.lot_id] = allocated.get(m.lot_id, 0) - m.quantity
        lots = repo.lots_by_id(allocated)
        picks = []
        for lot_id, quantity in allocated.items():
            if quantity > 0:
                lot = lots[lot_id][0]
                loc = repo.location_by_id(lot.location_id)
                picks.append(PickLine(lot.sku, lot.id, lot.lot_code, loc.code, lot.expires_on, quantity))
        picks.sort(key=lambda p: (p.sku, p.expires_on is None, p.expires_on or date.max, p.lot_id))
        return ReservationView(
            row.id,
            w.code,
            row.order_id,
            row.status,
            list(row.lines),
            picks,
            row.carrier,
            row.tracking_number,
            row.created_at,
            row.updated_at,
        )

    def reserve(
        self,
        tenant_id: str,
        warehouse_code: str,
        order_id: str,
        lines: Sequence[tuple[str, int]],
        uow: UnitOfWork | None = None,
    ) -> ReservationView:
        """Hold unexpired stock for an order, earliest expiry first; asking again for the same order and lines
        returns the same reservation."""
        if not order_id or len(order_id) > 40:
            raise ValidationError(
                "an order id is 1 to 40 characters", field="order_id", rule=WarehouseError.CODE
            )
        wanted = _lines(lines)
        with self._unit(uow) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            w = repo.warehouse(warehouse_code, field="warehouse_code")
            existing = repo.reservation_for(w, order_id)
            if existing is not None:
                if existing.lines != wanted or existing.status == "released":
                    raise ConflictError(
                        f"order {order_id} already has a {existing.status} reservation in {w.code}",
                        field="order_id",
                        rule="reserved-once",
                    )
                return self._view(repo, w, existing)
            today = local_day(w, self.clock.now())
            stock = repo.stock([w.id], [str(line["sku"]) for line in wanted], lock=True)
            row = repo.add_reservation(w, order_id, wanted, self.clock.now())
            specs: list[MovementSpec] = []
            for i, line in enumerate(wanted):
                sku = str(line["sku"])
                need = int(str(line["quantity"]))
                for a in allocate_fefo(
                    [s for s in stock if s.sku == sku], need, today, f"lines/{i}/quantity"
                ):
                    specs.append(
                        movement(
                            Kind.RESERVATION, a.lot_id, a.quantity, order_id=order_id, reservation_id=row.id
                        )
                    )
            repo.record(w.id, {s.lot_id: s.sku for s in stock}, specs, self.clock.now())
            return self._view(repo, w, row)

    def reservation(self, tenant_id: str, reservation_id: str) -> ReservationView:
        with self._unit(None, readonly=True) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            row = repo.reservation(reservation_id)
            return self._view(repo, repo.warehouse_by_id(row.warehouse_id), row)

    def reservations(
        self,
        tenant_id: str,
        warehouse_code: str | None = None,
        status: Sequence[str] | None = None,
        limit: int = 200,
    ) -> list[ReservationView]:
        with self._unit(None, readonly=True) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            rows = [repo.warehouse(warehouse_code)] if warehouse_code else repo.warehouses()
            by_id = {w.id: w for w in rows}
            return [
                self._view(repo, by_id[r.warehouse_id], r)
                for r in repo.reservations(list(by_id), status, limit)
            ]

    def pick_list(self, tenant_id: str, reservation_id: str) -> ReservationView:
        """The lots to pick and where they are (a read; ``pick`` confirms it)."""
        return self.reservation(tenant_id, reservation_id)

    def release(self, tenant_id: str, reservation_id: str, uow: UnitOfWork | None = None) -> ReservationView:
        """Give back the stock of a reservation not yet picked (an order cancelled or sent from elsewhere)."""
        with self._unit(uow) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            row = repo.reservation(reservation_id)
            w = repo.warehouse_by_id(row.warehouse_id)
            held = self._holdings(repo, row)
            lots = repo.lots_by_id(held, lock=True)
            specs = [
                movement(Kind.RELEASE, lot_id, per["reserved"], order_id=row.order_id, reservation_id=row.id)
                for lot_id, per in held.items()
                if per["reserved"] > 0
            ]
            repo.move_reservation(row, ["reserved"], "released", self.clock.now())
            repo.record(w.id, {k: v[0].sku for k, v in lots.items()}, specs, self.clock.now())
            return self._view(repo, w, row)

    def pick(self, tenant_id: str, reservation_id: str, uow: UnitOfWork | None = None) -> ReservationView:
        """Pick a reservation. A reserved lot that has expired since is never picked: its units go back and the
        same quantity is taken from the next unexpired lots (first expiry first out), or the pick is refused."""
        with self._unit(uow) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            row = repo.reservation(reservation_id)
            w = repo.warehouse_by_id(row.warehouse_id)
            today = local_day(w, self.clock.now())
            stock = repo.stock([w.id], [str(line["sku"]) for line in row.lines], lock=True)
            by_lot = {s.lot_id: s for s in stock}
            held = self._holdings(repo, row)
            specs: list[MovementSpec] = []
            for lot_id, per in sorted(held.items()):
                lot = by_lot[lot_id]
                if per["reserved"] <= 0:
                    continue
                if not lot.expired(today):
                    specs.append(
                        movement(
                            Kind.PICK, lot_id, per["reserved"], order_id=row.order_id, reservation_id=row.id
                        )
                    )
                    continue
                specs.append(
                    movement(
                        Kind.RELEASE, lot_id, per["reserved"], order_id=row.order_id, reservation_id=row.id
                    )
                )
                others = [s for s in stock if s.sku == lot.sku and s.lot_id != lot_id]
                for a in allocate_fefo(others, per["reserved"], today, "quantity"):
                    specs.append(
                        movement(
                            Kind.RESERVATION,
                            a.lot_id,
                            a.quantity,
                            order_id=row.order_id,
                            reservation_id=row.id,
                        )
                    )
                    specs.append(
                        movement(
                            Kind.PICK, a.lot_id, a.quantity, order_id=row.order_id, reservation_id=row.id
                        )
                    )
                    # the next expired lot of this SKU must not see these units as still available
                    s = by_lot[a.lot_id]
                    by_lot[a.lot_id] = LotStock(
                        s.lot_id,
                        s.sku,
                        s.lot_code,
                        s.location_code,
                        s.expires_on,
                        s.levels.moved(Bucket.AVAILABLE, Bucket.RESERVED, a.quantity),
                    )
                    stock = [by_lot[x.lot_id] for x in stock]
            repo.move_reservation(row, ["reserved"], "picked", self.clock.now())
            repo.record(w.id, {s.lot_id: s.sku for s in stock}, specs, self.clock.now())
            return self._view(repo, w, row)

    def pack(self, tenant_id: str, reservation_id: str, uow: UnitOfWork | None = None) -> ReservationView:
        return self._advance(tenant_id, reservation_id, Kind.PACK, "picked", "packed", "picked", uow)

    def handover(
        self,
        tenant_id: str,
        reservation_id: str,
        carrier: str,
        tracking_number: str,
        uow: UnitOfWork | None = None,
    ) -> ReservationView:
        """Hand the packed order to the last-mile carrier, with the carrier's tracking number."""
        if not carrier.strip() or len(carrier) > 64:
            raise ValidationError(
                "a carrier is 1 to 64 characters", field="carrier", rule=WarehouseError.CODE
            )
        if (
            not tracking_number.strip()
            or len(tracking_number) > 64
            or not tracking_number.replace("-", "").isalnum()
        ):
            raise ValidationError(
                "a tracking number is 1 to 64 letters, digits or dashes",
                field="tracking_number",
                rule=WarehouseError.CODE,
            )
        return self._advance(
            tenant_id,
            reservation_id,
            Kind.SHIP,
            "packed",
            "shipped",
            "packed",
            uow,
            carrier=carrier.strip(),
            tracking_number=tracking_number.strip(),
        )

    def _advance(
        self,
        tenant_id: str,
        reservation_id: str,
        kind: Kind,
        expected: str,
        to: str,
        bucket: str,
        uow: UnitOfWork | None,
        **values: object,
    ) -> ReservationView:
        with self._unit(uow) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            row = repo.reservation(reservation_id)
            w = repo.warehouse_by_id(row.warehouse_id)
            held = self._holdings(repo, row)
            lots = repo.lots_by_id(held, lock=True)
            specs = [
                movement(kind, lot_id, per[bucket], order_id=row.order_id, reservation_id=row.id)
                for lot_id, per in sorted(held.items())
                if per[bucket] > 0
            ]
            repo.move_reservation(row, [expected], to, self.clock.now(), **values)
            repo.record(w.id, {k: v[0].sku for k, v in lots.items()}, specs, self.clock.now())
            return self._view(repo, w, row)

    def return_stock(
        self,
        tenant_id: str,
        reservation_id: str,
        sku: str,
        quantity: int,
        disposition: str,
        reason: str,
        uow: UnitOfWork | None = None,
    ) -> ReservationView:
        """A buyer's return of shipped units: back into the lot they left (``restock``; an expired lot is
        refused) or received and written off (``write-off``), with the reason."""
        check_quantity(quantity, "quantity")
        if disposition not in DISPOSITIONS:
            raise ValidationError(
                "a return is restocked or written off", field="disposition", rule=WarehouseError.DISPOSITION
            )
        if not reason.strip():
            raise ValidationError("a return says why", field="reason", rule=WarehouseError.REASON)
        with self._unit(uow) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            row = repo.reservation(reservation_id)
            if row.status != "shipped":
                raise ConflictError(
                    f"reservation {row.id} is {row.status}, not shipped",
                    field="status",
                    rule=WarehouseError.STATE,
                )
            w = repo.warehouse_by_id(row.warehouse_id)
            today = local_day(w, self.clock.now())
            moves = repo.movements(reservation_id=row.id)
            out: dict[str, int] = {}
            for m in moves:
                if m.sku == sku and m.kind == Kind.SHIP.value:
                    out[m.lot_id] = out.get(m.lot_id, 0) + m.quantity
                elif m.sku == sku and m.kind == Kind.RETURN.value:
                    out[m.lot_id] = out.get(m.lot_id, 0) - m.quantity
            if sum(out.values()) < quantity:
                raise ValidationError(
                    f"{sum(out.values())} of {sku!r} shipped and not yet returned, {quantity} returned",
                    field="quantity",
                    rule=WarehouseError.INSUFFICIENT,
                )
            lots = repo.lots_by_id(out, lock=True)
            stock = [
                LotStock(k, lots[k][0].sku, lots[k][0].lot_code, "", lots[k][0].expires_on)
                for k in out
                if out[k] > 0
            ]
            specs: list[MovementSpec] = []
            need = quantity
            for s in reversed(fefo_order(stock)):  # latest expiry first: the freshest units come back first
                take = min(need, out[s.lot_id])
                if take <= 0:
                    continue
                if disposition == "restock" and s.expired(today):
                    raise ValidationError(
                        f"lot {s.lot_code} has expired: write the return off",
                        field="disposition",
                        rule=WarehouseError.EXPIRED,
                    )
                specs.append(
                    movement(
                        Kind.RETURN,
                        s.lot_id,
                        take,
                        reason=reason,
                        order_id=row.order_id,
                        reservation_id=row.id,
                    )
                )
                if disposition == "write-off":
                    specs.append(
                        movement(
                            Kind.WRITE_OFF,
                            s.lot_id,
                            take,
                            reason=f"returned: {reason}",
                            order_id=row.order_id,
                            reservation_id=row.id,
                        )
                    )
                need -= take
                if need == 0:
                    break
            repo.record(w.id, {k: v[0].sku for k, v in lots.items()}, specs, self.clock.now())
            return self._view(repo, w, row)

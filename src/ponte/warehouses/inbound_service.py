"""Inbound first legs: an advance shipping notice (air waybill or bill of lading, and the customs declaration
under 9810 or 1210 it travels with), then its receipt, each difference from the notice an adjustment that says
what was announced and what was counted."""

from __future__ import annotations

from collections.abc import Sequence

from ponte.kernel.errors import ValidationError
from ponte.kernel.ids import new_id
from ponte.platform.db import UnitOfWork
from ponte.warehouses.core import Kind, MovementSpec, WarehouseError, movement
from ponte.warehouses.inbound import InboundSpec, ReceivedLine, check_inbound, discrepancies
from ponte.warehouses.service_base import ServiceBase, check_quantity
from ponte.warehouses.store.repository import WarehouseRepository
from ponte.warehouses.store.tables import Inbound
from ponte.warehouses.views import InboundView

__all__ = ["InboundService", "inbound_view"]


def inbound_view(row: Inbound, code: str) -> InboundView:
    return InboundView(
        row.id,
        code,
        row.asn_number,
        row.mode,
        row.origin_country,
        row.trade_mode,
        row.declaration_id,
        row.awb,
        row.bill_of_lading,
        list(row.lines),
        row.status,
        row.departed_at,
        row.expected_at,
        row.received_at,
        list(row.discrepancies),
    )


class InboundService(ServiceBase):
    # inbound -----------------------------------------------------------------------------------------------
    def announce(self, tenant_id: str, spec: InboundSpec, uow: UnitOfWork | None = None) -> InboundView:
        """An advance shipping notice of a first leg, with its customs declaration and transport document."""
        bad = check_inbound(spec)
        if bad:
            raise ValidationError.of(bad)
        with self._unit(uow) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            w = repo.warehouse(spec.warehouse_code, field="warehouse_code")
            if spec.trade_mode != w.trade_mode:
                raise ValidationError(
                    f"{w.code} receives under {w.trade_mode}, not {spec.trade_mode}",
                    field="trade_mode",
                    rule=WarehouseError.TRADE_MODE,
                )
            row = Inbound(
                id=new_id("inb"),
                tenant_id=tenant_id,
                warehouse_id=w.id,
                asn_number=spec.asn_number,
                mode=spec.mode,
                origin_country=spec.origin_country,
                trade_mode=spec.trade_mode,
                declaration_id=spec.declaration_id,
                awb=spec.awb,
                bill_of_lading=spec.bill_of_lading,
                lines=[line.as_dict() for line in spec.lines],
                status="announced",
                version=1,
                departed_at=spec.departed_at,
                expected_at=spec.expected_at,
                received_at=None,
                discrepancies=[],
                created_at=self.clock.now(),
            )
            return inbound_view(repo.add_inbound(row), w.code)

    def inbounds(self, tenant_id: str, warehouse_code: str | None = None) -> list[InboundView]:
        with self._unit(None, readonly=True) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            rows = [repo.warehouse(warehouse_code)] if warehouse_code else repo.warehouses()
            codes = {w.id: w.code for w in rows}
            return [inbound_view(r, codes[r.warehouse_id]) for r in repo.inbounds(list(codes))]

    def receive_inbound(
        self,
        tenant_id: str,
        inbound_id: str,
        counted: Sequence[ReceivedLine],
        location: str,
        uow: UnitOfWork | None = None,
    ) -> InboundView:
        """Receive a first leg against its notice: each announced line is received as announced, and every
        difference from what was counted is an adjustment whose reason names the notice and both figures."""
        for i, line in enumerate(counted):
            check_quantity(line.quantity, f"lines/{i}/quantity", allow_zero=True)
        with self._unit(uow) as u:
            repo = WarehouseRepository(u.session, tenant_id)
            row = repo.inbound(inbound_id)
            w = repo.warehouse_by_id(row.warehouse_id)
            found = discrepancies(row.lines, counted)
            at = self.clock.now()
            for d in found:
                lot = self._lot(repo, w, d.sku, d.lot_code, location, d.expires_on)
                specs: list[MovementSpec] = []
                if d.announced:
                    specs.append(movement(Kind.RECEIPT, lot.id, d.announced, inbound_id=row.id))
                if d.difference:
                    why = f"advance notice {row.asn_number}: announced {d.announced}, counted {d.counted}"
                    specs.append(
                        movement(
                            Kind.ADJUSTMENT,
                            lot.id,
                            abs(d.difference),
                            outward=d.difference < 0,
                            reason=why,
                            inbound_id=row.id,
                        )
                    )
                if specs:
                    repo.record(w.id, {lot.id: d.sku}, specs, at)
            repo.move_inbound(
                row,
                "announced",
                "received",
                received_at=at,
                discrepancies=[d.as_dict() for d in found if d.difference],
            )
            return inbound_view(row, w.code)

"""Declarations a broker works on: the park's two sellers get their legal identity, China customs data
on a product, AWB stock and paid orders booked on flights; the demo's customs loader then declares them
and has the customs simulator answer (released, accepted, rejected with a reason, an e-port error)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from console_data import T0, Park, buyer

from ponte.accounts.store import Tenant
from ponte.catalog.store import Product
from ponte.customs import service as customs
from ponte.journey import service as journey
from ponte.logistics import service as logistics
from ponte.logistics.awb import StockRange
from ponte.orders.intake import OrderIn, PaymentIn
from ponte.orders.service import place_order
from ponte.platform.db import Database
from ponte.simulate.demo_customs import declare_demo

#: What each seller's declarations end as.
PLAN = (("released", 2), ("accepted", 1), ("rejected", 4), ("error", 1))
OTHER_PLAN = (("rejected", 1),)


@dataclass
class Declared:
    """The declarations of each tenant, by state: {tenant: {state: [declaration ids]}}."""

    ids: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)  # declaration id -> order's external ref
    waybills: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (house, master)


def _identity(database: Database, tenant_id: str, name: str, code: str, sku: str, base: int) -> None:
    with database.unit_of_work() as uow:
        tenant = uow.session.get(Tenant, tenant_id)
        assert tenant is not None
        tenant.legal_name, tenant.enterprise_code = name, code
        product = uow.session.query(Product).filter_by(tenant_id=tenant_id, sku=sku).one()
        product.cn_code, product.cn_name, product.cn_elements = (
            "3304990099",
            "其他美容品",
            "1|0|精华液|无品牌|30ml",
        )
        product.cn_unit, product.cn_unit1, product.cn_qty1 = "007", "035", Decimal("0.03")
        for n, prefix in enumerate(("784", "999", "160", "675", "071", "075", "996", "047", "157")):
            logistics.add_awb_range(
                uow, tenant_id, StockRange(prefix, base + n * 100, base + 99 + n * 100), T0
            )
        uow.commit()


def cpf(n: int) -> str:
    """A valid Brazilian CPF (its two check digits computed), one per buyer."""
    digits = [int(d) for d in f"{n:09d}"]
    for size in (9, 10):
        total = sum(d * w for d, w in zip(digits, range(size + 1, 1, -1), strict=False))
        digits.append(0 if total % 11 < 2 else 11 - total % 11)
    text = "".join(map(str, digits))
    return f"{text[:3]}.{text[3:6]}.{text[6:9]}-{text[9:]}"


def _booked(
    database: Database, ctx: journey.Context, tenant_id: str, sku: str, prefix: str, n: int, base: int
) -> None:
    for i in range(n):
        placed = T0 - timedelta(days=60) + timedelta(hours=3 * i)  # before the park's own orders and periods
        data = {
            "external_ref": f"{prefix}-{i:03d}",
            "destination": "BR",
            "destination_region": "BR-SP",
            "currency": "USD",
            "placed_at": placed.isoformat(),
            "buyer": {**buyer(100 + i), "tax_id": cpf(base + i), "phone": "+55 11 98765-4321"},
            "lines": [{"sku": sku, "quantity": 1}],
        }
        at = placed + timedelta(minutes=30)
        with database.unit_of_work() as uow:
            order = place_order(uow, tenant_id, OrderIn.model_validate(data), placed)
            journey.requote(uow, tenant_id, order.id, ctx, at)
            journey.pay(
                uow,
                tenant_id,
                order.id,
                PaymentIn.model_validate({"transaction_id": f"{prefix}PAY{i:06d}"}),
                at,
            )
            journey.fulfil(uow, tenant_id, order.id, ctx, at)
            shipped = journey.ship(uow, tenant_id, [order.id], ctx, at)
            assert order.id in shipped.booked, shipped.waiting
            uow.commit()


def declare_park(database: Database, park: Park, ctx: journey.Context) -> Declared:
    """Both sellers' declarations in their states (the other seller has one rejected)."""
    out = Declared()
    at = datetime.now(UTC)
    sellers = (
        (park.seller_id, "深圳格洛美妆有限公司", "4403960GLW", "BEAUTY-001", "BRK", PLAN, 10_000),
        (park.other_id, "义乌家居用品有限公司", "3318960YWH", "ELEC-003", "YWB", OTHER_PLAN, 20_000),
    )
    for tenant_id, name, code, sku, prefix, plan, base in sellers:
        _identity(database, tenant_id, name, code, sku, base)
        _booked(database, ctx, tenant_id, sku, prefix, sum(n for _, n in plan), base)
        counts = declare_demo(database, ctx, tenant_id, at, plan)
        assert counts == dict(plan), counts
        with database.unit_of_work() as uow:
            rows, _ = customs.list_declarations(uow, tenant_id, limit=100)
            by_state: dict[str, list[str]] = {}
            for _, d in rows:
                by_state.setdefault(d.state, []).append(d.id)
                out.refs[d.id] = d.order_no
                house = next(m.key for m in d.messages if m.kind in ("505", "511"))
                wb = logistics.waybill(uow, tenant_id, d.order_id or "")
                out.waybills[d.id] = (house, (wb.master if wb else "") or "")
        out.ids[tenant_id] = by_state
    return out

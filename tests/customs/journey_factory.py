"""Stored-order fixtures for the customs journey tests: a simulated corpus, a customs profile with real
code formats, and the parcel and waybill a consolidation would give each order."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from ponte.customs.china.profile import CustomsProfile, Enterprise, Signing
from ponte.kernel.measures import Box, Weight
from ponte.logistics.shipping import OrderParcel, Waybill
from ponte.orders import dataset
from ponte.orders.core import Order
from ponte.simulate import simulate, tables_of

PACKAGING = Decimal("0.150")  # kg of carton and filling per parcel in these fixtures


def profile(certificate_pem: str = "") -> CustomsProfile:
    return CustomsProfile(
        transmitter=Enterprise(code="4403960ABC", name="深圳前海跨境电商服务有限公司"),
        dxp_id="DXPENT0000458763",
        platform=Enterprise(code="4403960PLT", name="前海跨境电商平台"),
        logistics=Enterprise(code="4403980LGX", name="顺达国际物流有限公司", dxp_id="DXPENT0000458764"),
        payment=Enterprise(code="312226T001", name="跨境支付一号有限公司", dxp_id="DXPENT0000458765"),
        payment_companies=(
            Enterprise(code="31222699S7", name="跨境支付二号有限公司", dxp_id="DXPENT0000458766"),
            Enterprise(code="4403169D3W", name="跨境支付三号有限公司", dxp_id="DXPENT0000458767"),
        ),
        agent=Enterprise(code="4403960AGT", name="前海报关服务有限公司"),
        area=Enterprise(code="4403660ARE", name="前海保税仓储有限公司"),
        ems_no="T5349W000001",
        customs_code="5349",
        port_code="5345",
        bonded_traf_mode="W",
        signing=Signing(method="software", convention="rsa-sha1", certificate_pem=certificate_pem or None),
    )


def corpus(seed: int = 7, n: int = 120):  # type: ignore[no-untyped-def]
    return simulate(seed, n, date(2026, 3, 2), 5, 4)


def orders(seed: int = 7, n: int = 120) -> list[Order]:
    return [r for r in dataset.records(tables_of(corpus(seed, n))) if isinstance(r, Order)]


def parcel_of(order: Order) -> OrderParcel:
    net = order.net_weight
    return OrderParcel(
        id=f"par_{order.id}",
        order_id=order.id,
        tenant_id=order.tenant_id,
        gross=Weight(net.kg + PACKAGING),
        net=net,
        box=Box(Decimal(30), Decimal(20), Decimal(10)),
        dangerous_goods="",
        perishable=False,
        origin="SZX" if order.direction == "export" else "SCL",
        destination="GRU" if order.direction == "export" else "CAN",
        ready_at=order.placed_at,
    )


def waybill_of(order: Order, n: int = 1, *, master: str | None = "784-12345675") -> Waybill:
    bonded = order.trade_mode == "1210" and order.direction == "import"
    return Waybill(
        house=f"PH{n:010d}",
        carrier="CZ" if not bonded else "SF",
        origin="SZX" if order.direction == "export" else "SCL",
        destination="GRU" if order.direction == "export" else "CAN",
        master=None if bonded else master,
        flight=None if bonded else "CZ8401",
        departs=None if bonded else order.placed_at + timedelta(days=1),
    )


def modes(records: list[Order]) -> Counter[tuple[str, str]]:
    return Counter((o.direction, o.trade_mode) for o in records)

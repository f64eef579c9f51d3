"""Simulated orders of every trade mode for the customs tests (seeded, deterministic)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from ponte.customs.china.orders import Consignee, Conveyance, CustomsOrder, Line, Party, Person, Transfer

SHARED = Path(__file__).parents[2] / ".." / "shared" / "ceb"
NOW = datetime(2025, 3, 14, 2, 30, tzinfo=UTC)
TRANSFER = Transfer(cop_code="4403960ABC", cop_name="深圳前海跨境电商有限公司", dxp_id="DXPENT0000458763")

_NAMES = [
    "保湿面霜 50ml",
    "蓝牙耳机 <Pro> & 充电盒",
    "不锈钢保温杯",
    "真丝围巾",
    "Café instantâneo 'Brasil'",
    "智利车厘子 2.5kg",
    "墨西哥牛油果",
    "巴西坚果 500g",
]
_UNITS = ["007", "011", "035", "140", "142", "125"]


def make_order(seed: int, direction: str | None = None, trade_mode: str | None = None) -> CustomsOrder:
    r = random.Random(seed)
    direction = direction or r.choice(["export", "import"])
    modes = ["9610", "9710", "9810", "1210"] if direction == "export" else ["9610", "1210"]
    mode = trade_mode or r.choice(modes)
    lines = []
    for _ in range(r.randint(1, 5)):
        qty = Decimal(r.randint(1, 20)) if r.random() < 0.8 else Decimal(r.randint(1, 4000)) / 1000
        # imports stay within the CBEC limits and on the positive list
        price = Decimal(r.randint(1, 999_999 if direction == "export" else 4_000)) / 100
        codes = ["3304990099", "8518300000", "9617001900", "0809290000"]
        if direction == "import":
            codes = ["0809290000", "2204210000", "0901210000", "0801220000"]
        lines.append(
            Line(
                sku=f"SKU-{r.randint(1, 99999):05d}",
                name=r.choice(_NAMES),
                hs_code=r.choice(codes),
                gmodel="品牌:Ponte|规格:标准",
                barcode=r.choice([None, "6901234567892"]),
                qty=qty,
                unit=r.choice(_UNITS),
                unit1="035",
                qty1=qty,
                price=price,
                origin_country=r.choice(["CL", "MX", "BR", "CN", "PT"]),
                item_record_no="ITEM0001" if mode == "1210" else None,
            )
        )
    created = NOW - timedelta(hours=r.randint(1, 48))
    country = r.choice(["BR", "MX", "CL", "PT", "ES", "CO", "PE", "AR"])
    return CustomsOrder(
        order_no=f"PO{seed:010d}",
        direction=direction,
        trade_mode=mode,
        created_at=created,
        paid_at=created + timedelta(minutes=5),
        currency=r.choice(["USD", "CNY"]) if direction == "export" else "CNY",
        platform=Party(code="4403960PLT", name="Ponte Marketplace"),
        seller=Party(code="44039609AB", name="深圳跨境卖家有限公司"),
        logistics=Party(code="4403980LGX", name="顺达国际物流"),
        agent=Party(code="4403960AGT", name="前海报关行"),
        payment=Party(code="4403960PAY", name="跨境支付有限公司"),
        area=Party(code="4403660ARE", name="前海保税仓") if mode == "1210" else None,
        ems_no="T5301W000001" if mode == "1210" else None,
        pay_transaction_id=f"PAY{seed:012d}",
        buyer=Person(name="李雷", id_number="11010519491231002X", phone="13800138000", reg_no=f"user{seed}"),
        consignee=Consignee(
            name="Maria Silva" if direction == "export" else "李雷",
            phone="+55 11 91234-5678" if direction == "export" else "13800138000",
            address="Rua Augusta, 1500 & Apto 12, São Paulo"
            if direction == "export"
            else "广东省深圳市南山区科技园路1号",
        ),
        country=country,
        pod="GRU",
        customs_code="5349",
        port_code="5345",
        logistics_no=f"SF{seed:012d}",
        conveyance=Conveyance(
            traf_mode="5", traf_name="CA0905", voyage_no="CA0905", bill_no=f"999-{seed:08d}"
        ),
        freight=Decimal(r.randint(0, 9000)) / 100,
        insured_fee=Decimal(r.randint(0, 500)) / 100,
        tax_total=Decimal(r.randint(0, 3000)) / 100 if direction == "import" else Decimal(0),
        discount=Decimal(r.randint(0, 100)) / 100 if direction == "import" else Decimal(0),
        gross_weight=Decimal("1.250"),
        net_weight=Decimal("1.000"),
        lines=lines,
    )


def put_profile(database, tenant: str):  # type: ignore[no-untyped-def]
    """Give ``tenant`` a customs profile with a throw-away software key; returns the signer."""
    from journey_factory import profile

    from ponte.customs import service
    from ponte.customs.china.signer import SoftwareSigner, demo_credentials

    key, cert = demo_credentials()
    with database.unit_of_work() as uow:
        service.put_profile(uow, tenant, profile(cert.decode()), NOW, signing_key=key.decode())
        uow.commit()
    return SoftwareSigner(key, cert)

"""Orders datasets for the duties tests: tables in the schema of ``ponte.orders.dataset``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa

from ponte.kernel.errors import PonteError
from ponte.orders.dataset import SCHEMAS, conform


@dataclass
class LineSpec:
    sku: str
    hs_code: str
    unit_price: str
    quantity: int = 1
    category: str = "general"
    origin: str = "CN"
    tariff_codes: dict[str, str] = field(default_factory=dict)
    cn: dict[str, Any] | None = None  # cn_code, cn_unit1, cn_qty1, cn_unit2, cn_qty2


@dataclass
class OrderSpec:
    id: str
    destination: str
    currency: str
    lines: list[LineSpec]
    placed: str = "2025-09-01"
    region: str | None = None
    direction: str = "export"
    trade_mode: str = "9610"
    freight: str = "0"
    insurance: str = "0"
    discount: str = "0"
    buyer_kind: str = "individual"
    tenant: str = "ten_a"


def tables(specs: list[OrderSpec]) -> dict[str, pa.Table]:
    orders, lines, products = [], [], {}
    for o in specs:
        orders.append(
            {
                "id": o.id,
                "tenant_id": o.tenant,
                "external_ref": f"ref-{o.id}",
                "direction": o.direction,
                "trade_mode": o.trade_mode,
                "buyer_id": f"b-{o.id}",
                "destination": o.destination,
                "destination_region": o.region,
                "currency": o.currency,
                "freight": Decimal(o.freight),
                "insurance": Decimal(o.insurance),
                "discount": Decimal(o.discount),
                "placed_at": datetime.fromisoformat(o.placed).replace(hour=12, tzinfo=UTC),
            }
        )
        for n, ln in enumerate(o.lines, start=1):
            pid = (
                f"p-{ln.sku}-{ln.hs_code}-{ln.category}-{json.dumps(ln.tariff_codes, sort_keys=True)}-{ln.cn}"
            )
            cn = ln.cn or {}
            products[pid] = {
                "id": pid,
                "tenant_id": o.tenant,
                "sku": ln.sku,
                "titles": {"zh-CN": ln.sku, "en": ln.sku, "pt-BR": ln.sku, "es": ln.sku},
                "category": ln.category,
                "direction": o.direction,
                "hs_code": ln.hs_code,
                "origin_country": ln.origin,
                "weight_kg": Decimal("0.5"),
                "length_cm": Decimal(10),
                "width_cm": Decimal(10),
                "height_cm": Decimal(10),
                "price": Decimal(ln.unit_price),
                "currency": o.currency,
                "cn_code": cn.get("cn_code"),
                "cn_name": "商品" if cn else None,
                "cn_elements": "品牌|型号" if cn else None,
                "cn_unit": cn.get("cn_unit1"),
                "cn_unit1": cn.get("cn_unit1"),
                "cn_qty1": Decimal(cn["cn_qty1"]) if cn.get("cn_qty1") else None,
                "cn_unit2": cn.get("cn_unit2"),
                "cn_qty2": Decimal(cn["cn_qty2"]) if cn.get("cn_qty2") else None,
                "tariff_codes": json.dumps(ln.tariff_codes),
            }
            lines.append(
                {
                    "order_id": o.id,
                    "line_no": n,
                    "product_id": pid,
                    "sku": ln.sku,
                    "hs_code": ln.hs_code,
                    "origin_country": ln.origin,
                    "quantity": ln.quantity,
                    "unit_price": Decimal(ln.unit_price),
                }
            )
    buyers = [
        {
            "id": f"b-{o.id}",
            "country": o.destination,
            "kind": o.buyer_kind,
            "name": "Buyer",
            "tax_id_kind": "x",
            "tax_id": "x",
            "street": "Rua 1",
            "city": "City",
        }
        for o in specs
    ]
    sellers = [{"id": t, "name": t} for t in sorted({o.tenant for o in specs})]
    raw = {
        "orders": orders,
        "lines": lines,
        "products": list(products.values()),
        "buyers": buyers,
        "sellers": sellers,
    }
    return {
        name: conform(
            name, pa.Table.from_pylist(rows, schema=_loose(name)) if rows else SCHEMAS[name].empty_table()
        )
        for name, rows in raw.items()
    }


def _loose(name: str) -> pa.Schema:
    return pa.schema([pa.field(f.name, f.type, nullable=True) for f in SCHEMAS[name]])


class _Rate:
    def __init__(self, rate: Decimal, on: Any) -> None:
        self.rate, self.table, self.rate_date = rate, "test", on


class FixedRates:
    """Rates against USD that do not change (enough to reach every limit test in another currency)."""

    PER_USD = {"USD": Decimal(1), "EUR": Decimal("0.9213"), "CNY": Decimal("7.1234"), "BRL": Decimal("5.52")}

    def rate(self, base: str, quote: str, on: Any, /) -> _Rate:
        if base not in self.PER_USD or quote not in self.PER_USD:
            raise PonteError(f"no {base}/{quote}", field="fx", rule="rate-available")
        return _Rate(self.PER_USD[quote] / self.PER_USD[base], on)

"""What an accepted order is stored as: the values of its order, line and buyer rows.

One mapping for placing one order (``service.place_order``) and a file's orders in bulk (``bulk``), so both
store the same thing. Pure: the caller passes the catalogue's products by SKU and the ids it chose.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from ponte.kernel.errors import Violation
from ponte.orders.intake import OrderIn
from ponte.reference.taxid import TaxId

__all__ = ["address_json", "buyer_values", "goods_value", "line_values", "order_values", "total_violation"]


def line_values(order_in: OrderIn, products: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The order's lines, numbered from 1, priced at the catalogue price where the order gives none."""
    out = []
    for number, line in enumerate(order_in.lines, start=1):
        product = products[line.sku]
        out.append(
            {
                "line_no": number,
                "product_id": product.id,
                "sku": product.sku,
                "description": line.description or product.titles.get("en") or product.sku,
                "hs_code": product.hs_code,
                "origin_country": product.origin_country,
                "quantity": line.quantity,
                "unit_price": line.unit_price if line.unit_price is not None else product.price,
                "weight_kg": product.weight_kg,
            }
        )
    return out


def goods_value(lines: Sequence[Mapping[str, Any]]) -> Decimal:
    return sum((ln["unit_price"] * ln["quantity"] for ln in lines), Decimal(0))


def total_violation(order_in: OrderIn, goods: Decimal) -> Violation | None:
    """A discount may not take the order below zero."""
    if order_in.discount > goods + order_in.freight + order_in.insurance:
        return Violation(
            "discount",
            "total-not-negative",
            "the discount is larger than goods, freight and insurance together",
        )
    return None


def order_values(
    order_in: OrderIn, order_id: str, buyer_id: str, goods: Decimal, at: datetime
) -> dict[str, Any]:
    return {
        "id": order_id,
        "external_ref": order_in.external_ref,
        "channel": order_in.channel,
        "direction": "import" if order_in.destination.upper() == "CN" else "export",
        "trade_mode": order_in.trade_mode,
        "buyer_id": buyer_id,
        "destination": order_in.destination.upper(),
        "destination_region": order_in.destination_region,
        "currency": order_in.currency.upper(),
        "goods_value": goods,
        "freight": order_in.freight,
        "insurance": order_in.insurance,
        "discount": order_in.discount,
        "status": "placed",
        "placed_at": order_in.placed_at or at,
        "created_at": at,
        # where this order goes and whom to call, as given with it (a returning buyer may move)
        "ship_address": address_json(order_in),
        "ship_phone": order_in.buyer.phone,
        "ship_email": order_in.buyer.email,
    }


def address_json(order_in: OrderIn) -> str:
    """The delivery address as stored (a JSON document, encrypted whole by its column)."""
    return json.dumps(order_in.buyer.address.model_dump(), ensure_ascii=False)


def buyer_values(
    order_in: OrderIn, buyer_id: str, checked: TaxId, index: str, at: datetime
) -> dict[str, Any]:
    """A new buyer (the ``Encrypted`` columns encrypt name, tax ID, phone, email and address on write)."""
    data = order_in.buyer
    return {
        "id": buyer_id,
        "country": data.address.country.upper(),
        "kind": data.kind,
        "name": data.name,
        "tax_id_kind": checked.scheme,
        "tax_id": checked.number,
        "tax_id_index": index,
        "phone": data.phone,
        "email": data.email,
        "address": address_json(order_in),
        "region": order_in.destination_region,
        "created_at": at,
    }

"""Placing orders: the intake checks, then one unit of work stores order, lines, buyer and event."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from ponte.catalog.store import ProductRepository
from ponte.kernel.errors import ConflictError, ValidationError
from ponte.kernel.ids import new_id
from ponte.orders.intake import OrderIn, buyer_tax_id, check_order
from ponte.orders.store import Buyer, BuyerRepository, Order, OrderEvent, OrderLine, OrderRepository
from ponte.platform.db import UnitOfWork

ORDER_STATES = ("placed", "paid", "cancelled", "fulfilled", "returned")


def place_order(uow: UnitOfWork, tenant_id: str, order_in: OrderIn, at: datetime) -> Order:
    """Validate and stage an order (the caller commits). Raises naming every broken rule."""
    session = uow.session
    orders = OrderRepository(session, tenant_id)
    if orders.by_external_ref(order_in.external_ref) is not None:
        raise ConflictError(
            f"order {order_in.external_ref!r} exists; send an Idempotency-Key to retry safely",
            field="external_ref",
            rule="unique-per-seller",
        )
    products = ProductRepository(session, tenant_id).by_skus([line.sku for line in order_in.lines])
    problems = check_order(order_in, set(products))
    if problems:
        raise ValidationError.of(problems)

    buyer = _buyer_for(uow, tenant_id, order_in, at)
    lines = []
    for number, line in enumerate(order_in.lines, start=1):
        product = products[line.sku]
        lines.append(
            OrderLine(
                line_no=number,
                product_id=product.id,
                sku=product.sku,
                description=line.description or product.titles.get("en") or product.sku,
                hs_code=product.hs_code,
                origin_country=product.origin_country,
                quantity=line.quantity,
                unit_price=line.unit_price if line.unit_price is not None else product.price,
                weight_kg=product.weight_kg,
            )
        )
    goods_value = sum((ln.unit_price * ln.quantity for ln in lines), Decimal(0))
    order = Order(
        id=new_id("ord"),
        external_ref=order_in.external_ref,
        channel=order_in.channel,
        direction="import" if order_in.destination.upper() == "CN" else "export",
        trade_mode=order_in.trade_mode,
        buyer_id=buyer.id,
        destination=order_in.destination.upper(),
        destination_region=order_in.destination_region,
        currency=order_in.currency.upper(),
        goods_value=goods_value,
        freight=order_in.freight,
        insurance=order_in.insurance,
        discount=order_in.discount,
        status="placed",
        placed_at=order_in.placed_at or at,
        created_at=at,
        lines=lines,
    )
    orders.add(order)
    session.add(
        OrderEvent(order_id=order.id, tenant_id=tenant_id, at=at, kind="placed", detail=order_in.channel)
    )
    return order


def _buyer_for(uow: UnitOfWork, tenant_id: str, order_in: OrderIn, at: datetime) -> Buyer:
    """The returning buyer with this tax ID, or a new one (found by blind index, not plaintext)."""
    buyers = BuyerRepository(uow.session, tenant_id)
    data = order_in.buyer
    checked = buyer_tax_id(data)
    index = Buyer.index_for(data.address.country, checked.number)
    existing = buyers.by_tax_id_index(index)
    if existing is not None:
        return existing
    return buyers.add(
        Buyer(
            id=new_id("byr"),
            country=data.address.country.upper(),
            kind=data.kind,
            name=data.name,
            tax_id_kind=checked.scheme,
            tax_id=checked.number,
            tax_id_index=index,
            phone=data.phone,
            email=data.email,
            address=json.dumps(data.address.model_dump(), ensure_ascii=False),
            region=order_in.destination_region,
            created_at=at,
        )
    )

"""THE mapping from an order record to a quote request (pure; the one every path uses).

Every line becomes an item with its own tariff line (the product's national code for the destination
where the seller gave one, else its HS subheading), quantity, unit price, duty category (from the HS
code, ``categories.py``), origin and — where the product's China customs data give it — its net
quantity (the legal unit that is a mass, a volume or a count). The order's freight and insurance go
in as such; its discount lowers the price actually paid (the engine spreads it over the items by
value). Imports into China carry the order's channel (9610 direct purchase or 1210 bonded). The
seller's flags come from its tax registrations valid on the order's date; the buyer's kind from the
order, and what Ponte knows of the buyer's year (CBEC used, shipments) from the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ponte.catalog.core import LegalQuantity, Product
from ponte.duties.categories import category_table
from ponte.duties.errors import DutiesError
from ponte.duties.model import QuoteRequest, parse_request
from ponte.duties.registrations import SellerRegistrations
from ponte.kernel.errors import PonteError, ValidationError, Violation
from ponte.orders.core import Line, Order
from ponte.reference.china_units import unit as customs_unit

__all__ = ["BuyerFacts", "net_quantity", "request_data", "request_for"]

#: UN/ECE Rec. 20 code of a China customs legal unit -> the request's net-quantity unit
_UNECE = {"KGM": "kg", "GRM": "g", "LTR": "l", "MLT": "ml", "C62": "piece"}
_SHEET = {"020"}  # 片: sheets (face masks), the CBEC high-end cosmetics test counts them per sheet
_CN_CHANNELS = ("9610", "1210")


@dataclass(frozen=True, slots=True)
class BuyerFacts:
    """What Ponte knows of the buyer's year, where it knows it (None: not known, the default applies)."""

    annual_cbec_used: Decimal | None = None  # CNY, China's CBEC annual allowance used before this order
    annual_allowance_used: Decimal | None = None  # USD, Uruguay's franchise / Ecuador's 4x4 used this year
    shipments_this_year: int | None = None  # Argentina's and Uruguay's franchises count shipments


def _unit_of(lq: LegalQuantity) -> str | None:
    if lq.unit in _SHEET:
        return "sheet"
    try:
        entry = customs_unit(lq.unit)
    except PonteError:
        return None
    return _UNECE.get(entry.unece)


def net_quantity(product: Product) -> dict[str, str] | None:
    """The net quantity of one unit from the product's legal units: a mass or a volume first (the
    per-gram test of high-end cosmetics), else a count; None when the product says nothing."""
    china = product.china
    if china is None:
        return None
    found: list[tuple[int, str, Decimal]] = []
    for lq in (china.second, china.first):
        if lq is None or lq.per_unit <= 0:
            continue
        unit = _unit_of(lq)
        if unit is not None:
            found.append((0 if unit in ("g", "kg", "ml", "l") else 1, unit, lq.per_unit))
    if not found:
        return None
    _, unit, amount = min(found, key=lambda f: f[0])
    return {"amount": str(amount), "unit": unit}


def _item(order: Order, line: Line) -> dict[str, Any]:
    product = line.product
    tariff = product.tariff_codes.get(order.destination.upper()) or line.hs_code or product.hs_code
    item: dict[str, Any] = {
        "description": line.description or line.sku,
        "hs_code": tariff,
        "category": category_table().of(tariff, product.category),
        "quantity": line.quantity,
        "unit_price": str(line.unit_price),
        "origin": line.origin_country,
    }
    nq = net_quantity(product)
    if nq is not None:
        item["net_quantity"] = nq
    return item


def request_data(
    order: Order, *, seller: SellerRegistrations, buyer: BuyerFacts | None = None
) -> dict[str, Any]:
    """The JSON request of an order (what ``request_for`` validates)."""
    on = order.placed_at.date()
    data: dict[str, Any] = {
        "destination": order.destination,
        "origin": order.origin,
        "date": on.isoformat(),
        "currency": order.currency,
        "items": [_item(order, ln) for ln in sorted(order.lines, key=lambda ln: ln.line_no)],
        "freight": str(order.freight),
        "insurance": str(order.insurance),
        "discount": str(order.discount),
        "seller": seller.flags_for(order.destination, on).model_dump(),
        "buyer": {"kind": order.buyer.kind},
    }
    if order.destination_region:
        data["destination_region"] = order.destination_region
    if order.destination.upper() == "CN" and order.trade_mode in _CN_CHANNELS:
        data["channel"] = order.trade_mode
    if buyer is not None:
        if buyer.annual_cbec_used is not None:
            data["buyer"]["annual_cbec_used"] = str(buyer.annual_cbec_used)
        if buyer.annual_allowance_used is not None:
            data["buyer"]["annual_allowance_used"] = str(buyer.annual_allowance_used)
        if buyer.shipments_this_year is not None:
            data["buyer"]["shipments_this_year"] = buyer.shipments_this_year
    return data


def request_for(
    order: Order, *, seller: SellerRegistrations, buyer: BuyerFacts | None = None
) -> QuoteRequest:
    """The quote request of an order; a fact the engine refuses names the order's own field."""
    data = request_data(order, seller=seller, buyer=buyer)
    try:
        return parse_request(data)
    except ValidationError as exc:
        lines = sorted(order.lines, key=lambda ln: ln.line_no)
        problems = []
        for v in exc.violations:
            parts = v.field.strip("/").split("/")
            if parts[0] == "items" and len(parts) > 1 and parts[1].isdigit():
                field = f"lines[{lines[int(parts[1])].line_no}].{'.'.join(parts[2:]) or 'line'}"
            else:
                field = ".".join(parts) or "order"
            problems.append(Violation(field, v.rule or DutiesError.ORDER, f"order {order.id}: {v.message}"))
        raise ValidationError.of(problems) from None

"""Order records from the rows of Ponte's orders dataset, and rows from order records."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyarrow as pa

from ponte.accounts.core import Seller
from ponte.catalog.core import (
    ChinaCustoms,
    Handling,
    LegalQuantity,
    Product,
    check_china_customs,
    check_handling,
)
from ponte.kernel.errors import PonteError, ValidationError, Violation
from ponte.kernel.limits import amount_violation, moment_violation, text_violation
from ponte.kernel.measures import Box, Weight
from ponte.orders.columns import REQUIRED, SCHEMAS, conform
from ponte.orders.core import Address, Buyer, Line, Order, Payment

__all__ = ["Rejected", "product_record", "records", "to_tables"]


@dataclass(frozen=True)
class Rejected:
    """An order of the dataset that cannot be read, with every reason."""

    order_id: str
    problems: list[Violation]


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def product_record(r: dict[str, Any]) -> Product:
    """A products row as the catalogue's record; raises naming the column of a bad value."""
    china = None
    if r.get("cn_code"):
        second = None
        if r.get("cn_unit2"):
            second = LegalQuantity(r["cn_unit2"], _dec(r.get("cn_qty2")) or Decimal(0))
        china = ChinaCustoms(
            code=r["cn_code"],
            name=r.get("cn_name") or "",
            elements=r.get("cn_elements") or "",
            unit=r.get("cn_unit") or "",
            first=LegalQuantity(r.get("cn_unit1") or "", _dec(r.get("cn_qty1")) or Decimal(0)),
            second=second,
            record_no=r.get("cn_record_no"),
            barcode=r.get("barcode"),
        )
    handling = Handling(
        battery=r.get("battery"),
        battery_packing=r.get("battery_packing"),
        battery_wh=_dec(r.get("battery_wh")),
        lithium_g=_dec(r.get("lithium_g")),
        dry_ice_kg=_dec(r.get("dry_ice_kg")),
        perishable=bool(r.get("perishable")),
        temperature=r.get("temperature") or "ambient",
    )
    problems = check_handling(handling, "handling")
    if china is not None:
        problems += check_china_customs(china, r["hs_code"], "china")
    try:
        tariff_codes = json.loads(r.get("tariff_codes") or "{}")
        if not isinstance(tariff_codes, dict):
            raise ValueError
    except ValueError:
        problems.append(Violation("tariff_codes", "json-object", 'a JSON object like {"BR": "85183000"}'))
        tariff_codes = {}
    if problems:
        raise ValidationError.of(problems)
    try:
        weight = Weight(r["weight_kg"])
        box = Box(r["length_cm"], r["width_cm"], r["height_cm"])
    except ValueError as exc:
        raise ValidationError(str(exc), field="weight_kg", rule="positive") from None
    return Product(
        id=r["id"],
        tenant_id=r["tenant_id"],
        sku=r["sku"],
        titles={k: v for k, v in (r["titles"] or {}).items() if v},
        category=r["category"],
        direction=r["direction"],
        hs_code=r["hs_code"],
        origin_country=r["origin_country"],
        weight=weight,
        box=box,
        price=r["price"],
        currency=r["currency"],
        china=china,
        handling=handling,
        tariff_codes={str(k).upper(): str(v) for k, v in tariff_codes.items()},
    )


def _missing(table: str, row: dict[str, Any]) -> list[Violation]:
    return [
        Violation(f"{table}.{c}", "required", f"{c} is empty") for c in REQUIRED[table] if row.get(c) is None
    ]


_ORDER_AMOUNTS = ("freight", "insurance", "discount", "paid_amount")
_ORDER_TIMES = ("placed_at", "paid_at")
_TEXTS = {
    "orders": ("external_ref", "payment_ref", "destination_region"),
    "buyers": ("name", "tax_id", "street", "city", "region", "postal_code", "phone", "email"),
}


def _bounds(table: str, row: dict[str, Any], prefix: str = "") -> list[Violation]:
    """The bounds of every intake (kernel.limits) on one row of the dataset: amounts, times and text."""
    found: list[Violation | None] = []
    if table == "orders":
        found += [amount_violation(_dec(row.get(c)), c) for c in _ORDER_AMOUNTS]
        found += [moment_violation(row.get(c), c) for c in _ORDER_TIMES]
    if table == "lines":
        found.append(amount_violation(_dec(row.get("unit_price")), f"{prefix}unit_price"))
    found += [text_violation(row.get(c), f"{prefix}{c}") for c in _TEXTS.get(table, ())]
    return [v for v in found if v is not None]


def records(tables: dict[str, pa.Table]) -> Iterator[Order | Rejected]:
    """Every order of the dataset as its record, or as a ``Rejected`` with its reasons."""
    products: dict[str, Product | ValidationError] = {}
    for r in tables["products"].to_pylist():
        try:
            products[r["id"]] = product_record(r)
        except (PonteError, TypeError, ArithmeticError) as exc:
            products[r["id"]] = (
                exc if isinstance(exc, ValidationError) else ValidationError(str(exc), field="products")
            )
    buyers = {b["id"]: b for b in tables["buyers"].to_pylist()}
    sellers = {s["id"]: s for s in tables["sellers"].to_pylist()}
    lines: dict[str, list[dict[str, Any]]] = {}
    for ln in tables["lines"].to_pylist():
        lines.setdefault(ln["order_id"], []).append(ln)
    for o in tables["orders"].to_pylist():
        order_id = o.get("id") or "?"
        problems = _missing("orders", o) + _bounds("orders", o)
        own = sorted(lines.get(order_id, []), key=lambda ln: ln["line_no"] or 0)
        if not own:
            problems.append(Violation("lines", "one-line-at-least", "the order has no lines"))
        built = []
        for i, ln in enumerate(own):
            problems += [
                Violation(f"lines[{i}].{v.field.split('.', 1)[1]}", v.rule, v.message)
                for v in _missing("lines", ln)
            ] + _bounds("lines", ln, f"lines[{i}].")
            product = products.get(ln["product_id"])
            if product is None:
                problems.append(
                    Violation(f"lines[{i}].product_id", "known-product", f"no product {ln['product_id']!r}")
                )
                continue
            if isinstance(product, ValidationError):
                problems += [
                    Violation(f"lines[{i}].product.{v.field}", v.rule, v.message) for v in product.violations
                ]
                continue
            if (ln["quantity"] or 0) <= 0:
                problems.append(Violation(f"lines[{i}].quantity", "positive", "must be 1 or more"))
                continue
            built.append(
                Line(
                    line_no=ln["line_no"],
                    sku=ln["sku"],
                    description=product.title("en"),
                    quantity=ln["quantity"],
                    unit_price=ln["unit_price"],
                    hs_code=ln["hs_code"],
                    origin_country=ln["origin_country"],
                    product=product,
                )
            )
        b = buyers.get(o.get("buyer_id"))
        if b is None:
            problems.append(Violation("buyer_id", "known-buyer", f"no buyer {o.get('buyer_id')!r}"))
        else:
            problems += _missing("buyers", b) + _bounds("buyers", b, "buyer.")
        s = sellers.get(o.get("tenant_id"))
        if s is None:
            problems.append(Violation("tenant_id", "known-seller", f"no seller {o.get('tenant_id')!r}"))
        if problems:
            yield Rejected(order_id, problems)
            continue
        assert b is not None and s is not None
        payment = None
        if o.get("paid_at") is not None and o.get("payment_ref"):
            payment = Payment(
                transaction_id=o["payment_ref"],
                paid_at=o["paid_at"],
                amount=o["paid_amount"] if o.get("paid_amount") is not None else Decimal(0),
                currency=o["currency"],
                company_code=o.get("payment_company") or "",
            )
        yield Order(
            id=order_id,
            tenant_id=o["tenant_id"],
            external_ref=o["external_ref"],
            channel=o.get("channel") or "csv",
            direction=o["direction"],
            trade_mode=o["trade_mode"],
            destination=o["destination"],
            destination_region=o.get("destination_region"),
            currency=o["currency"],
            freight=o.get("freight") or Decimal(0),
            insurance=o.get("insurance") or Decimal(0),
            discount=o.get("discount") or Decimal(0),
            placed_at=o["placed_at"],
            status=o.get("status") or "placed",
            buyer=Buyer(
                id=b["id"],
                kind=b.get("kind") or "individual",
                name=b["name"],
                tax_id_kind=b["tax_id_kind"],
                tax_id=b["tax_id"],
                address=Address(
                    line1=b["street"],
                    city=b["city"],
                    country=b["country"],
                    postal_code=b.get("postal_code") or "",
                    region=b.get("region"),
                ),
                phone=b.get("phone"),
                email=b.get("email"),
            ),
            seller=Seller(tenant_id=s["id"], name=s["name"], uscc=s.get("uscc") or ""),
            lines=tuple(built),
            payment=payment,
            live_session_id=o.get("live_session_id"),
        )


def _product_row(p: Product) -> dict[str, Any]:
    c, h = p.china, p.handling
    return {
        "id": p.id,
        "tenant_id": p.tenant_id,
        "sku": p.sku,
        "titles": dict(p.titles),
        "category": p.category,
        "direction": p.direction,
        "hs_code": p.hs_code,
        "origin_country": p.origin_country,
        "weight_kg": p.weight.kg,
        "length_cm": p.box.length_cm,
        "width_cm": p.box.width_cm,
        "height_cm": p.box.height_cm,
        "price": p.price,
        "currency": p.currency,
        "cn_code": c.code if c else None,
        "cn_name": c.name if c else None,
        "cn_elements": c.elements if c else None,
        "cn_unit": c.unit if c else None,
        "cn_unit1": c.first.unit if c else None,
        "cn_qty1": c.first.per_unit if c else None,
        "cn_unit2": c.second.unit if c and c.second else None,
        "cn_qty2": c.second.per_unit if c and c.second else None,
        "cn_record_no": c.record_no if c else None,
        "barcode": c.barcode if c else None,
        "tariff_codes": json.dumps(p.tariff_codes, sort_keys=True),
        "battery": h.battery,
        "battery_packing": h.battery_packing,
        "battery_wh": h.battery_wh,
        "lithium_g": h.lithium_g,
        "dry_ice_kg": h.dry_ice_kg,
        "perishable": h.perishable,
        "temperature": h.temperature,
    }


def _buyer_row(o: Order) -> dict[str, Any]:
    b = o.buyer
    return {
        "id": b.id,
        "tenant_id": o.tenant_id,
        "country": b.address.country,
        "kind": b.kind,
        "name": b.name,
        "tax_id_kind": b.tax_id_kind,
        "tax_id": b.tax_id,
        "phone": b.phone,
        "email": b.email,
        "street": b.address.line1,
        "city": b.address.city,
        "region": b.address.region,
        "postal_code": b.address.postal_code,
    }


def to_tables(orders: Iterable[Order]) -> dict[str, pa.Table]:
    """Order records as the dataset's tables (what ``ponte export`` writes; ``records`` reads it back)."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}
    products: dict[str, dict[str, Any]] = {}
    buyers: dict[str, dict[str, Any]] = {}
    sellers: dict[str, dict[str, Any]] = {}
    for o in orders:
        weight = sum((ln.net_weight.kg for ln in o.lines), Decimal(0))
        buyer = _buyer_row(o)
        if buyers.setdefault(buyer["id"], buyer) != buyer:
            # the buyer gave another address with this order: the dataset carries it as its own row
            buyer["id"] = f"{buyer['id']}-{o.id}"
            buyers[buyer["id"]] = buyer
        rows["orders"].append(
            {
                "id": o.id,
                "tenant_id": o.tenant_id,
                "external_ref": o.external_ref,
                "channel": o.channel,
                "direction": o.direction,
                "trade_mode": o.trade_mode,
                "buyer_id": buyer["id"],
                "destination": o.destination,
                "destination_region": o.destination_region,
                "currency": o.currency,
                "goods_value": o.goods_value,
                "freight": o.freight,
                "insurance": o.insurance,
                "discount": o.discount,
                "total": o.total,
                "weight_kg": weight,
                "line_count": len(o.lines),
                "status": o.status,
                "live_session_id": o.live_session_id,
                "placed_at": o.placed_at,
                "paid_at": o.payment.paid_at if o.payment else None,
                "payment_ref": o.payment.transaction_id if o.payment else None,
                "paid_amount": o.payment.amount if o.payment else None,
                "payment_company": (o.payment.company_code or None) if o.payment else None,
            }
        )
        for ln in o.lines:
            rows["lines"].append(
                {
                    "order_id": o.id,
                    "tenant_id": o.tenant_id,
                    "line_no": ln.line_no,
                    "product_id": ln.product.id,
                    "sku": ln.sku,
                    "hs_code": ln.hs_code,
                    "origin_country": ln.origin_country,
                    "quantity": ln.quantity,
                    "unit_price": ln.unit_price,
                    "line_total": ln.value,
                    "weight_kg": ln.net_weight.kg,
                }
            )
            products.setdefault(ln.product.id, _product_row(ln.product))
        s = o.seller
        sellers.setdefault(s.tenant_id, {"id": s.tenant_id, "name": s.name, "uscc": s.uscc or None})
    rows["products"], rows["buyers"], rows["sellers"] = (
        list(products.values()),
        list(buyers.values()),
        list(sellers.values()),
    )
    return {name: conform(name, pa.Table.from_pylist(rows[name], schema=_loose(name))) for name in SCHEMAS}


def _loose(name: str) -> pa.Schema:
    """The table's schema with every column nullable (``conform`` then checks the required ones)."""
    return pa.schema([pa.field(f.name, f.type) for f in SCHEMAS[name]])

"""Plain-Python records of the corpus, for loaders that write row by row (the database)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa

from ponte.simulate.core import Tables, simulate


@dataclass(frozen=True, slots=True)
class Seller:
    id: str
    name: str
    name_en: str
    kind: str  # export | import
    uscc: str
    categories: list[str]


@dataclass(frozen=True, slots=True)
class Booth:
    id: str
    tenant_id: str
    code: str
    hall: str
    categories: list[str]


@dataclass(frozen=True, slots=True)
class Product:
    id: str
    tenant_id: str
    sku: str
    titles: dict[str, str]
    category: str
    direction: str
    hs_code: str
    origin_country: str
    customs_unit: str
    weight_kg: Decimal
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal
    price: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class Buyer:
    id: str
    tenant_id: str
    country: str
    kind: str
    name: str
    tax_id_kind: str
    tax_id: str
    phone: str
    street: str
    city: str
    region: str
    postal_code: str

    @property
    def address(self) -> dict[str, str]:
        return {
            "street": self.street,
            "city": self.city,
            "region": self.region,
            "postal_code": self.postal_code,
            "country": self.country,
        }


@dataclass(frozen=True, slots=True)
class LiveSession:
    id: str
    booth_id: str
    tenant_id: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class OrderLine:
    order_id: str
    tenant_id: str
    line_no: int
    product_id: str
    sku: str
    hs_code: str
    origin_country: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    weight_kg: Decimal


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    tenant_id: str
    external_ref: str
    channel: str
    direction: str
    trade_mode: str
    buyer_id: str
    destination: str
    destination_region: str | None
    currency: str
    goods_value: Decimal
    freight: Decimal
    insurance: Decimal
    discount: Decimal
    total: Decimal
    weight_kg: Decimal
    line_count: int
    status: str
    live_session_id: str | None
    placed_at: datetime
    lines: list[OrderLine] = field(default_factory=list)


@dataclass(frozen=True)
class Corpus:
    sellers: list[Seller]
    booths: list[Booth]
    products: list[Product]
    buyers: list[Buyer]
    sessions: list[LiveSession]
    orders: list[Order]


def _rows(table: pa.Table, batch: int = 50_000) -> Iterator[dict[str, Any]]:
    for rb in table.to_batches(max_chunksize=batch):
        yield from rb.to_pylist()


def iter_orders(tables: Tables) -> Iterator[Order]:
    """Orders with their lines, in placement order, without building every record at once."""
    lines = _rows(tables.lines)
    pending = next(lines, None)
    for row in _rows(tables.orders):
        own: list[OrderLine] = []
        while pending is not None and pending["order_id"] == row["id"]:
            own.append(OrderLine(**pending))
            pending = next(lines, None)
        yield Order(**row, lines=own)


def to_records(tables: Tables) -> Corpus:
    return Corpus(
        sellers=[Seller(**r) for r in _rows(tables.sellers)],
        booths=[Booth(**r) for r in _rows(tables.booths)],
        products=[Product(**r) for r in _rows(tables.products)],
        buyers=[Buyer(**r) for r in _rows(tables.buyers)],
        sessions=[LiveSession(**r) for r in _rows(tables.sessions)],
        orders=list(iter_orders(tables)),
    )


def generate_corpus(seed: int, n_orders: int, start: date, days: int, n_sellers: int | None = None) -> Corpus:
    """The corpus as dataclasses (sellers, booths, products, buyers, live sessions, orders with lines)."""
    return to_records(simulate(seed, n_orders, start, days, n_sellers))

"""The order record: one order with its lines, buyer, seller and payment, as every capability reads it.

Pure. It is read the same way from the API, a CSV or Parquet file of Ponte's orders dataset, a live
purchase and the database (``orders.store.load_orders``, ``orders.dataset.read_orders``); each capability
maps it to its own input with one function (``duties.request_for``, ``customs.from_order``,
``logistics.parcel_for``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ponte.accounts.core import Seller
from ponte.catalog.core import Product
from ponte.kernel.measures import Weight

__all__ = ["Address", "Buyer", "Line", "Order", "Payment", "Seller"]


@dataclass(frozen=True, slots=True)
class Address:
    line1: str
    city: str
    country: str
    postal_code: str = ""
    region: str | None = None  # as the post writes it
    line2: str | None = None

    def one_line(self) -> str:
        parts = (self.line1, self.line2, self.city, self.region, self.postal_code)
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Buyer:
    """Personal data: decrypted only in memory, masked wherever it is shown or logged."""

    id: str
    kind: str  # individual | business
    name: str
    tax_id_kind: str
    tax_id: str
    address: Address
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Payment:
    """The buyer's payment as the payment company reports it (the 403/411 messages name it)."""

    transaction_id: str
    paid_at: datetime
    amount: Decimal
    currency: str
    company_code: str = ""  # the licensed payment company; the tenant's customs profile by default


@dataclass(frozen=True, slots=True)
class Line:
    line_no: int
    sku: str
    description: str
    quantity: int
    unit_price: Decimal
    hs_code: str
    origin_country: str
    product: Product

    @property
    def value(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def net_weight(self) -> Weight:
        return self.product.weight * self.quantity


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    tenant_id: str
    external_ref: str
    channel: str  # web | csv | api | live
    direction: str  # export | import
    trade_mode: str  # 9610 | 9710 | 9810 | 1210
    destination: str
    destination_region: str | None  # ISO 3166-2, e.g. BR-SP
    currency: str
    freight: Decimal
    insurance: Decimal
    discount: Decimal
    placed_at: datetime
    status: str
    buyer: Buyer
    seller: Seller
    lines: tuple[Line, ...]
    payment: Payment | None = None
    live_session_id: str | None = None

    @property
    def goods_value(self) -> Decimal:
        return sum((line.value for line in self.lines), Decimal(0))

    @property
    def total(self) -> Decimal:
        """What the buyer pays the seller: goods, freight and insurance, less the discount."""
        return self.goods_value + self.freight + self.insurance - self.discount

    @property
    def net_weight(self) -> Weight:
        return sum((line.net_weight for line in self.lines), Weight.zero())

    @property
    def origin(self) -> str:
        """Where the goods leave from: China for exports, the main line's origin for imports."""
        if self.direction == "export":
            return "CN"
        return max(self.lines, key=lambda ln: (ln.value, -ln.line_no)).origin_country

"""Response shapes shared by the API's routers (decimal amounts as strings)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, PlainSerializer

from ponte.platform.crypto import mask

DecimalStr = Annotated[Decimal, PlainSerializer(lambda d: str(d), return_type=str)]
T = TypeVar("T")


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


class TenantOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    slug: str
    name: str
    kind: str
    country: str


class ProductOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    sku: str
    titles: dict[str, str]
    category: str
    direction: str
    hs_code: str
    origin_country: str
    weight_kg: DecimalStr
    length_cm: DecimalStr
    width_cm: DecimalStr
    height_cm: DecimalStr
    price: DecimalStr
    currency: str


class OrderLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    line_no: int
    sku: str
    description: str
    hs_code: str
    origin_country: str
    quantity: int
    unit_price: DecimalStr
    weight_kg: DecimalStr


class BuyerOut(BaseModel):
    """A buyer as the API shows it: identity masked, never in full."""

    id: str
    country: str
    kind: str
    name: str
    tax_id_kind: str
    tax_id: str


class OrderOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    external_ref: str
    channel: str
    direction: str
    trade_mode: str
    destination: str
    destination_region: str | None
    currency: str
    goods_value: DecimalStr
    freight: DecimalStr
    insurance: DecimalStr
    discount: DecimalStr
    status: str
    placed_at: datetime
    paid_at: datetime | None = None
    payment_ref: str | None = None
    buyer_id: str
    lines: list[OrderLineOut]


def masked_buyer(buyer: object) -> BuyerOut:
    return BuyerOut(
        id=buyer.id,  # type: ignore[attr-defined]
        country=buyer.country,  # type: ignore[attr-defined]
        kind=buyer.kind,  # type: ignore[attr-defined]
        name=mask(buyer.name, 1),  # type: ignore[attr-defined]
        tax_id_kind=buyer.tax_id_kind,  # type: ignore[attr-defined]
        tax_id=mask(buyer.tax_id, 2),  # type: ignore[attr-defined]
    )

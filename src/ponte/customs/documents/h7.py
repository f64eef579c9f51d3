"""The EU H7 dataset (IOSS low-value consignments) of a parcel to Portugal or Spain, from the stored order.

H7 is the reduced customs declaration for consignments whose intrinsic value does not exceed EUR 150
(Delegated Regulation (EU) 2015/2446 Art. 143a and Annex B column H7; IOSS under Council Directive (EU)
2017/2455). Each element carries its data-element number (``h7_elements.yaml``), the description is the
plain-language title of the goods in the destination's language, addresses are structured. The EUR 150
limit is the dated rule the landed-cost engine applies; values are converted to EUR by the caller's
function (Ponte's FX tables), never with a float.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ponte.customs.documents.content import DocumentData, Party
from ponte.duties.params import default_rules
from ponte.kernel.errors import ValidationError, Violation

__all__ = ["H7_COUNTRIES", "h7_dataset"]

H7_COUNTRIES = ("PT", "ES")  # the EU members of the corridor
IOSS_LIMIT_RULE = "eu.customs.ioss_intrinsic_value_limit"
CENT = Decimal("0.01")
AIR_WAYBILL = "N740"  # transport document type: air waybill (EU code list, from UN/EDIFACT 1001)


@cache
def _elements() -> dict[str, Any]:
    text = resources.files("ponte.customs.documents").joinpath("h7_elements.yaml").read_text("utf-8")
    return yaml.safe_load(text)  # type: ignore[no-any-return]


def _de(block: str, name: str, value: Any) -> dict[str, Any]:
    e = _elements()[block][name]
    return {"de": e["de"], "name": e["name"], "value": value}


def _address(p: Party) -> dict[str, str]:
    return {"street_and_number": p.street, "postcode": p.postcode, "city": p.city, "country": p.country}


def h7_dataset(d: DocumentData, *, to_eur: Callable[[Decimal, str, date], Decimal]) -> dict[str, Any]:
    """The H7 data of one parcel; raises ValidationError naming each field that breaks a rule."""
    problems: list[Violation] = []
    if d.destination not in H7_COUNTRIES:
        problems.append(Violation("destination", "h7-country", "H7 is written for parcels to PT and ES"))
    if not d.ioss_number:
        problems.append(
            Violation("documents.ioss_number", "ioss-format", "the seller's IOSS number (IM + 10 digits)")
        )
    items, total = [], Decimal(0)
    for i, ln in enumerate(d.lines, 1):
        value = to_eur(ln.total, d.currency, d.invoice_date).quantize(CENT, ROUND_HALF_UP)
        total += value
        items.append(
            {
                "goods_item_number": _de("item", "goods_item_number", i),
                "description": _de("item", "description", ln.description),
                "commodity_code": _de("item", "commodity_code", ln.tariff_code[:6]),
                "intrinsic_value": _de("item", "intrinsic_value", {"amount": str(value), "currency": "EUR"}),
                "gross_mass": _de("item", "gross_mass", str(ln.net_weight)),
            }
        )
    limit = default_rules().at(IOSS_LIMIT_RULE, d.invoice_date)
    if total > limit.value:
        problems.append(
            Violation("lines", "h7-threshold", f"intrinsic value EUR {total} exceeds EUR {limit.value}")
        )
    if problems:
        raise ValidationError.of(problems)
    consignee = {"name": d.buyer.name, "address": _address(d.buyer)}
    if d.buyer.tax_id:
        consignee["identification_number"] = d.buyer.tax_id
    return {
        "dataset": "H7",
        "source": _elements()["source"],
        "threshold": limit.as_dict(),
        "declaration_type": _de("header", "declaration_type", "IM"),
        "additional_declaration_type": _de("header", "additional_declaration_type", "A"),
        "lrn": _de("header", "lrn", d.order_ref),
        "transport_document": _de(
            "header", "transport_document", {"type": AIR_WAYBILL, "reference": d.waybill}
        ),
        "consignor": _de("header", "consignor", {"name": d.seller.name, "address": _address(d.seller)}),
        "consignee": _de("header", "consignee", consignee),
        "additional_fiscal_references": _de(
            "header",
            "additional_fiscal_references",
            [{"role": "FR5", "vat_identification_number": d.ioss_number}],
        ),
        "country_of_destination": _de("header", "country_of_destination", d.destination),
        "gross_mass": _de("header", "gross_mass", str(d.gross_weight)),
        "intrinsic_value": _de("header", "intrinsic_value", {"amount": str(total), "currency": "EUR"}),
        "goods_items": items,
    }

"""EU H7 low-value consignment dataset (IOSS) for parcels to Portugal and Spain, as JSON.

H7 is the reduced customs declaration for consignments whose intrinsic value does not exceed EUR 150
(Regulation (EU) 2015/2446, Art. 143a and Annex B column H7; IOSS under Council Directive (EU) 2017/2455).
The threshold and the countries are data below with their source; values are converted to EUR by a
function the caller passes (Ponte's FX tables), never with a float.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ponte.customs.china.orders import CustomsOrder
from ponte.duties.params import default_rules
from ponte.kernel.errors import ValidationError, Violation

H7_SOURCE = (
    "Delegated Regulation (EU) 2015/2446 Art. 143a and Annex B column H7 (as amended by (EU) 2020/877)"
)
H7_COUNTRIES = ("PT", "ES")  # the EU members of the corridor
# The EUR 150 intrinsic-value limit is the same dated rule the landed-cost engine applies.
IOSS_LIMIT_RULE = "eu.customs.ioss_intrinsic_value_limit"
CENT = Decimal("0.01")


def h7_dataset(
    order: CustomsOrder,
    *,
    ioss_number: str,
    to_eur: Callable[[Decimal, str, date], Decimal],
    on: date | None = None,
) -> dict[str, Any]:
    """The H7 data of one parcel; raises ValidationError naming each field that breaks a rule."""
    day = on or order.created_at.date()
    problems: list[Violation] = []
    if order.country not in H7_COUNTRIES:
        problems.append(Violation("country", "h7-country", "H7 is written for parcels to PT and ES"))
    if not (len(ioss_number) == 12 and ioss_number.startswith("IM") and ioss_number[2:].isdigit()):
        problems.append(Violation("ioss_number", "ioss-format", "must be IM followed by 10 digits"))
    items = []
    total = Decimal(0)
    for i, ln in enumerate(order.lines, 1):
        value = to_eur(ln.total, order.currency, day).quantize(CENT, ROUND_HALF_UP)
        total += value
        items.append(
            {
                "sequence": i,
                "description": ln.gname or ln.name,
                "commodity_code": ln.hs_code[:6],
                "quantity": str(ln.qty.normalize()),
                "intrinsic_value": {"amount": str(value), "currency": "EUR"},
                "country_of_origin": ln.origin_country,
            }
        )
    limit = default_rules().at(IOSS_LIMIT_RULE, day)
    if total > limit.value:
        problems.append(
            Violation("lines", "h7-threshold", f"intrinsic value EUR {total} exceeds EUR {limit.value}")
        )
    if problems:
        raise ValidationError.of(problems)
    return {
        "dataset": "H7",
        "rules": {
            "threshold_eur": str(limit.value),
            "threshold_rule": limit.as_dict(),
            "source": H7_SOURCE,
            "countries": list(H7_COUNTRIES),
        },
        "reference": order.order_no,
        "transport_document": order.logistics_no,
        "additional_fiscal_reference": {"role": "FR5", "vat_identification": ioss_number},
        "consignor": {"name": order.seller.name, "country": "CN"},
        "consignee": {
            "name": order.consignee.name,
            "address": order.consignee.address,
            "country": order.country,
        },
        "country_of_destination": order.country,
        "total_gross_mass_kg": str(order.gross_weight),
        "intrinsic_value": {"amount": str(total), "currency": "EUR"},
        "goods": items,
    }

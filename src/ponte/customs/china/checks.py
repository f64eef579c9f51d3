"""The checks customs make when a CBEC retail import is declared, made before Ponte signs anything.

* The per-transaction and annual limits (Cai Guan Shui [2016] No. 18; [2018] No. 49 from 2019-01-01:
  CNY 5,000 a transaction on the dutiable value — goods, freight and insurance — and CNY 26,000 a buyer
  a calendar year), read as the dated rules the landed-cost engine applies (``cn.cbec.*_limit``). An
  order of a single indivisible item may exceed the transaction limit (it is then taxed in full) while
  the annual limit holds. The e-port refuses the rest with -621005 / -621018.
* The buyer's resident ID number and its GB 11643 check digit (the e-port's real-name check; the payer
  of the 411 is the buyer by construction, and the three-document check holds them equal).
* The positive list (``ponte.reference.cbec_positive_list``) for the line's tariff line on the day.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from ponte.customs.china.orders import CustomsOrder
from ponte.customs.errors import CustomsCode
from ponte.duties.params import Rules
from ponte.kernel.errors import Violation
from ponte.reference import cbec_positive_list

__all__ = ["dutiable_value", "import_checks"]

TRANSACTION_LIMIT = "cn.cbec.transaction_limit"
ANNUAL_LIMIT = "cn.cbec.annual_limit"


def dutiable_value(order: CustomsOrder) -> Decimal:
    """What the limits count: the transaction price with freight and insurance (CNY)."""
    return order.goods_value + order.freight + order.insured_fee


def import_checks(order: CustomsOrder, day: date, rules: Rules, *, annual_used: Decimal) -> list[Violation]:
    """Violations of the CBEC import controls by ``order`` (declared on ``day``); ``annual_used`` is what
    the buyer has declared this calendar year before this order (CNY)."""
    out: list[Violation] = []
    value = dutiable_value(order)
    tx, annual = rules.at(TRANSACTION_LIMIT, day), rules.at(ANNUAL_LIMIT, day)
    single = len(order.lines) == 1 and order.lines[0].qty == 1
    if value > tx.value and not single:
        out.append(
            Violation(
                "goods_value",
                CustomsCode.TRANSACTION_LIMIT,
                f"CNY {value} exceeds the CBEC transaction limit of CNY {tx.value} ({tx.reference.title})",
            )
        )
    if annual_used + value > annual.value:
        out.append(
            Violation(
                "buyer",
                CustomsCode.ANNUAL_LIMIT,
                f"the buyer's CBEC imports this year would reach CNY {annual_used + value}, over the annual "
                f"limit of CNY {annual.value} ({annual.reference.title})",
            )
        )
    try:
        ric.validate(order.buyer.id_number)
    except StdnumError as exc:
        out.append(
            Violation(
                "buyer.id_number", CustomsCode.ID_NUMBER, f"not a resident ID card number (GB 11643): {exc}"
            )
        )
    for i, line in enumerate(order.lines):
        edition, listed = cbec_positive_list.lookup(line.hs_code, day)
        if edition is None:
            out.append(
                Violation(
                    f"lines[{i}].hs_code", CustomsCode.POSITIVE_LIST, f"no positive-list edition for {day}"
                )
            )
        elif listed is None:
            out.append(
                Violation(
                    f"lines[{i}].hs_code",
                    CustomsCode.POSITIVE_LIST,
                    f"{line.hs_code[:8]} is not on the CBEC retail import list in Ponte's copy of the "
                    f"{edition.effective} edition ({len(edition.lines)} lines held)",
                )
            )
    return out

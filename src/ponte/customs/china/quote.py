"""What customs needs of an order's frozen landed-cost quote: whether its verdict lets the order be
declared, and for an import the comprehensive tax it declares (CEB311 ``taxTotal``).

"Never declare an order whose quote is blocked or incomplete" (issue 13): the e-port would refuse it, or
worse accept a tax of 0. The quote itself is the duties capability's; this is its reading for customs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ponte.customs.china.from_order import ImportTax
from ponte.customs.errors import CustomsCode
from ponte.kernel.errors import ValidationError, Violation

__all__ = ["QuoteFacts", "gate"]


@dataclass(frozen=True)
class QuoteFacts:
    allowed: bool
    complete: bool
    reasons: tuple[str, ...] = ()
    tax: ImportTax | None = None  # import orders: CNY

    @classmethod
    def from_quote(cls, quote: Mapping[str, Any]) -> QuoteFacts:
        """Read a quote document of the duties contract version 1: ``verdict`` (allowed, complete,
        reasons with their codes and whether they block) and the tax ``lines`` (kind, amount,
        currency). The tax is read only when it is in CNY, as CEB311 declares it."""
        verdict = quote.get("verdict") or {}
        reasons = tuple(str(r.get("code")) for r in verdict.get("reasons") or [] if r.get("blocking", True))
        parts = {"duty": Decimal(0), "vat": Decimal(0), "consumption_tax": Decimal(0)}
        seen = False
        for line in quote.get("lines") or []:
            if line.get("kind") in parts and line.get("currency") == "CNY":
                parts[str(line["kind"])] += Decimal(str(line["amount"]))
                seen = True
        total = quote.get("total_tax") or {}
        if not seen and total.get("currency") == "CNY" and total.get("amount") == "0.00":
            seen = True  # a tax-free import still declares its tax (0)
        tax = ImportTax(parts["duty"], parts["vat"], parts["consumption_tax"]) if seen else None
        return cls(bool(verdict.get("allowed")), bool(verdict.get("complete")), reasons, tax)


def gate(quote: QuoteFacts | None, direction: str) -> None:
    """Raise naming the rule when the quote stops the declaration (or an import has none)."""
    if quote is None:
        if direction == "import":
            raise ValidationError(
                "an import is declared with its frozen quote (its verdict and its tax)",
                field="quote",
                rule=CustomsCode.TAX_REQUIRED,
            )
        return
    problems = []
    if not quote.allowed or not quote.complete:
        why = "blocked" if not quote.allowed else "incomplete"
        detail = f": {', '.join(quote.reasons)}" if quote.reasons else ""
        problems.append(
            Violation("quote.verdict", CustomsCode.QUOTE_VERDICT, f"the order's quote is {why}{detail}")
        )
    if direction == "import" and quote.tax is None:
        problems.append(Violation("quote.tax", CustomsCode.TAX_REQUIRED, "the quote holds no tax in CNY"))
    if problems:
        raise ValidationError.of(problems)

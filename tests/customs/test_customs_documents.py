from __future__ import annotations

from decimal import Decimal

import pytest
from customs_factory import make_order

from ponte.customs.documents.h7 import h7_dataset
from ponte.customs.documents.pdf import cn23, commercial_invoice, language_for
from ponte.kernel.errors import ValidationError


def _rate(amount: Decimal, currency: str, day) -> Decimal:
    return amount * {"CNY": Decimal("0.13"), "USD": Decimal("0.92")}[currency]


def test_pdfs_are_written_in_the_destination_language():
    order = make_order(21, "export", "9610").model_copy(update={"country": "BR"})
    pdf = commercial_invoice(order)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1500
    assert commercial_invoice(order) == pdf  # invariant output
    assert cn23(order).startswith(b"%PDF")
    assert language_for("BR") == "pt" and language_for("MX") == "es" and language_for("US") == "en"


def test_h7_for_spain_and_its_limits():
    order = make_order(22, "export", "9610").model_copy(update={"country": "ES"})
    small = order.model_copy(
        update={"lines": [order.lines[0].model_copy(update={"qty": Decimal(1), "price": Decimal("10")})]}
    )
    data = h7_dataset(small, ioss_number="IM7240000001", to_eur=_rate)
    assert data["country_of_destination"] == "ES" and data["intrinsic_value"]["currency"] == "EUR"
    big = small.model_copy(update={"lines": [small.lines[0].model_copy(update={"price": Decimal("99999")})]})
    with pytest.raises(ValidationError) as exc:
        h7_dataset(big, ioss_number="IM72400001", to_eur=_rate)
    rules = {v.rule for v in exc.value.violations}
    assert rules == {"h7-threshold", "ioss-format"}

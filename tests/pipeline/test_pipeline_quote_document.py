"""The batch's quote document customs read writes the total tax in the currency's minor units, as the
engine's own answer does: no decimals for Chilean pesos, cents for reais."""

from __future__ import annotations

from ponte.batch.declare import quote_document


def _line(kind: str, amount: str, currency: str) -> dict[str, object]:
    return {"line_no": 1, "kind": kind, "amount": amount, "currency": currency}


def test_the_total_tax_is_written_in_the_currencys_minor_units() -> None:
    clp = quote_document("allowed", [], [_line("duty", "5200", "CLP"), _line("vat", "3910", "CLP")])
    assert clp["total_tax"] == {"currency": "CLP", "amount": "9110"}
    brl = quote_document("allowed", [], [_line("duty", "10.004", "BRL"), _line("vat", "2.342", "BRL")])
    assert brl["total_tax"] == {"currency": "BRL", "amount": "12.35"}
    none = quote_document("blocked", ["cap:over"], [])
    assert none["total_tax"] == {"currency": None, "amount": "0.00"} and not none["verdict"]["allowed"]

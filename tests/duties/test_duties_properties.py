"""Properties of the engine over generated requests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ponte.duties import default_rules, parse_request, quote

MARKETS: list[dict[str, Any]] = [
    {"destination": "CN", "currency": "CNY", "date": "2025-06-01"},
    {"destination": "CN", "currency": "CNY", "date": "2025-06-01", "flags": {"three_documents": False}},
    {
        "destination": "BR",
        "destination_region": "SP",
        "currency": "USD",
        "date": "2025-07-24",
        "seller": {"remessa_conforme": True},
    },
    {"destination": "BR", "destination_region": "BA", "currency": "USD", "date": "2025-07-24"},
    {"destination": "MX", "currency": "USD", "date": "2025-09-01"},
    {"destination": "MX", "origin": "US", "currency": "USD", "date": "2025-09-01", "usmca": True},
    {"destination": "CL", "currency": "USD", "date": "2025-06-01"},
    {"destination": "CL", "currency": "USD", "date": "2025-11-01", "seller": {"sii_registered": True}},
    {"destination": "CO", "currency": "USD", "date": "2025-06-01"},
    {"destination": "PE", "currency": "USD", "date": "2025-06-01"},
    {"destination": "AR", "currency": "USD", "date": "2025-06-01", "regime": "ar.puerta_a_puerta"},
    {"destination": "PT", "currency": "EUR", "date": "2025-06-01", "seller": {"ioss": True}},
    {"destination": "ES", "currency": "EUR", "date": "2026-07-02", "seller": {"ioss": True}},
    {"destination": "MO", "currency": "MOP", "date": "2025-06-01"},
]

money = st.decimals(min_value=Decimal("0"), max_value=Decimal("4000"), places=2)


def _request(market: dict[str, Any], price: Decimal, freight: Decimal) -> dict[str, Any]:
    req = {k: v for k, v in market.items() if k != "usmca"}
    item: dict[str, Any] = {"description": "x", "hs_code": "620610", "quantity": 1, "unit_price": str(price)}
    if market.get("usmca"):
        item["preference"] = "USMCA"
    req["items"] = [item]
    req["freight"] = str(freight)
    return req


def _quote(req: dict[str, Any]) -> dict[str, Any]:
    return quote(parse_request(req), default_rules()).as_dict()


@settings(max_examples=60, deadline=None)
@given(market=st.sampled_from(MARKETS), price=money, freight=st.decimals(min_value=0, max_value=50, places=2))
def test_totals_are_the_sum_of_lines_in_one_currency(
    market: dict[str, Any], price: Decimal, freight: Decimal
) -> None:
    got = _quote(_request(market, price, freight))
    cur = got["currency"]
    assert all(ln["currency"] == cur for ln in got["lines"])
    assert got["total_tax"]["currency"] == cur == got["landed_cost"]["currency"]
    if got["verdict"]["status"] == "blocked":  # refused: no total to pay under that regime
        assert got["total_tax"]["amount"] is None and got["landed_cost"]["amount"] is None
        return
    total = sum((Decimal(ln["amount"]) for ln in got["lines"]), Decimal(0))
    assert Decimal(got["total_tax"]["amount"]) == total
    assert all(Decimal(ln["amount"]) >= 0 for ln in got["lines"])
    assert Decimal(got["landed_cost"]["amount"]) == price + freight + total


@settings(max_examples=80, deadline=None)
@given(market=st.sampled_from(MARKETS), a=money, b=money)
def test_tax_never_decreases_when_value_rises_within_a_regime(
    market: dict[str, Any], a: Decimal, b: Decimal
) -> None:
    low, high = sorted((a, b))
    q_low = _quote(_request(market, low, Decimal(0)))
    q_high = _quote(_request(market, high, Decimal(0)))
    blocked = "blocked" in (q_low["verdict"]["status"], q_high["verdict"]["status"])
    if not blocked and (q_low["regime"], q_low["treatment"]) == (q_high["regime"], q_high["treatment"]):
        assert Decimal(q_high["total_tax"]["amount"]) >= Decimal(q_low["total_tax"]["amount"])


@settings(max_examples=40, deadline=None)
@given(price=st.decimals(min_value=0, max_value=200, places=2))
def test_zero_below_an_exemption(price: Decimal) -> None:
    pe = _quote(
        {
            "destination": "PE",
            "currency": "USD",
            "date": "2025-06-01",
            "items": [{"description": "x", "quantity": 1, "unit_price": str(price)}],
        }
    )
    assert pe["total_tax"]["amount"] == "0.00"
    cl = _quote(
        {
            "destination": "CL",
            "currency": "USD",
            "date": "2025-06-01",
            "items": [{"description": "x", "quantity": 1, "unit_price": str(min(price, Decimal(41)))}],
        }
    )
    assert cl["total_tax"]["amount"] == "0.00"
    postal = _quote(
        {
            "destination": "CN",
            "currency": "CNY",
            "date": "2025-06-01",
            "flags": {"three_documents": False},
            "items": [
                {
                    "description": "x",
                    "category": "clothing",
                    "quantity": 1,
                    "unit_price": str(price + Decimal(50)),
                }
            ],
        }
    )
    assert postal["total_tax"]["amount"] == "0.00"  # ≤ 250 × 20% = 50, waived


@settings(max_examples=30, deadline=None)
@given(price=money, rate=st.decimals(min_value=Decimal("0.5"), max_value=Decimal("30"), places=4))
def test_computing_in_another_currency_keeps_lines_in_that_currency(price: Decimal, rate: Decimal) -> None:
    got = _quote(
        {
            "destination": "MX",
            "currency": "USD",
            "tax_currency": "MXN",
            "fx": {"USD/MXN": str(rate)},
            "date": "2025-09-01",
            "items": [{"description": "x", "quantity": 1, "unit_price": str(price)}],
        }
    )
    assert got["currency"] == "MXN"
    assert {ln["currency"] for ln in got["lines"]} == {"MXN"}
    assert got["fx"][0]["pair"] == "USD/MXN" and got["fx"][0]["source"] == "request"

"""Every value limit one minor unit under, at and over it, with the rate given in both directions,
on the scalar engine and the batch (vectorised and scalar-only) alike."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pyarrow as pa
import pytest

from ponte.duties import default_rules, parse_request, quote
from ponte.duties.batch import quote_table
from ponte.kernel.money import minor_units

RULES = default_rules()

#: (name, request without price/fx, limit currency, price currency, limit, rate limit→price,
#:  (the second rate has an exact inverse, for the other direction), what holds at the limit, what holds one minor unit over it)
CASES: list[tuple[str, dict[str, Any], str, str, str, tuple[str, str], str, str]] = [
    ("BR RTS USD 3,000", {"destination": "BR", "destination_region": "SP", "date": "2025-07-24"},
     "USD", "BRL", "3000", ("4.62", "5"), "rts_general", "ordinary_import"),
    ("BR RC band USD 50", {"destination": "BR", "destination_region": "SP", "date": "2025-07-24",
     "seller": {"remessa_conforme": True}}, "USD", "BRL", "50", ("5.52", "5"),
     "rts_remessa_conforme_low_band", "rts_remessa_conforme_high_band"),
    ("CL exempt USD 41", {"destination": "CL", "date": "2024-08-26"}, "USD", "CLP", "41", ("850", "800"),
     "exempt", "duty_and_vat"),
    ("CL remote sale USD 500", {"destination": "CL", "date": "2025-11-01", "seller": {"sii_registered": True}},
     "USD", "CLP", "500", ("950", "1000"), "vat_at_checkout", "duty_and_vat"),
    ("EU IOSS EUR 150", {"destination": "ES", "date": "2025-08-26", "seller": {"ioss": True}},
     "EUR", "CNY", "150", ("7.02", "8"), "ioss", "duty_and_import_vat"),
    ("MX courier USD 2,500", {"destination": "MX", "date": "2025-09-01"}, "USD", "MXN", "2500",
     ("18.75", "20"), "global_rate", "ordinary_import"),
    ("PE exempt USD 200", {"destination": "PE", "date": "2025-09-01"}, "USD", "PEN", "200", ("3.75", "4"),
     "exempt", "simplified"),
    ("CO duty-free USD 200", {"destination": "CO", "date": "2025-09-01"}, "USD", "COP", "200",
     ("4000", "4000"), "iva_only", "duty_and_iva"),
    ("AR franchise USD 400", {"destination": "AR", "date": "2025-09-01"}, "USD", "ARS", "400",
     ("1250", "1250"), "franchise", "duty_and_iva"),
    ("CN CBEC CNY 5,000", {"destination": "CN", "date": "2025-09-01"}, "CNY", "USD", "5000",
     ("0.125", "0.125"), "cbec_within_limits", "cbec_full_tax_single_item"),
    ("UY franchise USD 200", {"destination": "UY", "date": "2025-08-01"}, "USD", "UYU", "200",
     ("40.25", "40"), "franchise", "ordinary_import"),
    ("UY simplified USD 200", {"destination": "UY", "date": "2025-08-01", "buyer": {"shipments_this_year": 3}},
     "USD", "UYU", "200", ("40.25", "40"), "single_tax", "ordinary_import"),
    ("UY 2026 franchise USD 800", {"destination": "UY", "date": "2026-06-01"}, "USD", "UYU", "800",
     ("40.25", "40"), "franchise", "ordinary_import"),
    ("UY 2026 franchise year USD 800 - 500", {"destination": "UY", "date": "2026-06-01",
     "buyer": {"annual_allowance_used": "500", "shipments_this_year": 1}}, "USD", "UYU", "300",
     ("40.25", "40"), "franchise", "ordinary_import"),
    ("EC category B USD 400", {"destination": "EC", "date": "2025-07-01"}, "USD", "EUR", "400",
     ("0.92", "0.8"), "category_b", "category_c"),
    ("EC category B year USD 1,600 - 1,500", {"destination": "EC", "date": "2025-07-01",
     "buyer": {"annual_allowance_used": "1500"}}, "USD", "EUR", "100", ("0.92", "0.8"),
     "category_b", "category_c"),
    ("EC category C USD 5,000", {"destination": "EC", "date": "2025-07-01", "buyer": {"kind": "business"}},
     "USD", "EUR", "5000", ("0.92", "0.8"), "category_c", "ordinary_import"),
    ("DO exempt USD 200", {"destination": "DO", "date": "2025-03-01"}, "USD", "DOP", "200",
     ("58.5", "50"), "exempt", "duty_and_vat"),
    ("CR small shipment USD 500 (2021)", {"destination": "CR", "date": "2021-01-15"}, "USD", "CRC", "500",
     ("505.5", "500"), "small_shipment_exempt", "duty_and_vat"),
    ("PY courier USD 100", {"destination": "PY", "date": "2025-11-01"}, "USD", "PYG", "100",
     ("7300", "8000"), "iva_only", "duty_and_vat"),
    ("PY postal USD 200", {"destination": "PY", "date": "2025-11-01", "channel": "postal"}, "USD", "PYG", "200",
     ("7300", "8000"), "exempt", "duty_and_vat"),
]  # fmt: skip


def _outcome(q: Any) -> tuple[str, bool]:
    blocking = {r.code for r in q.reasons if r.blocking and r.code != "missing-data"}
    return ("limit-exceeded" if "limit-exceeded" in blocking else q.treatment), q.allowed


def _requests(case: tuple[Any, ...], direction: str) -> list[tuple[str, dict[str, Any]]]:
    _, base, lim_cur, price_cur, limit, rates, _, _ = case
    rate = rates[0] if direction == "as documented" else rates[1]  # the second has an exact inverse
    rate_d = Decimal(rate)
    price_at = Decimal(limit) * rate_d
    fx = {f"{lim_cur}/{price_cur}": rate} if direction == "as documented" else None
    if fx is None:
        inverse = 1 / Fraction(rate_d)
        fx = {f"{price_cur}/{lim_cur}": str(Decimal(inverse.numerator) / Decimal(inverse.denominator))}
    unit = Decimal(1).scaleb(-minor_units(price_cur))
    out = []
    for where, price in (("under", price_at - unit), ("at", price_at), ("over", price_at + unit)):
        out.append(
            (
                where,
                {
                    **base,
                    "currency": price_cur,
                    "tax_currency": price_cur,
                    "fx": fx,
                    "items": [{"description": "x", "quantity": 1, "unit_price": str(price)}],
                },
            )
        )
    return out


@pytest.mark.parametrize("direction", ["as documented", "inverse"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_one_minor_unit_under_at_and_over_every_limit(case: tuple[Any, ...], direction: str) -> None:
    *_, at_limit, over_limit = case
    requests = _requests(case, direction)
    got = {where: _outcome(quote(parse_request(r), RULES)) for where, r in requests}
    assert got["under"][0] == got["at"][0] == at_limit, got
    assert got["over"][0] == over_limit, got


def test_the_issue_examples_hold_exactly() -> None:
    br = quote(parse_request(_requests(CASES[0], "as documented")[1][1]), RULES)
    assert br.allowed and br.limits[0].used == Decimal(3000)
    cl = quote(parse_request(_requests(CASES[2], "as documented")[1][1]), RULES)
    assert cl.treatment == "exempt" and cl.total_tax == 0
    es = quote(parse_request(_requests(CASES[4], "as documented")[1][1]), RULES)
    assert es.regime == "eu.ioss"


def _row(r: dict[str, Any]) -> dict[str, str]:
    row = {
        k: str(v)
        for k, v in r.items()
        if k in ("destination", "destination_region", "date", "currency", "tax_currency")
    }
    row |= {"unit_price": r["items"][0]["unit_price"], "quantity": "1"}
    row |= {f"fx_{p.replace('/', '_')}": v for p, v in r["fx"].items()}
    row |= {k: "true" for k, v in r.get("seller", {}).items() if v}
    row |= {"buyer_kind" if k == "kind" else k: str(v) for k, v in r.get("buyer", {}).items()}
    if r.get("channel"):
        row["channel"] = r["channel"]
    return row


def test_the_batch_decides_every_limit_as_the_engine() -> None:
    rows, want = [], []
    for case in CASES:
        for direction in ("as documented", "inverse"):
            for _, r in _requests(case, direction):
                rows.append(_row(r))
                q = quote(parse_request(r), RULES)
                want.append((q.treatment, q.allowed, None if q.blocked else str(q.total_tax)))
    columns = sorted({k for r in rows for k in r})
    table = pa.table({c: [r.get(c, "") for r in rows] for c in columns})
    for fast in (True, False):
        got = quote_table(table, RULES, fast=fast).to_pylist()
        assert [(g["treatment"], g["allowed"], g["total_tax"]) for g in got] == want

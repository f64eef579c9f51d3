"""The orders-dataset batch gives exactly what request_for + the scalar engine give, line by line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from orders_factory import FixedRates, LineSpec, OrderSpec, tables

from ponte.duties import default_rules, quote
from ponte.duties.mapping import request_for
from ponte.duties.registrations import SellerRegistrations, check_registration
from ponte.duties.service import BatchContext, quote_orders
from ponte.kernel.errors import PonteError
from ponte.orders.dataset import Rejected, records

RULES = default_rules()
SELLERS = {
    "ten_reg": SellerRegistrations.of(
        [
            check_registration("ioss", "IM6200000011", date(2021, 7, 1)),
            check_registration("remessa_conforme", "11.222.333/0001-81", date(2023, 8, 1)),
            check_registration("cl_sii", "76.086.428-5", date(2025, 10, 25)),
        ]
    ),
    "ten_none": SellerRegistrations(),
}
PRODUCTS = [
    ("case", "392690", "general", None),
    ("wine", "220421", "wine", None),
    ("book", "490199", "books", None),
    (
        "lipstick",
        "330410",
        "beauty",
        {"cn_code": "3304100010", "cn_unit1": "012", "cn_qty1": "1", "cn_unit2": "035", "cn_qty2": "0.004"},
    ),
    ("cherries", "080921", "cherries", None),
    ("pills", "300490", "general", None),
    ("earbuds", "851762", "electronics", None),
]
MARKETS = [("BR", "BR-SP"), ("BR", None), ("MX", None), ("CL", None), ("CO", None), ("PE", None),
           ("AR", None), ("PT", None), ("PT", "PT-20"), ("ES", None), ("CN", None), ("MO", None)]  # fmt: skip

line = st.builds(
    lambda p, cents, qty: LineSpec(p[0], p[1], f"{cents // 100}.{cents % 100:02d}", qty, p[2], cn=p[3]),
    st.sampled_from(PRODUCTS),
    st.integers(0, 300_000),
    st.integers(1, 3),
)


@st.composite
def order(draw: Any, n: int) -> OrderSpec:
    dest, region = draw(st.sampled_from(MARKETS))
    lines = draw(st.lists(line, min_size=1, max_size=4))
    gross = sum(Decimal(ln.unit_price) * ln.quantity for ln in lines)
    discount = draw(st.sampled_from([Decimal(0), Decimal(0), min(gross, Decimal("5.00"))]))
    return OrderSpec(
        f"o{n}",
        dest,
        draw(st.sampled_from(["USD", "USD", "EUR", "CNY"])),
        lines,
        placed=draw(st.dates(date(2024, 8, 1), date(2026, 12, 31))).isoformat(),
        region=region,
        direction="import" if dest == "CN" else "export",
        trade_mode=draw(st.sampled_from(["9610", "1210", "9710"])),
        freight=draw(st.sampled_from(["0", "4.50", "12"])),
        discount=str(discount),
        buyer_kind=draw(st.sampled_from(["individual", "individual", "business"])),
        tenant=draw(st.sampled_from(list(SELLERS))),
    )


def _key(t: tuple[Any, ...]) -> tuple[Any, ...]:
    return (t[0] is None, t[0] or 0, t[1], t[2])


def _scalar_answer(o: Any, ctx: BatchContext) -> tuple[Any, ...]:
    try:
        req = request_for(o, seller=ctx.sellers.get(o.tenant_id, SellerRegistrations()))
        q = quote(req, ctx.rules, ctx.fx)
    except PonteError:
        return ("error",)
    single = len(o.lines) == 1
    nos = sorted(ln.line_no for ln in o.lines)
    lines = sorted(
        (((nos[0] if single else (None if ln.item is None else nos[ln.item])), ln.kind, str(ln.amount))
         for ln in q.lines),
        key=_key,
    )  # fmt: skip
    reasons = [f"{r.code}:{r.field}" for r in q.reasons if r.blocking]
    totals = (None, None) if q.blocked else (str(q.total_tax), str(q.landed_cost))
    return (q.status, q.regime, q.treatment, *totals, reasons, lines)


def _batch_answers(got: Any) -> dict[str, tuple[Any, ...]]:
    by_order: dict[str, list[Any]] = {}
    for r in got.lines.to_pylist():
        by_order.setdefault(r["order_id"], []).append((r["line_no"], r["kind"], r["amount"]))
    out = {}
    for r in got.orders.to_pylist():
        if r["status"] == "error":
            out[r["order_id"]] = ("error",)
            continue
        lines = sorted(by_order.get(r["order_id"], []), key=_key)
        out[r["order_id"]] = (
            r["status"], r["regime"], r["treatment"], r["total_tax"], r["landed_cost"], r["reasons"], lines,
        )  # fmt: skip
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=25).flatmap(
    lambda ns: st.tuples(*[order(i) for i in range(len(ns))])))  # fmt: skip
def test_fast_path_and_scalar_engine_agree_on_generated_multi_line_orders(
    specs: tuple[OrderSpec, ...],
) -> None:
    t = tables(list(specs))
    ctx = BatchContext(RULES, FixedRates(), SELLERS)
    fast = quote_orders(t, ctx)
    slow = quote_orders(t, ctx, fast=False)
    # the two paths differ only in the column that says which path answered
    assert fast.orders.drop_columns(["path"]).equals(slow.orders.drop_columns(["path"]))
    assert fast.lines.equals(slow.lines)
    got = _batch_answers(fast)
    assert got == _batch_answers(slow)
    for rec in records(t):
        assert not isinstance(rec, Rejected)
        assert got[rec.id] == _scalar_answer(rec, ctx), rec.id


def test_single_line_orders_of_the_main_markets_take_the_fast_path() -> None:
    specs = [
        OrderSpec(
            f"s{i}",
            dest,
            "USD",
            [LineSpec("case", "392690", f"{10 + i}.00")],
            region=region,
            tenant="ten_reg",
        )
        for i, (dest, region) in enumerate([("BR", "BR-SP"), ("MX", None), ("PE", None), ("CO", None)] * 5)
    ]
    got = quote_orders(tables(specs), BatchContext(RULES, FixedRates(), SELLERS))
    assert got.fast_share == 1.0
    assert set(got.orders["status"].to_pylist()) == {"allowed"}

"""The columnar batch path equals the scalar core, order by order, on generated orders, stock and rules."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from fulfil_factory import BR_RATES, inputs, order, site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ponte.fulfilment.batch import choose_tables
from ponte.fulfilment.choose import choose
from ponte.fulfilment.model import Choice, ImportFacts, SellerRules
from ponte.kernel.errors import PonteError
from ponte.orders.rows import to_tables

SKUS = ["LIP", "MASK", "SERUM"]
PRICES = {"LIP": "40", "MASK": "9", "SERUM": "61.50"}
MARKETS = [("BR", "BR-SP", "USD"), ("BR", "BR-RJ", "USD"), ("MX", None, "USD"), ("MO", None, "MOP")]
FACTS = {(c, s): ImportFacts(Decimal("12"), "USD", rates=BR_RATES) for c in ("BR", "MX") for s in SKUS}


@st.composite
def corpus(draw):  # type: ignore[no-untyped-def]
    n = draw(st.integers(1, 10))
    out = []
    base = datetime(2024, 7, 30, tzinfo=UTC)
    for i in range(n):
        dest, region, cur = draw(st.sampled_from(MARKETS))
        k = draw(st.integers(1, 3))
        skus = draw(st.lists(st.sampled_from(SKUS), min_size=k, max_size=k, unique=True))
        lines = [(s, draw(st.integers(1, 3)), PRICES[s]) for s in skus]
        placed = base + timedelta(hours=draw(st.integers(0, 24 * 5)), minutes=draw(st.sampled_from([0, 30])))
        out.append(
            order(
                lines, destination=dest, region=region, currency=cur, placed=placed,
                buyer_kind=draw(st.sampled_from(["individual", "individual", "business"])),
                freight=draw(st.sampled_from(["0", "5", "7.25"])),
                channel=draw(st.sampled_from(["web", "live"])), order_id=f"o{i:03d}",
            )
        )  # fmt: skip
    stock = {s: draw(st.integers(0, 6)) for s in SKUS}
    sites = [
        site("SP1", "BR", stock, cut_off=draw(st.sampled_from([None, time(14, 0), time(9, 30)]))),
        site("MX1", "MX", stock, tz="America/Mexico_City", region=None),
    ]
    if draw(st.booleans()):
        sites.append(site("MO1", "MO", stock, tz="Asia/Macau", region=None, cut_off=time(18, 0)))
    rules = SellerRules(
        prefer=draw(st.sampled_from(["cheapest", "fastest"])),
        never_split=draw(st.booleans()),
        max_delivery_days=draw(st.sampled_from([None, 4, 9, 30])),
        live_reserve={"LIP": draw(st.integers(0, 4))},
    )
    return out, sites, rules


def _row(c: Choice | str) -> tuple[object, ...]:
    if isinstance(c, str):
        return ("error",)
    o = c.chosen
    if o is None:
        return (None, c.reason, len(c.options))
    return (o.key, c.reason, len(c.options), str(o.total_cost), o.delivery_days, o.promised)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus())
def test_the_batch_equals_the_scalar_core(case) -> None:  # type: ignore[no-untyped-def]
    orders, sites, rules = case
    inp = inputs(sites, rules=rules, imports=FACTS)
    got = choose_tables(to_tables(orders), inp)
    rows = got.table.to_pylist()
    assert [r["order_id"] for r in rows] == [o.id for o in orders]
    for o, r in zip(orders, rows, strict=True):
        try:
            want = _row(choose(o, inp))
        except PonteError:
            want = ("error",)
        if r["error"] is not None:
            have: tuple[object, ...] = ("error",)
        elif r["chosen"] is None:
            have = (None, r["reason"], r["options"])
        else:
            have = (
                r["chosen"],
                r["reason"],
                r["options"],
                r["total_cost"],
                r["delivery_days"],
                r["promised"],
            )
        assert have == want, o.id


def test_equal_orders_are_chosen_once() -> None:
    same = [order([("LIP", 1, "40")], order_id=f"o{i}") for i in range(20)]
    other = [order([("LIP", 2, "40")], order_id="x")]
    got = choose_tables(to_tables(same + other), inputs([site(stock={"LIP": 9})]))
    assert got.distinct == 2 and got.table.num_rows == 21
    assert got.summary()["orders"] == 21


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus())
def test_the_choice_keeps_the_sellers_rules(case) -> None:  # type: ignore[no-untyped-def]
    orders, sites, rules = case
    inp = inputs(sites, rules=rules, imports=FACTS)
    for o in orders:
        c = choose(o, inp)
        live = o.channel == "live"
        for op in c.options:
            for (
                leg
            ) in op.legs:  # a site's option only with stock beyond the live reserve (live orders may take it)
                if leg.site is not None:
                    held = next(s for s in sites if s.code == leg.site).stock
                    for ln in o.lines:
                        if ln.line_no in leg.line_nos:
                            keep = 0 if live else rules.reserve(ln.sku)
                            assert held.get(ln.sku, 0) - keep >= ln.quantity
        if c.chosen is None:
            continue
        best = c.chosen
        assert best.status == "allowed"
        assert not (rules.never_split and best.split)
        assert rules.max_delivery_days is None or (best.delivery_days or 0) <= rules.max_delivery_days
        rivals = [
            op for op in c.options
            if op.status == "allowed" and not (rules.never_split and op.split)
            and (rules.max_delivery_days is None or (op.delivery_days or 0) <= rules.max_delivery_days)
        ]  # fmt: skip
        if rules.prefer == "cheapest":
            assert best.total_cost == min(op.total_cost for op in rivals)
        else:
            assert best.delivery_days == min(op.delivery_days or 0 for op in rivals)

"""The vectorised batch path equals the scalar engine line by line, and hands back what it cannot do."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from ponte.duties import default_rules, parse_request, quote
from ponte.duties.batch import quote_table, row_request
from ponte.duties.fastbatch import REGIMES, SCALAR_MARKETS, TREATMENTS, fast_quote, plan_for
from ponte.kernel.errors import PonteError

RULES = default_rules()


def _money(cents: int, places: int) -> str:
    text = f"{Decimal(cents).scaleb(-2):.2f}"
    return (
        text if places == 2 else (text.rstrip("0").rstrip(".") if places == 0 and cents % 100 == 0 else text)
    )


row = st.fixed_dictionaries(
    {
        "destination": st.sampled_from(
            ["BR", "MX", "PE", "CL", "CO", "PT", "ES", "CN", "AR", "MO", "UY", "EC", "DO", "CR", "GT", "PY"]
        ),
        "destination_region": st.sampled_from(
            [
                "SP",
                "BR-RJ",
                "RR",
                "AP",
                "",
                "XX",
                "PT-30",
                "PT-20",
                "ES-CN",
                "ES-TF",
                "ES-CE",
                "ES-M",
                "CL-RM",
            ]
        ),
        "date": st.dates(date(2024, 6, 1), date(2026, 12, 31)).map(date.isoformat),
        "currency": st.sampled_from(["USD", "USD", "USD", "EUR", "CNY", "JPY", "MOP"]),
        "unit_price": st.tuples(st.integers(0, 400_000), st.sampled_from([0, 2])).map(lambda t: _money(*t)),
        "quantity": st.integers(1, 4).map(str),
        "freight": st.integers(0, 9_999).map(lambda c: _money(c, 2)),
        "remessa_conforme": st.sampled_from(["true", "false", ""]),
        "buyer_kind": st.sampled_from(["individual", "individual", "business", ""]),
        "category": st.sampled_from(
            ["", "general", "general", "medicines", "books", "perfumes", "cosmetics", "spirits"]
        ),
        "annual_cbec_used": st.sampled_from(["", "0", "25000", "25999.99"]),
        "shipments_this_year": st.sampled_from(["", "0", "3", "4", "5"]),
        "annual_allowance_used": st.sampled_from(["", "0", "500", "1200.01"]),
        "sii_registered": st.sampled_from(["true", "false", ""]),
        "ioss": st.sampled_from(["true", "false", ""]),
        "origin": st.sampled_from(["", "CN", "US"]),
        "hs_code": st.sampled_from(["", "6206", "620610"]),
        "regime": st.sampled_from(["", "", "", "", "eu.import", "cl.import", "ar.puerta_a_puerta"]),
        "fx_USD_EUR": st.sampled_from(["0.92", "0.9137", ""]),
        "fx_USD_CNY": st.sampled_from(["7.10", ""]),
        "fx_USD_BRL": st.sampled_from(["5.52", ""]),
        "discount": st.sampled_from(["", "", "0", "1.00", "999999"]),
        "channel": st.sampled_from(["", "", "", "courier", "postal", "door_to_door", "9610", "1210"]),
        "net_quantity": st.sampled_from(["", "", "20", "0.5"]),
        "net_quantity_unit": st.sampled_from(["", "g", "piece", "l"]),
        "postal_class": st.sampled_from(["", "", "", "2", "3"]),
        "duty_rate": st.sampled_from(["", "", "", "0.05"]),
        "preference": st.sampled_from(["", "", "", "USMCA"]),
    }
)


class _Rate:
    def __init__(self, rate: Decimal, on: date) -> None:
        self.rate, self.table, self.rate_date = rate, "test", on


class DayRates:
    """A rate table whose rates change by day, with gaps (a missing rate is an error)."""

    BASE = {
        "USD": Decimal(1),
        "EUR": Decimal("0.9213"),
        "CNY": Decimal("7.1234"),
        "JPY": Decimal(150),
        "MOP": Decimal("8.03"),
    }

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, date]] = []

    def rate(self, base: str, quote: str, on: date, /) -> _Rate:
        self.asked.append((base, quote, on))
        if on.day == 13:
            raise PonteError(f"no {base}/{quote} on {on}", field="fx", rule="rate-available")
        bump = Decimal(on.toordinal() % 7) / 1000
        return _Rate((self.BASE[quote] + bump) / (self.BASE[base] + bump), on)


def _assert_same_as_engine(rows: list[dict[str, str]], fx: DayRates | None) -> int:
    """Every covered row equals the engine line by line; returns how many were covered."""
    table = pa.Table.from_pylist(rows)
    got = fast_quote(table, RULES, fx)
    if fx is not None:  # the fast path asks each (pair, date) once
        assert len(fx.asked) == len(set(fx.asked))
    for i, r in enumerate(rows):
        if not got.covered[i]:
            continue
        q = quote(parse_request(row_request(r)), RULES, fx)
        assert q.currency == r["currency"]
        lines = {ln.kind: ln.amount for ln in q.lines}
        assert len(lines) == len(q.lines)
        fast_lines = {k: Decimal(int(a[i])).scaleb(-2) for k, a in got.lines.items() if a[i] >= 0}
        assert fast_lines == lines, (r, q.as_dict()["lines"])
        assert TREATMENTS[got.treatment[i]] == q.treatment, r
        assert REGIMES[got.regime[i]] == q.regime, r
        assert bool(got.allowed[i]) == q.allowed, r
        assert bool(got.complete[i]) == q.complete, r
        assert Decimal(int(got.value[i] + got.total_tax[i])).scaleb(-2) == q.landed_cost
    return int(got.covered.sum())


@settings(max_examples=40, deadline=None)
@given(st.lists(row, min_size=1, max_size=40))
def test_fast_path_equals_the_scalar_engine_line_by_line(rows: list[dict[str, str]]) -> None:
    for fx in (None, DayRates()):
        _assert_same_as_engine(rows, fx)


def test_rows_at_each_limit_converted_by_the_engine_rates() -> None:
    """One cent under, at and over every limit the fast path turned into cents, in several currencies."""
    contexts = [
        {
            "destination": d,
            "date": day,
            "currency": cur,
            "sii_registered": sii,
            "ioss": "true",
            "annual_cbec_used": used,
            "origin": origin,
            "shipments_this_year": "0",
        }
        for d in ("CL", "CO", "PT", "ES", "CN", "AR", "UY", "EC", "DO", "PY", "CR", "GT")
        for day in ("2025-09-01", "2025-10-25", "2026-01-13", "2026-07-01")
        for cur in ("USD", "EUR", "CNY")
        for sii, used, origin in (("true", "0", "US"), ("false", "25000", "CN"))
    ]
    rows = []
    for ctx in contexts:
        plan = plan_for({k: str(v) for k, v in ctx.items()}, RULES, DayRates())
        limits = {int(getattr(plan, t, -1)) for t in ("t1", "t2", "t3")} - {-1, 0}
        for limit in limits:
            for c in (limit - 1, limit, limit + 1):
                rows.append({**ctx, "unit_price": f"{c // 100}.{c % 100:02d}", "quantity": "1"})
    assert len(rows) > 300
    assert _assert_same_as_engine(rows, DayRates()) > 300


@settings(max_examples=15, deadline=None)
@given(st.lists(row, min_size=1, max_size=30))
def test_whole_table_is_the_same_with_and_without_the_fast_path(rows: list[dict[str, str]]) -> None:
    table = pa.Table.from_pylist(rows)
    fx = DayRates()
    assert quote_table(table, RULES, fx).equals(quote_table(table, RULES, fx, fast=False))


def _day_of_orders(n: int) -> pa.Table:
    start = date(2025, 7, 1)
    return pa.table(
        {
            "destination": [["BR", "MX", "CL", "BR"][i % 4] for i in range(n)],
            "destination_region": [["SP", "", "", "XX"][i % 4] for i in range(n)],
            "date": [(start + timedelta(days=i % 90)).isoformat() for i in range(n)],
            "currency": ["USD"] * n,
            "unit_price": [f"{(i * 7919) % 100_000 / 100:.2f}" for i in range(n)],
            "quantity": [str(1 + i % 3) for i in range(n)],
            "remessa_conforme": [["true", "", "", "false"][i % 4] for i in range(n)],
        }
    )


def test_quote_table_is_the_same_with_and_without_the_fast_path() -> None:
    table = _day_of_orders(400)
    fast = quote_table(table, RULES)
    slow = quote_table(table, RULES, fast=False)
    assert fast.equals(slow)
    covered = fast_quote(table, RULES).covered
    assert 150 <= int(covered.sum()) <= 300  # BR with a state and MX; CL and BR "XX" go to the engine
    assert fast["error"].null_count < table.num_rows  # the bad state is an error row, not a crash


def test_the_newer_markets_match_the_engine_row_by_row() -> None:
    """The six newer markets on both paths: rows with an item rate go to the engine, the rest are vectorised."""
    markets = ["CR", "DO", "EC", "GT", "PY", "UY"]
    n = 12 * len(markets)
    table = pa.table(
        {
            "destination": [markets[i % len(markets)] for i in range(n)],
            "date": [["2025-06-15", "2025-06-16", "2026-04-30", "2026-05-01"][i % 4] for i in range(n)],
            "currency": ["USD"] * n,
            "unit_price": [["10", "100", "100.01", "200", "200.01", "400", "800"][i % 7] for i in range(n)],
            "quantity": ["1"] * n,
            "channel": [["", "postal", "courier"][i % 3] for i in range(n)],
            "shipments_this_year": [["0", "3"][i % 2] for i in range(n)],
            "duty_rate": [["", "0.1"][(i // 2) % 2] for i in range(n)],
        }
    )
    got = fast_quote(table, RULES)
    rows = table.to_pylist()
    for i, r in enumerate(rows):
        if r["destination"] in SCALAR_MARKETS or r["duty_rate"]:
            assert not got.covered[i], r
    assert 0 < int(got.covered.sum()) < len(rows)
    _assert_same_as_engine(rows, None)
    fast = quote_table(table, RULES)
    assert fast.equals(quote_table(table, RULES, fast=False))
    for r, got in zip(table.to_pylist(), fast.to_pylist(), strict=True):
        q = quote(parse_request(row_request(r)), RULES)
        assert (got["regime"], got["treatment"]) == (q.regime, q.treatment)
        assert got["total_tax"] == (None if q.blocked else str(q.total_tax))


def test_odd_amounts_go_to_the_scalar_engine() -> None:
    table = pa.table(
        {
            "destination": ["MX"] * 4,
            "date": ["2025-09-01"] * 4,
            "currency": ["USD"] * 4,
            "unit_price": ["10.005", "1e2", "-5", "12.50"],
            "quantity": ["1", "1", "1", "2.0"],
        }
    )
    assert not fast_quote(table, RULES).covered.any()


def test_costa_rica_and_guatemala_at_each_edge_and_date_match_the_engine() -> None:
    """The small-shipment markets one minor unit under, at and over USD 500, in both rate directions,
    on each side of their dates (coverage from 2020-01-01, Costa Rica's purchases taxed from 2021-05-01)."""
    amounts = {
        "USD": [({}, v) for v in ("499.99", "500", "500.01")],
        "": [({}, v) for v in ("250000", "4000")],  # a local price with no rate given: the engine's error
        "CRC": [({"fx_USD_CRC": "500"}, v) for v in ("249999.99", "250000", "250000.01")]
        + [({"fx_CRC_USD": "0.002"}, v) for v in ("249999.99", "250000", "250000.01")],
        "GTQ": [({"fx_USD_GTQ": "8"}, v) for v in ("3999.99", "4000", "4000.01")]
        + [({"fx_GTQ_USD": "0.125"}, v) for v in ("3999.99", "4000", "4000.01")],
    }
    rows: list[dict[str, str]] = []
    for destination, local in (("CR", "CRC"), ("GT", "GTQ")):
        for day in ("2019-12-31", "2020-01-01", "2021-04-30", "2021-05-01", "2024-11-23", "2026-06-01"):
            for currency in ("USD", local, ""):
                for fx, price in amounts[currency]:
                    for buyer, duty in (("individual", ""), ("business", ""), ("individual", "0.14")):
                        rows.append(
                            {
                                "destination": destination,
                                "date": day,
                                "currency": currency or local,
                                "unit_price": price,
                                "quantity": "1",
                                "buyer_kind": buyer,
                                "duty_rate": duty,
                                **dict.fromkeys(("fx_USD_CRC", "fx_CRC_USD", "fx_USD_GTQ", "fx_GTQ_USD")),
                                **fx,
                            }
                        )
    table = pa.Table.from_pylist(rows)
    assert {"fx_USD_CRC", "fx_GTQ_USD"} <= set(table.column_names)
    got = fast_quote(table, RULES)
    for i, r in enumerate(rows):
        if r["duty_rate"]:
            assert not got.covered[i], r  # an item rate is the engine's
    assert int(got.covered.sum()) > len(rows) // 3  # the rest is vectorised, exemptions and taxes alike
    _assert_same_as_engine(rows, None)
    fast = quote_table(table, RULES)
    assert fast.equals(quote_table(table, RULES, fast=False))
    quoted = fast.to_pylist()
    for r, q in zip(rows, quoted, strict=True):
        given = any(v for k, v in r.items() if k.startswith("fx_"))
        if (r["currency"] != "USD" and not given) or r["date"] == "2019-12-31":
            assert q["error"] and q["total_tax"] is None, (r, q)  # no rate, or before coverage: refused
        else:
            assert q["error"] is None, (r, q)
    exempt = {
        (r["destination"], r["date"], r["currency"], r["unit_price"])
        for r, q in zip(rows, quoted, strict=True)
        if q["treatment"] == "small_shipment_exempt"
    }
    # only Costa Rica, only before 2021-05-01, only up to USD 500 (in either rate direction)
    assert exempt == {
        ("CR", day, cur, price)
        for day in ("2020-01-01", "2021-04-30")
        for cur, price in (
            ("USD", "499.99"), ("USD", "500"), ("CRC", "249999.99"), ("CRC", "250000"),
        )
    }  # fmt: skip


def test_a_local_price_without_its_rate_is_refused_on_both_paths_whoever_buys() -> None:
    """The engine converts the value for the exemption limit before it asks who buys; the vectorised
    path must not quote what the engine refuses for want of a rate."""
    table = pa.table(
        {
            "destination": ["DO", "DO", "CR", "CR", "GT"],
            "date": ["2025-06-01"] * 5,
            "currency": ["DOP", "DOP", "CRC", "CRC", "GTQ"],
            "unit_price": ["1000"] * 5,
            "quantity": ["1"] * 5,
            "buyer_kind": ["business", "individual", "business", "individual", "individual"],
        }
    )
    fast = quote_table(table, RULES)
    assert fast.equals(quote_table(table, RULES, fast=False))
    assert all("rate-available" in (e or "") for e in fast["error"].to_pylist())
    assert fast["total_tax"].null_count == table.num_rows

"""Fulfilment choice benchmark: the columnar batch path over 1M simulated orders, beside the scalar core.

Orders are drawn from a simulated catalogue of baskets (each market's shoppers buy the same products at the
same prices; buyers of many kinds; live-session orders; orders all day long around the warehouses' cut-offs)
and stock sits in overseas warehouses (BR, MX, CL, PT, ES) and a bonded one in China. Prints orders/s of the
batch path (wall clock, and per CPU second: the machine may be shared), the distinct keys it ran the scalar core for, the chosen modes, and peak memory (RSS), beside the
same run's baseline: the scalar core choosing order by order on a sample.

    .venv/bin/python bench/fulfilment.py [--orders 1000000] [--baseline 2000] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ponte.accounts.core import Seller
from ponte.catalog.core import Product
from ponte.duties.params import default_rules
from ponte.fulfilment import service as fulfilment
from ponte.fulfilment.batch import choose_tables
from ponte.fulfilment.choose import choose
from ponte.fulfilment.model import ImportFacts, SellerRules, Site
from ponte.fulfilment.options import Inputs
from ponte.kernel.measures import Box, Weight
from ponte.logistics.network import Lanes, sample_flights
from ponte.orders.core import Address, Buyer, Line, Order
from ponte.orders.rows import Rejected, records, to_tables

MARKETS = [("BR", "BR-SP", "USD"), ("BR", "BR-RJ", "USD"), ("MX", None, "USD"), ("CL", None, "USD"),
           ("PT", None, "EUR"), ("ES", "ES-M", "EUR"), ("CO", None, "USD"), ("PE", None, "USD")]  # fmt: skip
START = datetime(2026, 3, 2, tzinfo=UTC)


class _Rate:
    def __init__(self, rate: Decimal, on: Any) -> None:
        self.rate, self.table, self.rate_date = rate, "bench", on


class BenchRates:
    """Fixed rates for the benchmark (not official rates)."""

    PER_USD = {"USD": Decimal(1), "EUR": Decimal("0.92"), "CNY": Decimal("7.10"), "BRL": Decimal("5.50"),
               "MXN": Decimal("18"), "CLP": Decimal("930"), "COP": Decimal("4000"), "PEN": Decimal("3.70")}  # fmt: skip

    def rate(self, base: str, quote: str, on: Any, /) -> _Rate:
        return _Rate(self.PER_USD[quote] / self.PER_USD[base], on)


def _products(rng: random.Random) -> list[Product]:
    out = []
    for i in range(60):
        cat, hs = rng.choice(
            [("beauty", "330499"), ("home", "691110"), ("electronics", "851830"), ("apparel", "610910")]
        )
        price = Decimal(rng.choice(["4.90", "9.90", "19.90", "29.00", "45.00", "79.00"]))
        kg = Decimal(rng.choice(["0.15", "0.3", "0.6", "1.2"]))
        out.append(Product(f"p{i}", "ten", f"SKU{i:03d}", {"en": f"item {i}"}, cat, "export", hs, "CN",
                           Weight(kg), Box(Decimal(25), Decimal(18), Decimal(10)), price, "USD"))  # fmt: skip
    return out


def templates(rng: random.Random, count: int) -> list[Order]:
    products = _products(rng)
    out = []
    for t in range(count):
        dest, region, cur = rng.choice(MARKETS)
        lines = []
        for n, p in enumerate(rng.sample(products, rng.choice([1, 1, 2, 3])), start=1):
            lines.append(Line(n, p.sku, p.sku, rng.choice([1, 1, 2]), p.price, p.hs_code, "CN", p))
        kind = "business" if rng.random() < 0.1 else "individual"
        buyer = Buyer(f"b{t}", kind, "Buyer", "id", "1", Address("Street 1", "City", dest, "00000", region))
        out.append(Order(f"t{t}", "ten", f"T{t}", "web", "export", "9610", dest, region, cur,
                         Decimal(rng.choice(["0", "5.90"])), Decimal(0), Decimal(0), START, "quoted", buyer,
                         Seller("ten", "Seller"), tuple(lines)))  # fmt: skip
    return out


def replicate(tables: dict[str, pa.Table], n: int, seed: int) -> dict[str, pa.Table]:
    """``n`` orders, each a copy of a template basket with its own id, hour of the day and channel."""
    rng = np.random.default_rng(seed)
    t_orders, t_lines = tables["orders"], tables["lines"]
    pick = rng.integers(0, t_orders.num_rows, n)
    orders = t_orders.take(pa.array(pick))
    ids = pa.array([f"o{i:07d}" for i in range(n)])
    minutes = rng.integers(0, 2 * 24 * 60, n)  # two days, every half hour
    placed = pa.array(
        (np.datetime64("2026-03-02T00:00") + (minutes // 30 * 30).astype("timedelta64[m]")).astype(
            "datetime64[us]"
        )
    )
    live = rng.random(n) < 0.05
    orders = orders.set_column(orders.column_names.index("id"), "id", ids)
    orders = orders.set_column(
        orders.column_names.index("placed_at"), "placed_at", pc.assume_timezone(placed, "UTC")
    )
    channel = pa.array(np.where(live, "live", "web"))
    orders = orders.set_column(orders.column_names.index("channel"), "channel", channel)
    # lines: each order's template lines, renamed to the order
    t_of_line = np.asarray(pc.index_in(t_lines["order_id"], value_set=t_orders["id"].combine_chunks()))
    order_by_t = np.argsort(t_of_line, kind="stable")
    counts = np.bincount(t_of_line, minlength=t_orders.num_rows)
    starts = np.concatenate([[0], np.cumsum(counts)])
    per = counts[pick]
    owner = np.repeat(np.arange(n), per)
    offs = np.arange(per.sum()) - np.repeat(np.cumsum(per) - per, per)
    line_idx = order_by_t[starts[pick][owner] + offs]
    lines = t_lines.take(pa.array(line_idx))
    lines = lines.set_column(lines.column_names.index("order_id"), "order_id", pc.take(ids, pa.array(owner)))
    return {**tables, "orders": orders, "lines": lines}


def inputs(products: list[str]) -> Inputs:
    flights = sample_flights(date(2026, 3, 2), 14)
    lanes = Lanes.of(flights)
    air = fulfilment.air_rates(flights, lanes, START)
    rng = random.Random(3)
    sites = []
    for code, country, tz in (("GRU1", "BR", "America/Sao_Paulo"), ("MEX1", "MX", "America/Mexico_City"),
                              ("SCL1", "CL", "America/Santiago"), ("LIS1", "PT", "Europe/Lisbon"),
                              ("MAD1", "ES", "Europe/Madrid")):  # fmt: skip
        stock = {s: rng.choice([0, 0, 3, 40, 400]) for s in products}
        sites.append(Site(code, country, False, "9810", tz, stock, 1, datetime(2026, 1, 1, 14).time()))
    facts = {(c, s): ImportFacts(Decimal("6"), "USD", Decimal("0.3"), {"duty": Decimal("0.16"), "ipi": Decimal("0.10"), "vat": Decimal("0.18")})
             for c in ("BR", "MX", "CL", "PT", "ES") for s in products}  # fmt: skip
    return Inputs(default_rules(), BenchRates(), lanes, air, tuple(sites),
                  SellerRules(live_reserve={"*": 2}), imports=facts)  # fmt: skip


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--baseline", type=int, default=2000)
    ap.add_argument("--templates", type=int, default=400)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    base = to_tables(templates(rng, args.templates))
    inp = inputs(sorted(set(base["lines"]["sku"].to_pylist())))
    tables = replicate(base, args.orders, args.seed)
    rss_before = _rss_mb()

    t0, c0 = time.perf_counter(), time.process_time()
    got = choose_tables(tables, inp)
    batch_s, batch_cpu = time.perf_counter() - t0, time.process_time() - c0
    rss_after = _rss_mb()

    sample = replicate(base, args.baseline, args.seed + 1)
    t0, c0 = time.perf_counter(), time.process_time()
    done = 0
    for rec in records(sample):
        if not isinstance(rec, Rejected):
            choose(rec, inp)
            done += 1
    scalar_s, scalar_cpu = time.perf_counter() - t0, time.process_time() - c0
    out = {
        "orders": args.orders,
        "batch_orders_per_s": round(args.orders / batch_s),
        "batch_seconds": round(batch_s, 2),
        "batch_cpu_seconds": round(batch_cpu, 2),
        "batch_orders_per_cpu_s": round(args.orders / batch_cpu),
        "distinct_keys": got.distinct,
        "scalar_baseline_orders_per_s": round(done / scalar_s),
        "scalar_baseline_orders_per_cpu_s": round(done / scalar_cpu),
        "ratio_batch_to_scalar": round((args.orders / batch_s) / (done / scalar_s), 1),
        "peak_rss_mb_before_choice": round(rss_before),
        "peak_rss_mb": round(rss_after),
        "summary": got.summary(),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

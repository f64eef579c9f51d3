"""The generator: one seed and a size in, the corpus as Arrow tables out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ponte.kernel.errors import ValidationError
from ponte.orders.dataset import conform
from ponte.simulate.catalog import build_park
from ponte.simulate.orders import build_orders
from ponte.simulate.people import build_buyers

TABLES = ("sellers", "booths", "products", "buyers", "sessions", "orders", "lines")
MAX_ORDERS = 50_000_000


@dataclass(frozen=True)
class Tables:
    """The corpus in columnar form; ``orders`` and ``lines`` are the big ones."""

    sellers: pa.Table
    booths: pa.Table
    products: pa.Table
    buyers: pa.Table
    sessions: pa.Table
    orders: pa.Table
    lines: pa.Table

    def items(self) -> list[tuple[str, pa.Table]]:
        return [(name, getattr(self, name)) for name in TABLES]


def default_sellers(n_orders: int) -> int:
    return int(min(400, max(8, round(n_orders**0.5 / 4))))


def check_params(n_orders: int, days: int, n_sellers: int | None, seed: int) -> None:
    if not isinstance(n_orders, int) or not 1 <= n_orders <= MAX_ORDERS:
        raise ValidationError(f"orders must be 1..{MAX_ORDERS}", field="orders", rule="range")
    if not isinstance(days, int) or not 1 <= days <= 3660:
        raise ValidationError("days must be 1..3660", field="days", rule="range")
    if n_sellers is not None and not 1 <= n_sellers <= 10_000:
        raise ValidationError("sellers must be 1..10000", field="sellers", rule="range")
    if not isinstance(seed, int) or seed < 0:
        raise ValidationError("seed must be a non-negative integer", field="seed", rule="range")


def simulate(seed: int, n_orders: int, start: date, days: int, n_sellers: int | None = None) -> Tables:
    """Generate the corpus. The same arguments always give the same tables."""
    check_params(n_orders, days, n_sellers, seed)
    sellers_n = n_sellers or default_sellers(n_orders)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    park = build_park(rng, seed, sellers_n)
    sellers = park["sellers"]
    pop = sellers["popularity"].to_numpy()
    n_buyers = max(sellers_n * 5, n_orders // 3)
    counts = np.maximum(1, np.floor(pop / pop.sum() * n_buyers)).astype(np.int64)
    buyers = build_buyers(rng, seed, sellers["id"].to_pylist(), sellers["kind"].to_pylist(), counts)
    made = build_orders(rng, seed, n_orders, start, days, park, counts)
    orders = made["orders"]
    idx = orders["buyer_index"]
    orders = orders.drop_columns(["buyer_index"])
    orders = orders.add_column(7, "destination", pc.take(buyers["country"], idx))
    orders = orders.add_column(8, "destination_region", pc.take(buyers["region"], idx))
    return Tables(
        sellers=conform("sellers", sellers.drop_columns(["popularity"])),
        booths=park["booths"],
        products=conform("products", made["products"]),
        buyers=conform("buyers", buyers),
        sessions=made["sessions"],
        orders=conform("orders", orders),
        lines=conform("lines", made["lines"]),
    )

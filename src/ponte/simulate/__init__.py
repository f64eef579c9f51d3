"""Seeded, reproducible simulation of the corridor: park, sellers, products, buyers, orders.

``simulate(...)`` gives Arrow tables (fast, for files); ``generate_corpus(...)`` gives
plain dataclasses (for loaders that write row by row).
"""

from ponte.simulate.core import Tables, simulate
from ponte.simulate.output import summary, write
from ponte.simulate.records import (
    Booth,
    Buyer,
    Corpus,
    LiveSession,
    Order,
    OrderLine,
    Product,
    Seller,
    generate_corpus,
    iter_orders,
)

__all__ = [
    "Booth",
    "Buyer",
    "Corpus",
    "LiveSession",
    "Order",
    "OrderLine",
    "Product",
    "Seller",
    "Tables",
    "generate_corpus",
    "iter_orders",
    "simulate",
    "summary",
    "write",
]

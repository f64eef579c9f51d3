"""Seeded, reproducible simulation of the corridor: park, sellers, products, buyers, orders.

``simulate(...)`` gives Arrow tables in the shape of Ponte's orders dataset; ``write`` puts them in files,
``ponte.orders.dataset.records`` reads them as order records.
"""

from ponte.simulate.core import Tables, simulate
from ponte.simulate.output import summary, tables_of, write

__all__ = ["Tables", "simulate", "summary", "tables_of", "write"]

"""A small simulated corpus (for the analytics tests), as the orders dataset (Parquet) and loaded into a SQLite store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ponte import schema
from ponte.platform.db import Database
from ponte.simulate.core import Tables, simulate
from ponte.simulate.load import load_corpus
from ponte.simulate.output import write

START, DAYS = date(2026, 1, 5), 21


@dataclass
class Corpus:
    tables: Tables
    parquet: Path
    database: Database


def make_corpus(tmp: Path, n: int = 1500) -> Corpus:
    tables = simulate(11, n, START, DAYS)
    paths = write(tables, tmp / "orders.parquet")
    database = Database(f"sqlite:///{tmp / 'ponte.db'}")
    schema.create_all(database.engine)
    load_corpus(database, tables, slug_prefix="sim", issue_keys=False)
    return Corpus(tables, paths["orders"], database)

"""`ponte simulate`: a seeded, reproducible corpus to Parquet or CSV."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import typer

from ponte.cli.output import emit_json, emit_table
from ponte.errors import ValidationError


def simulate(
    orders: int = typer.Option(10_000, "--orders", help="Number of orders."),
    seed: int = typer.Option(42, "--seed", help="Same seed, same corpus."),
    start: str = typer.Option("2026-01-01", "--start", help="First day (YYYY-MM-DD, UTC)."),
    days: int = typer.Option(30, "--days", help="Number of days covered."),
    sellers: int | None = typer.Option(
        None, "--sellers", help="Sellers in the park (default grows with size)."
    ),
    out: Path = typer.Option(
        ..., "--out", help="orders file: FILE.parquet or FILE.csv; other tables beside it."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Generate sellers, booths, products, buyers, live sessions, orders and lines."""
    from ponte.simulate import simulate as run
    from ponte.simulate import summary, write

    try:
        first = date.fromisoformat(start)
    except ValueError as exc:
        raise ValidationError(f"{start!r} is not a date YYYY-MM-DD", field="start", rule="iso-date") from exc
    t0 = time.perf_counter()
    tables = run(seed, orders, first, days, sellers)
    paths = write(tables, out)
    elapsed = time.perf_counter() - t0
    result = summary(tables) | {
        "seed": seed,
        "seconds": round(elapsed, 3),
        "orders_per_second": round(orders / elapsed) if elapsed else None,
        "files": {k: str(v) for k, v in paths.items()},
    }
    if as_json:
        emit_json(result)
        return
    emit_table(
        f"Simulated corpus (seed {seed}) in {elapsed:.2f} s",
        ["table", "rows", "file"],
        [(name, rows, paths[name]) for name, rows in result["tables"].items()],
    )

"""`ponte simulate`: a seeded, reproducible corpus to Parquet or CSV."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ponte.cli.output import emit_json, emit_table
from ponte.kernel.errors import ValidationError

if TYPE_CHECKING:
    from ponte.simulate.core import Tables


def simulate(
    orders: int = typer.Option(10_000, "--orders", help="Number of orders."),
    seed: int = typer.Option(42, "--seed", help="Same seed, same corpus."),
    start: str = typer.Option("2026-01-01", "--start", help="First day (YYYY-MM-DD, UTC)."),
    days: int = typer.Option(30, "--days", help="Number of days covered."),
    sellers: int | None = typer.Option(
        None, "--sellers", help="Sellers in the park (default grows with size)."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="orders file: FILE.parquet or FILE.csv; other tables beside it."
    ),
    db: bool = typer.Option(
        False, "--db", help="Also load the corpus into the database (PONTE_DATABASE_URL), in one transaction."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Generate sellers, booths, products, buyers, live sessions, orders and lines."""
    from ponte.simulate import simulate as run  # lazy: numpy and pyarrow only when simulating
    from ponte.simulate import summary, write  # lazy: as above

    try:
        first = date.fromisoformat(start)
    except ValueError as exc:
        raise ValidationError(f"{start!r} is not a date YYYY-MM-DD", field="start", rule="iso-date") from exc
    if out is None and not db:
        raise ValidationError(
            "say where the corpus goes: --out FILE, --db, or both", field="out", rule="required"
        )
    t0 = time.perf_counter()
    tables = run(seed, orders, first, days, sellers)
    paths = write(tables, out) if out is not None else {}
    elapsed = time.perf_counter() - t0
    result = summary(tables) | {
        "seed": seed,
        "seconds": round(elapsed, 3),
        "orders_per_second": round(orders / elapsed) if elapsed else None,
        "files": {k: str(v) for k, v in paths.items()},
    }
    if db:
        result["database"] = _load(tables, seed)
    if as_json:
        emit_json(result)
        return
    emit_table(
        f"Simulated corpus (seed {seed}) in {elapsed:.2f} s",
        ["table", "rows", "file"],
        [(name, rows, paths.get(name, "")) for name, rows in result["tables"].items()],
    )
    if db:
        emit_table(
            "Loaded into the database", ["records", "count"], sorted(result["database"]["counts"].items())
        )


def _load(tables: Tables, seed: int) -> dict[str, Any]:
    """Load as tenants `sim<seed>-NNN`; keys are not issued (use `ponte keys issue`)."""
    from ponte.bootstrap import platform  # lazy: the database only for --db
    from ponte.platform import migrate  # lazy: as above
    from ponte.simulate.load import load_corpus  # lazy: as above

    url = platform().settings.database_url
    migrate.upgrade(url)
    database = platform().database
    try:
        loaded = load_corpus(database, tables, slug_prefix=f"sim{seed}", issue_keys=False)
    finally:
        platform().close()
    return {"counts": loaded.counts, "tenant_prefix": f"sim{seed}-"}

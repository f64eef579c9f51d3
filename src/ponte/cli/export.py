"""`ponte export --tenant SLUG --out orders.parquet`: a tenant's stored orders as Ponte's orders dataset.

The files are the ones `ponte simulate` writes, so `ponte process`, `declare`, `consolidate`, `quote
--batch` and `fulfil` read them alike.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Annotated

import typer

from ponte.accounts import service as accounts
from ponte.bootstrap import platform
from ponte.cli.output import console, emit_json
from ponte.kernel.errors import ValidationError
from ponte.orders import service as orders
from ponte.orders.dataset import write_tables


def _day(value: str | None, field: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), time(0), UTC)
    except ValueError:
        raise ValidationError(f"{value!r} is not a date YYYY-MM-DD", field=field, rule="iso-date") from None


def export(
    tenant: Annotated[str, typer.Option(help="the tenant's slug")],
    out: Annotated[Path, typer.Option(help="orders file to write: .parquet or .csv (companions beside it)")],
    since: Annotated[str | None, typer.Option(help="orders placed on or after this day (UTC)")] = None,
    until: Annotated[str | None, typer.Option(help="orders placed before this day (UTC)")] = None,
    status: Annotated[str | None, typer.Option(help="only orders in this state")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print what was written as JSON")] = False,
) -> None:
    """Write a tenant's orders, with their lines, products, buyers and seller, as Ponte's orders dataset."""
    start, end = _day(since, "--since"), _day(until, "--until")
    if out.suffix.lower() not in (".parquet", ".csv"):
        raise ValidationError("--out must end in .parquet or .csv", field="--out", rule="file-format")
    with platform().database.unit_of_work() as uow:
        tables = orders.export_tables(
            uow, accounts.tenant_id_of(uow, tenant), since=start, until=end, status=status
        )
    written = write_tables(tables, out)
    result = {"files": {name: str(path) for name, path in written.items()}} | {
        "rows": {name: table.num_rows for name, table in tables.items()}
    }
    if as_json:
        emit_json(result)
    else:
        console.print(f"{tables['orders'].num_rows:,} orders of {tenant} written to {out}")

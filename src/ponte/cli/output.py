"""Printing results: a Rich table for people, JSON with --json for programs."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table

from ponte.kernel.errors import PonteError

console = Console()
errors = Console(stderr=True)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "as_dict"):
        return value.as_dict()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, default=_default, ensure_ascii=False, indent=2) + "\n")


def emit_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*[str(cell) for cell in row])
    console.print(table)


def fail(exc: PonteError) -> None:
    """One line per broken rule: where, what, which rule."""
    if exc.violations:
        for v in exc.violations:
            errors.print(f"[red]error[/red] {v.field}: {v.message} [dim]({v.rule})[/dim]", highlight=False)
    else:
        errors.print(f"[red]error[/red] {exc.message}", highlight=False)

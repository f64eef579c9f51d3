"""Printing results: a Rich table for people, JSON with --json for programs.

``console`` (standard output) and ``errors`` (standard error) are Rich consoles made on first use, so a
command that answers in JSON does not load Rich.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import typer

from ponte.kernel.errors import PonteError

if TYPE_CHECKING:
    from rich.console import Console


@functools.cache
def _consoles() -> tuple[Console, Console]:
    from rich.console import Console  # lazy: a JSON answer is printed without Rich

    return Console(), Console(stderr=True)


def __getattr__(name: str) -> Console:
    if name == "console":
        return _consoles()[0]
    if name == "errors":
        return _consoles()[1]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    from rich.table import Table  # lazy: as the consoles

    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*[str(cell) for cell in row])
    _consoles()[0].print(table)


def fail_json(exc: PonteError) -> None:
    """The error as JSON on standard output, for programs that asked for --json."""
    emit_json(
        {
            "error": {
                "message": exc.message,
                "violations": [v.as_dict() for v in exc.violations]
                or [{"field": exc.field, "rule": exc.rule, "message": exc.message}],
            }
        }
    )


def guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """A command whose bad input ends with its message (JSON with ``--json``) and exit code 2."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except PonteError as exc:
            fail_json(exc) if kwargs.get("as_json") else fail(exc)
            raise typer.Exit(2) from None

    return run


def fail(exc: PonteError) -> None:
    """One line per broken rule: where, what, which rule."""
    if exc.violations:
        for v in exc.violations:
            _consoles()[1].print(
                f"[red]error[/red] {v.field}: {v.message} [dim]({v.rule})[/dim]", highlight=False
            )
    else:
        _consoles()[1].print(f"[red]error[/red] {exc.message}", highlight=False)

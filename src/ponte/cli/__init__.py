"""The `ponte` command line. Each capability adds its command module to `COMMANDS` or `GROUPS`.

A command's module is imported only when that command runs (or when the whole app is asked for, as
`ponte --help` and the tests do), so `ponte quote` does not pay for the web console, the classifier
or the customs signer.
"""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Any

import typer

from ponte.cli.output import fail, guarded
from ponte.kernel.errors import PonteError

# command name -> (module under ponte.cli, function)
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("serve", "serve"),
    "demo": ("demo", "demo"),
    "simulate": ("simulate", "simulate"),
    "export": ("export", "export"),
    "declare": ("declare", "declare"),
    "documents": ("documents", "documents"),
    "quote": ("quote", "quote"),
    "fulfil": ("fulfil", "fulfil"),
    "replenish": ("warehouses", "replenish"),
    "consolidate": ("consolidate", "consolidate"),
    "track": ("track", "track"),
    "process": ("process", "process"),
    "classify": ("classify", "classify"),
    "worker": ("worker", "worker"),
}
# command group name -> (module under ponte.cli, Typer app)
GROUPS: dict[str, tuple[str, str]] = {
    "db": ("db", "app"),
    "keys": ("keys", "keys_app"),
    "users": ("users", "users_app"),
    "warehouses": ("warehouses", "app"),
}
HELP = "Ponte: cross-border e-commerce between China and the Portuguese- and Spanish-speaking world."


def build(only: str | None = None) -> typer.Typer:
    """The command line with every command, or with just ``only`` when it names one."""
    cli = typer.Typer(name="ponte", help=HELP, no_args_is_help=True, pretty_exceptions_enable=False)
    cli.callback()(_group)  # a group even with one command, so `ponte quote ...` keeps its name
    wanted = [only] if only in COMMANDS or only in GROUPS else [*COMMANDS, *GROUPS]
    for name in wanted:
        if name in COMMANDS:
            module, attr = COMMANDS[name]
            cli.command(name)(guarded(getattr(import_module(f"ponte.cli.{module}"), attr)))
        else:
            module, attr = GROUPS[name]
            cli.add_typer(getattr(import_module(f"ponte.cli.{module}"), attr), name=name)
    return cli


def _group() -> None:
    """Ponte: cross-border e-commerce between China and the Portuguese- and Spanish-speaking world."""


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole command line, built once (tests and `python -m ponte` use it)
        full = globals()["app"] = build()
        return full
    raise AttributeError(name)


def main() -> None:
    """Entry point: bad input ends with its message and exit code 2, never a traceback."""
    first = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    try:
        build(first)()
    except PonteError as exc:
        fail(exc)
        sys.exit(2)

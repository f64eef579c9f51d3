"""The `ponte` command line. Each capability adds its command module below."""

from __future__ import annotations

import sys

import typer

from ponte.cli import (
    classify,
    consolidate,
    db,
    declare,
    demo,
    documents,
    export,
    keys,
    process,
    quote,
    serve,
    simulate,
    track,
    users,
    worker,
)
from ponte.cli.output import fail, guarded
from ponte.kernel.errors import PonteError

app = typer.Typer(
    name="ponte",
    help="Ponte: cross-border e-commerce between China and the Portuguese- and Spanish-speaking world.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.command("serve")(guarded(serve.serve))
app.command("demo")(guarded(demo.demo))
app.add_typer(keys.keys_app, name="keys")
app.add_typer(users.users_app, name="users")
app.command("simulate")(guarded(simulate.simulate))
app.command("export")(guarded(export.export))
app.command("declare")(guarded(declare.declare))
app.command("documents")(guarded(documents.documents))
app.command("quote")(guarded(quote.quote))
app.command("consolidate")(guarded(consolidate.consolidate))
app.command("track")(guarded(track.track))
app.command("process")(guarded(process.process))
app.command("classify")(guarded(classify.classify))
app.command("worker")(guarded(worker.worker))


def main() -> None:
    """Entry point: bad input ends with its message and exit code 2, never a traceback."""
    try:
        app()
    except PonteError as exc:
        fail(exc)
        sys.exit(2)

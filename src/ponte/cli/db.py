"""`ponte db upgrade`: apply every migration."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from ponte.bootstrap import platform
from ponte.cli.output import console
from ponte.platform import migrate

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(
    url: Annotated[str | None, typer.Option(help="database URL (default: PONTE_DATABASE_URL)")] = None,
) -> None:
    """Bring the database to the newest schema of every capability."""
    target = url or platform().settings.database_url
    migrate.upgrade(target)
    console.print(f"database at {_safe(target)} is up to date")


def _safe(url: str) -> str:
    """The URL without its password."""
    return make_url(url).render_as_string(hide_password=True)

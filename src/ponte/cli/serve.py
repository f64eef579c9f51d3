"""`ponte serve`: the API and the console over HTTP."""

from __future__ import annotations

from typing import Annotated

import typer

from ponte.bootstrap import platform


def serve(
    host: Annotated[str | None, typer.Option(help="interface (default PONTE_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default PONTE_PORT)")] = None,
    workers: Annotated[int, typer.Option(min=1, help="worker processes")] = 1,
    reload: Annotated[bool, typer.Option(help="restart on code changes (development)")] = False,
) -> None:
    """Serve the HTTP API (/api/v1) and the web console (/)."""
    import uvicorn  # lazy: only `ponte serve` needs the server

    settings = platform().settings
    uvicorn.run(
        "ponte.api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        reload=reload,
        log_level=settings.log_level.lower(),
        access_log=False,  # Ponte writes its own access lines, structured and masked
    )

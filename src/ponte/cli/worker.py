"""`ponte worker`: the background worker on its own (webhook deliveries, reservation sweeps, order imports)."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from ponte.background import Worker
from ponte.bootstrap import platform
from ponte.cli.output import console
from ponte.journey import imports


def worker(
    every: Annotated[float, typer.Option(min=0.1, max=60, help="seconds between rounds")] = 5.0,
    rounds: Annotated[
        int, typer.Option(min=0, help="stop after this many rounds (0: run until stopped)")
    ] = 0,
) -> None:
    """Send due webhook deliveries, release overdue reservations and place queued CSV order imports, round
    after round (several workers on one database share the work)."""
    p = platform()
    w = Worker(
        p.database,
        every=every,
        allow_private=p.webhooks_allow_private,
        imports=lambda at, name: imports.run_due(p.database, p.journey, at, name),
    )
    try:
        done = 0
        while not rounds or done < rounds:
            w.round()
            done += 1
            if not rounds or done < rounds:
                time.sleep(every)
    except KeyboardInterrupt:
        pass
    finally:
        p.close()
    d = w.done
    console.print(f"{d.rounds} rounds: {d.delivered} delivered, {d.retrying} retrying, {d.failed} failed, "
                  f"{d.released} reservations released, {d.import_chunks} import chunks stored")  # fmt: skip

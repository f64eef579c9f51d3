"""The job on a Dask distributed cluster (``--engine dask --scheduler tcp://host:8786``): the context is
broadcast to every worker once, the same task functions run there, and their outputs go to the output folder,
which every worker must see (a shared file system)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from distributed import Client, wait

from ponte.batch.context import JobContext
from ponte.batch.runners.base import TASKS

__all__ = ["DaskRunner"]


class DaskRunner:
    name = "dask"

    def __init__(self, scheduler: str | Client) -> None:
        self._client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
        self._own = not isinstance(scheduler, Client)
        self._ctx: Any = None
        self.workers = len(self._client.scheduler_info().get("workers", {})) or 1

    def start(self, ctx: JobContext) -> None:
        self._ctx = self._client.scatter(ctx, broadcast=True)

    def submit(self, kind: str, *args: Any) -> Any:
        return self._client.submit(TASKS[kind], *args, self._ctx, pure=False)

    def wait_any(self, handles: Sequence[Any]) -> list[Any]:
        done, _ = wait(list(handles), return_when="FIRST_COMPLETED")
        return list(done)

    def result(self, handle: Any) -> dict[str, Any]:
        out: dict[str, Any] = handle.result()
        return out

    def close(self) -> None:
        if self._own:
            self._client.close()

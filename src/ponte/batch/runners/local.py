"""Runners on this machine: one process (tests, debugging), or a pool with one process per core."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from ponte.batch.context import JobContext
from ponte.batch.runners.base import TASKS

__all__ = ["PoolRunner", "SerialRunner"]

_CONTEXT: JobContext | None = None  # the worker process's context, set once by the pool's initializer


def _init(ctx: JobContext) -> None:
    global _CONTEXT
    _CONTEXT = ctx


def _call(kind: str, *args: Any) -> dict[str, Any]:
    if _CONTEXT is None:
        raise RuntimeError("the worker was started without the job's context")
    return TASKS[kind](*args, _CONTEXT)


class SerialRunner:
    """Every task in this process, at once when submitted."""

    name = "local"
    workers = 1

    def __init__(self) -> None:
        self._ctx: JobContext | None = None

    def start(self, ctx: JobContext) -> None:
        self._ctx = ctx

    def submit(self, kind: str, *args: Any) -> Future[dict[str, Any]]:
        fut: Future[dict[str, Any]] = Future()
        try:
            fut.set_result(TASKS[kind](*args, self._ctx))
        except BaseException as exc:  # the driver re-raises it with the task's own traceback
            fut.set_exception(exc)
        return fut

    def wait_any(self, handles: Sequence[Any]) -> list[Any]:
        return list(handles)

    def result(self, handle: Any) -> dict[str, Any]:
        out: dict[str, Any] = handle.result()
        return out

    def close(self) -> None:
        return None


class PoolRunner:
    """A process per worker (every core by default); the context is pickled once per process."""

    name = "processes"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    def start(self, ctx: JobContext) -> None:
        self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_init, initargs=(ctx,))

    def submit(self, kind: str, *args: Any) -> Future[dict[str, Any]]:
        assert self._pool is not None
        return self._pool.submit(_call, kind, *args)

    def wait_any(self, handles: Sequence[Any]) -> list[Any]:
        done, _ = wait(list(handles), return_when=FIRST_COMPLETED)
        return list(done)

    def result(self, handle: Any) -> dict[str, Any]:
        out: dict[str, Any] = handle.result()
        return out

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

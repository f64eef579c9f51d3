"""The runner contract the job's driver schedules tasks through."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from ponte.batch import tasks
from ponte.batch.context import JobContext

__all__ = ["TASKS", "Runner"]

#: The task functions by name; each takes the context as its last argument.
TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "prepare": tasks.prepare,
    "plan": tasks.plan,
    "finish": tasks.finish,
}


class Runner(Protocol):
    name: str
    workers: int

    def start(self, ctx: JobContext) -> None: ...

    def submit(self, kind: str, *args: Any) -> Any: ...

    def wait_any(self, handles: Sequence[Any]) -> list[Any]: ...

    def result(self, handle: Any) -> dict[str, Any]: ...

    def close(self) -> None: ...

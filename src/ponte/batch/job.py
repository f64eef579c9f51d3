"""The driver of ``ponte process``: which task runs when, on whichever runner.

Partitions are prepared in parallel; a day is planned as soon as all its partitions are prepared and the run's
previous day is planned (days book the ledger in order); a partition is finished as soon as its day is planned.
Every task whose marker is there (with this run's context) is skipped, so a run that was stopped or killed
goes on where it was and ends with the same files."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ponte.batch import sinks
from ponte.batch.context import JobContext
from ponte.batch.inputs import Inputs, rejects_table
from ponte.batch.records import Part
from ponte.batch.report import write_report
from ponte.batch.runners.base import Runner
from ponte.batch.tasks import is_marked, layout

__all__ = ["Progress", "RunSummary", "run"]


@dataclass
class Progress:
    """What the driver tells its caller (the CLI's progress bars) after each task."""

    on_task: Callable[[str, str, int], None] | None = None  # (kind, key, orders)

    def __call__(self, kind: str, key: str, orders: int) -> None:
        if self.on_task is not None:
            self.on_task(kind, key, orders)


@dataclass
class RunSummary:
    orders: int
    partitions: int
    days: int
    ran: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    report: dict[str, Any] = field(default_factory=dict)


def run(
    inputs: Inputs,
    out: Path,
    ctx: JobContext,
    runner: Runner,
    progress: Progress | None = None,
    *,
    chunk_orders: int = 4000,
) -> RunSummary:
    """Run every pending task; a task takes about ``chunk_orders`` orders of one day (several partitions)."""
    progress = progress or Progress()
    started = time.perf_counter()
    digest = ctx.digest()
    parts = sorted(inputs.parts)
    days = sorted({p.day for p in parts})
    by_day: dict[date, list[Part]] = {d: [p for p in parts if p.day == d] for d in days}
    size = {p: inputs.parts[p]["orders"].num_rows for p in parts}
    for stale in out.rglob(".*.tmp") if out.is_dir() else ():  # a killed run's unfinished files
        stale.unlink(missing_ok=True)
    sinks.write_parquet(out / "rejects" / "read.parquet", rejects_table(inputs.rejects))
    prepared = {p for p in parts if is_marked(layout.prepared(out, p), digest)}
    planned = {d for d in days if is_marked(layout.planned(out, d), digest)}
    done = {p for p in parts if is_marked(layout.done(out, p), digest)}
    summary = RunSummary(inputs.orders, len(parts), len(days))
    summary.skipped = {"prepare": len(prepared), "plan": len(planned), "finish": len(done)}
    summary.ran = {"prepare": 0, "plan": 0, "finish": 0}
    for p in sorted(done):
        progress("finish", p.key, size[p])
    runner.start(ctx)
    running: dict[Any, tuple[str, Any]] = {}
    finishing: set[Part] = set()

    def chunks(todo: list[Part]) -> list[list[Part]]:
        """A day's pending partitions in runs of about ``chunk_orders`` orders (one task each)."""
        out_: list[list[Part]] = []
        for d in days:
            current: list[Part] = []
            n = 0
            for p in (p for p in todo if p.day == d):
                if current and n + size[p] > chunk_orders:
                    out_.append(current)
                    current, n = [], 0
                current.append(p)
                n += size[p]
            if current:
                out_.append(current)
        return out_

    def tables_of(group: list[Part]) -> list[Any]:
        return [inputs.parts[p] for p in group]

    try:
        for group in chunks([p for p in parts if p not in prepared and p not in done]):
            running[runner.submit("prepare", group, tables_of(group), out)] = ("prepare", group)
        next_day = 0
        planning = False
        while True:
            # the next day to plan, in order; the partitions of every planned day to finish
            while next_day < len(days) and not planning:
                d = days[next_day]
                if d in planned:
                    pending = [p for p in by_day[d] if p not in done and p not in finishing]
                    finishing.update(pending)
                    for group in chunks(pending):
                        running[runner.submit("finish", group, tables_of(group), out)] = ("finish", group)
                    next_day += 1
                    continue
                if all(p in prepared or p in done for p in by_day[d]):
                    previous = days[next_day - 1] if next_day else None
                    running[runner.submit("plan", d, by_day[d], previous, out)] = ("plan", d)
                    planning = True
                break
            if not running:
                break
            for handle in runner.wait_any(list(running)):
                kind, key = running.pop(handle)
                runner.result(handle)  # a task's error stops the run (its marker is not written)
                summary.ran[kind] += 1
                if kind == "plan":
                    planned.add(key)
                    planning = False
                    progress(kind, key.isoformat(), sum(size[p] for p in by_day[key]))
                else:
                    (prepared if kind == "prepare" else done).update(key)
                    progress(kind, key[0].key, sum(size[p] for p in key))
    finally:
        for handle in running:
            cancel = getattr(handle, "cancel", None)
            if cancel is not None:
                cancel()
        runner.close()
    summary.seconds = time.perf_counter() - started
    summary.report = write_report(out, parts, days, {f.key: float(f.payload_kg) for f in ctx.flights})
    return summary

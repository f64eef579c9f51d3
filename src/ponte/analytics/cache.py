"""The figures' cache: entries keyed by view, tenant scope, filters and the data's version, each kept
for ``ttl`` seconds at most. One cache per platform (``bootstrap.Platform.analytics``), so its lifetime
is the process's platform and tests or reloads start empty."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

__all__ = ["FigureCache"]


class FigureCache:
    def __init__(
        self, ttl: float = 300.0, max_entries: int = 512, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._now = now
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, ...], tuple[float, Any]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: tuple[str, ...], compute: Callable[[], Any]) -> Any:
        now = self._now()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > now:
                self._entries.move_to_end(key)
                self.hits += 1
                return entry[1]
        value = compute()  # outside the lock: two first callers may both compute, and agree
        with self._lock:
            self.misses += 1
            self._entries[key] = (now + self.ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

"""How far the daily rollup has read a table that only grows, by its increasing integer id (pure).

Ids come from a sequence (PostgreSQL) or an autoincrement key (SQLite); a transaction that took an id may
commit after one that took a larger id. So the mark keeps the ids it skipped over (gaps) and asks for them
again on every refresh, for ``patience`` seconds (the longest a writing transaction is expected to stay
open); an id that never shows up belonged to a transaction that rolled back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["GAP_PATIENCE_SECONDS", "MAX_GAPS", "Watermark"]

#: Seconds a skipped id is asked for again before it is taken as rolled back.
GAP_PATIENCE_SECONDS = 300.0
#: At most this many skipped ids are remembered (the newest); a sequence that jumps further (PostgreSQL
#: after a crash skips its cached values) leaves ids that never come.
MAX_GAPS = 2000


@dataclass
class Watermark:
    """The largest id read, and the skipped ids below it still awaited (id -> when first missed)."""

    high: int = 0
    gaps: dict[int, float] = field(default_factory=dict)

    @property
    def pending(self) -> tuple[int, ...]:
        return tuple(sorted(self.gaps))

    def advance(
        self,
        seen: Iterable[int],
        now: float,
        patience: float = GAP_PATIENCE_SECONDS,
        max_gaps: int = MAX_GAPS,
    ) -> None:
        """Take in the ids a refresh read (those above the mark and awaited ones that came)."""
        ids = sorted(set(seen))
        for i in ids:
            self.gaps.pop(i, None)
        fresh = [i for i in ids if i > self.high]
        if fresh:
            present = set(fresh)
            lowest = max(self.high + 1, fresh[-1] - 4 * max_gaps)
            for i in range(lowest, fresh[-1]):
                if i not in present:
                    self.gaps.setdefault(i, now)
            self.high = fresh[-1]
        for i, since in list(self.gaps.items()):
            if now - since > patience:
                del self.gaps[i]
        if len(self.gaps) > max_gaps:
            for i in sorted(self.gaps)[: len(self.gaps) - max_gaps]:
                del self.gaps[i]

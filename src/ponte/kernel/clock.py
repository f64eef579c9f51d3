"""The clock: timezone-aware UTC inside Ponte; pass a Clock where time matters to a rule."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that says what it is told (tests, replays, the batch's run date)."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("a clock keeps timezone-aware UTC times")
        self.at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self.at


def now() -> datetime:
    """Now, timezone-aware UTC."""
    return datetime.now(UTC)

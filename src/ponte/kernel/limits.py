"""The bounds every intake applies (API bodies, CSV and Parquet rows, console forms), in one place.

Money and quantities are exact decimals with a ceiling and a number of places; dates fall in a window a
business document can have; text carries no NUL or control characters (PostgreSQL refuses NUL, logs
and CSV exports must not be forged with line breaks). Each bound names its rule when it is broken.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

__all__ = [
    "EARLIEST",
    "MAX_AMOUNT",
    "Amount",
    "Moment",
    "Paragraph",
    "SingleLine",
    "check_moment",
    "check_text",
]

#: The largest amount Ponte takes in any currency (a trillion units; COP and CLP orders stay far below).
MAX_AMOUNT = Decimal("1000000000000")
#: Nothing Ponte handles happened before this (its oldest dated rules start in 2018).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
#: How far ahead a date may be (a delivery promise, an offer that opens next month).
HORIZON = timedelta(days=366)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_float(value: object) -> object:
    if isinstance(value, float):
        raise PydanticCustomError(
            "exact-decimal", "give amounts as decimal strings or exact JSON numbers, not binary floats"
        )
    return value


def _finite(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise PydanticCustomError("finite-number", "must be a finite number")
    return value


def check_text(value: str) -> str:
    """Text without NUL or control characters (tabs and line breaks are kept where a field allows)."""
    if _CONTROL.search(value):
        raise PydanticCustomError("no-control-characters", "must not contain NUL or control characters")
    return value


def check_moment(value: datetime) -> datetime:
    """A timezone-aware time between 2000-01-01 and a year from now, in UTC."""
    if value.tzinfo is None:
        raise PydanticCustomError("time-zone", "needs a time zone (e.g. 2026-11-11T00:00:00+08:00)")
    value = value.astimezone(UTC)
    if not EARLIEST <= value <= datetime.now(UTC) + HORIZON:
        raise PydanticCustomError(
            "date-window",
            "must be between {earliest} and a year from now",
            {"earliest": str(EARLIEST.date())},
        )
    return value


def _single_line(value: str) -> str:
    if "\n" in value or "\r" in value or "\t" in value:
        raise PydanticCustomError("one-line", "must be one line")
    return value


Amount = Annotated[
    Decimal,
    BeforeValidator(_no_float),
    Field(ge=0, le=MAX_AMOUNT, max_digits=19, decimal_places=6),
    AfterValidator(_finite),
]
Moment = Annotated[datetime, AfterValidator(check_moment)]


#: One line of text without control characters (names, references, address lines).
SingleLine = Annotated[str, AfterValidator(check_text), AfterValidator(_single_line)]
#: Text that may span lines, without other control characters (notes, descriptions).
Paragraph = Annotated[str, AfterValidator(check_text)]

"""The bounds every intake applies (API bodies, CSV and Parquet rows, console forms), in one place.

Money and quantities are exact decimals with a ceiling and a number of places; dates fall in a window a
business document can have; text carries no NUL or control characters (PostgreSQL refuses NUL, logs
and CSV exports must not be forged with line breaks). Each bound names its rule when it is broken.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from ponte.kernel.errors import ValidationError, Violation

__all__ = [
    "EARLIEST",
    "MAX_AMOUNT",
    "Amount",
    "Moment",
    "Paragraph",
    "SingleLine",
    "amount_violation",
    "check_moment",
    "check_text",
    "moment_violation",
    "parse_amount",
    "text_violation",
]

#: Places an amount may have (prices in the smallest units of any currency, weights to the gram and below).
AMOUNT_PLACES = 6
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


# The same bounds for intakes that do not go through a model (CSV columns, Parquet rows): each gives the
# violation naming the field and the rule, with the rule names the models give.


def amount_violation(
    value: Decimal | None, field: str, positive: bool = False, places: int = AMOUNT_PLACES
) -> Violation | None:
    """Why an exact amount is out of bounds (None: it is fine, or absent)."""
    if value is None:
        return None
    if not value.is_finite():
        return Violation(field, "finite-number", "must be a finite number")
    if value < 0 or (positive and value == 0):
        return Violation(field, "positive" if positive else "greater-than-equal", "must be above zero")
    if value > MAX_AMOUNT:
        return Violation(field, "less-than-equal", f"must be at most {MAX_AMOUNT:,}")
    exponent = value.as_tuple().exponent
    if (
        isinstance(exponent, int)
        and -exponent > places
        and value != value.quantize(Decimal(1).scaleb(-places))
    ):
        return Violation(field, "decimal-max-places", f"has more than {places} decimal places")
    return None


def parse_amount(text: str, field: str, positive: bool = False, places: int = AMOUNT_PLACES) -> Decimal:
    """An amount written in a file (``12.5`` or ``12,5``), exact, or an error naming ``field`` and the rule
    (``1e400``, ``NaN``, ``1e-400``, a negative or too many places are refused, never rounded)."""
    cleaned = text.strip().replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(f"{text!r} is not a number", field=field, rule="decimal") from None
    problem = amount_violation(number, field, positive, places)
    if problem is not None:
        raise ValidationError(f"{text!r} {problem.message}", field=field, rule=problem.rule)
    return number


def text_violation(value: str | None, field: str, single_line: bool = True) -> Violation | None:
    """Why text may not be stored (NUL or control characters; a line break where one line is expected)."""
    if not value:
        return None
    if _CONTROL.search(value):
        return Violation(field, "no-control-characters", "must not contain NUL or control characters")
    if single_line and ("\n" in value or "\r" in value or "\t" in value):
        return Violation(field, "one-line", "must be one line")
    return None


def moment_violation(value: datetime | None, field: str, now: datetime | None = None) -> Violation | None:
    """Why a time is outside the window a business document can have (2000-01-01 to a year ahead)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return Violation(field, "time-zone", "needs a time zone")
    if not EARLIEST <= value <= (now or datetime.now(UTC)) + HORIZON:
        return Violation(field, "date-window", f"must be between {EARLIEST.date()} and a year from now")
    return None

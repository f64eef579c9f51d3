"""Tracking events in, validated ONCE for every way they come (the API's JSON, a CSV file, a carrier feed).

Pure: each row is checked (subject, id, FSU code, time with its zone, IATA airport) and then, per subject, the
order of the new events after those already stored (``stored`` gives them); every violation names the row
(``events[i].at``, ``events[i].code``) and its rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from ponte.kernel.errors import ValidationError, Violation
from ponte.logistics.awb import AwbNumber
from ponte.logistics.errors import LogisticsError
from ponte.logistics.tracking import TrackingEvent, validate_order

__all__ = ["COLUMNS", "check_events"]

#: The columns of an events file (``source``, ``flight`` and ``detail`` are optional).
COLUMNS = ("subject", "id", "code", "at", "location")
_INDEX = re.compile(r"^events\[(\d+)\]")


def _time(value: object, field: str) -> datetime:
    if isinstance(value, datetime):
        at = value
    else:
        try:
            at = datetime.fromisoformat(str(value or "").strip())
        except ValueError:
            raise ValidationError(
                f"{value!r} is not an ISO 8601 time", field=field, rule=LogisticsError.ISO_DATETIME
            ) from None
    return at.astimezone(UTC) if at.tzinfo is not None else at


def _one(i: int, row: Mapping[str, object], default_source: str) -> TrackingEvent:
    f = f"events[{i}]"
    subject = str(row.get("subject") or "").strip().lower()
    ref = str(row.get("id") or "").strip()
    if not ref:
        raise ValidationError(
            "an event needs the id of its subject", field=f"{f}.id", rule=LogisticsError.REQUIRED
        )
    if subject == "awb":
        ref = str(AwbNumber.parse(ref, field=f"{f}.id"))
    return TrackingEvent.of(
        subject,
        ref,
        str(row.get("code") or "").strip().upper(),
        _time(row.get("at"), f"{f}.at"),
        str(row.get("location") or "").strip().upper(),
        field=f,
        source=str(row.get("source") or default_source).strip(),
        flight=str(row.get("flight") or "").strip(),
        detail=str(row.get("detail") or "").strip(),
    )


def check_events(
    rows: Sequence[Mapping[str, object]],
    stored: Callable[[str], Sequence[TrackingEvent]] = lambda _subject: (),
    default_source: str = "carrier",
) -> list[TrackingEvent]:
    """The rows as events, each valid and each subject's new events in order after its stored ones."""
    events: list[TrackingEvent] = []
    problems: list[Violation] = []
    for i, row in enumerate(rows):
        try:
            events.append(_one(i, row, default_source))
        except ValidationError as exc:
            problems += exc.violations
    if problems:
        raise ValidationError.of(problems)
    by_subject: dict[str, list[int]] = {}
    for i, ev in enumerate(events):
        by_subject.setdefault(ev.subject_id, []).append(i)
    for subject_id, indexes in by_subject.items():
        before = list(stored(subject_id))
        seen = {(e.code, e.at, e.location) for e in before}
        fresh = []
        for i in indexes:
            key = (events[i].code, events[i].at, events[i].location)
            if key not in seen:
                seen.add(key)
                fresh.append(i)
        try:
            validate_order([*before, *(events[i] for i in fresh)])
        except ValidationError as exc:
            for v in exc.violations:
                m = _INDEX.match(v.field)
                k = int(m.group(1)) if m else 0
                if k >= len(before):
                    note = f" (stored events of {subject_id} included)" if before else ""
                    problems.append(
                        Violation(
                            _INDEX.sub(f"events[{fresh[k - len(before)]}]", v.field), v.rule, v.message + note
                        )
                    )
    if problems:
        raise ValidationError.of(problems)
    return events

"""Keyset pagination on time-ordered ids: stable under inserts, no OFFSET scans."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

from ponte.kernel.errors import ValidationError

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    next_cursor: str | None


def encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": last_id}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        after = json.loads(base64.urlsafe_b64decode(padded.encode()))["after"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError("cursor is not one Ponte gave out", field="cursor", rule="cursor") from exc
    if not isinstance(after, str):
        raise ValidationError("cursor is not one Ponte gave out", field="cursor", rule="cursor")
    return after


def paginate(
    session: Session, query: Select[Any], id_column: Any, cursor: str | None, limit: int
) -> Page[Any]:
    """Keyset pagination on a time-ordered id: stable under inserts, no OFFSET scans."""
    if not 1 <= limit <= 500:
        raise ValidationError("limit must be between 1 and 500", field="limit", rule="range 1..500")
    after = decode_cursor(cursor)
    if after is not None:
        query = query.where(id_column > after)
    rows = list(session.scalars(query.order_by(id_column).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(rows[-1].id) if more and rows else None)

"""One landed-cost request quoted: the use case of ``ponte quote``, POST /api/v1/quotes and the console.

It needs only the duties core, the rules and an FX source, so a command that quotes one request starts
without the database, the batch path or the orders dataset (``ponte.duties.service`` re-exports it beside
the use cases that need those).
"""

from __future__ import annotations

from typing import Any

from ponte.duties.context import FxSource
from ponte.duties.engine import quote
from ponte.duties.model import parse_request
from ponte.duties.params import Rules

__all__ = ["quote_request"]


def quote_request(data: Any, *, rules: Rules, fx: FxSource | None) -> dict[str, Any]:
    """One JSON request validated and quoted: the JSON response (contract version 1)."""
    return quote(parse_request(data), rules, fx).as_dict()

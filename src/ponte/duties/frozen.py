"""A quote frozen with its order: the request, the response line by line with its legal basis, the
verdict and the versions of the rules used, as JSON the journey stores and shows later exactly as
quoted (pure).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ponte.duties.context import Quote
from ponte.duties.model import QuoteRequest
from ponte.duties.params import Rules

__all__ = ["FROZEN_VERSION", "FrozenQuote", "freeze"]

FROZEN_VERSION = "1"


@dataclass(frozen=True)
class FrozenQuote:
    order_id: str
    quoted_at: datetime
    status: str  # allowed | blocked | incomplete
    data: dict[str, Any]  # the whole frozen quote, JSON-ready

    def as_dict(self) -> dict[str, Any]:
        return self.data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FrozenQuote:
        """A stored frozen quote read back (nothing is recomputed)."""
        return cls(
            str(data["order_id"]),
            datetime.fromisoformat(str(data["quoted_at"])),
            str(data["verdict"]["status"]),
            data,
        )

    @property
    def reasons(self) -> list[dict[str, Any]]:
        return list(self.data["verdict"]["reasons"])


def _per_line(response: dict[str, Any], line_nos: list[int]) -> list[dict[str, Any]]:
    """The tax lines of each order line (a one-line order owns every tax line; otherwise the lines
    the engine computed for the whole order are listed under ``order``)."""
    out: list[dict[str, Any]] = [{"line_no": n, "lines": []} for n in line_nos]
    whole: list[dict[str, Any]] = []
    for ln in response["lines"]:
        item = ln.get("item")
        if len(line_nos) == 1:
            out[0]["lines"].append(ln)
        elif item is None:
            whole.append(ln)
        else:
            out[item]["lines"].append(ln)
    return [*out, {"line_no": None, "lines": whole}] if whole else out


def freeze(
    order_id: str,
    line_nos: list[int],
    request: QuoteRequest,
    quote: Quote,
    rules: Rules,
    quoted_at: datetime,
) -> FrozenQuote:
    response = quote.as_dict()
    status = quote.status
    data = {
        "version": FROZEN_VERSION,
        "order_id": order_id,
        "quoted_at": quoted_at.isoformat(),
        "request": request.model_dump(mode="json"),
        "response": response,
        "per_line": _per_line(response, line_nos),
        "verdict": {
            "status": status,
            "reasons": response["verdict"]["reasons"],
        },
        "rules": {
            "digest": rules.digest,
            "parameters": [
                {
                    "rule": r.name,
                    "in_force_from": r.start.isoformat(),
                    "in_force_until": r.end.isoformat() if r.end else None,
                    "reference": r.reference.key,
                }
                for r in sorted(quote.used, key=lambda r: r.name)
            ],
        },
    }
    return FrozenQuote(order_id, quoted_at, status, data)

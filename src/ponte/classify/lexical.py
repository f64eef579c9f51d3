"""The lexical matcher: a title's words, and the English words a glossary gives for zh-CN, pt-BR and es
product words, matched against the English HS 2022 texts, weighted by how rare each word is there.

This is the matcher Ponte used before the classifier (glossary + fuzzy matching), kept as one of the
signals the classifier fuses; it now works from an inverted index instead of scanning every text.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from ponte.classify.text import CJK, fold, words

__all__ = ["Glossary", "LexicalIndex", "LexicalMatch"]

_STOP = frozenset(
    [
        "and",
        "for",
        "the",
        "with",
        "of",
        "or",
        "other",
        "not",
        "than",
        "including",
        "excluding",
        "whether",
        "new",
        "set",
        "pro",
        "max",
        "mini",
        "kit",
        "pack",
        "com",
        "con",
        "para",
        "por",
        "de",
        "del",
        "la",
        "el",
        "los",
        "las",
        "das",
        "dos",
        "da",
        "do",
        "em",
        "en",
        "y",
        "e",
        "um",
        "una",
        "uno",
        "sem",
        "sin",
    ]
)


@dataclass(frozen=True, slots=True)
class LexicalMatch:
    index: int  # position of the subheading in the index's texts
    score: float  # share of the query's weight the text covers, 0..1
    words: tuple[str, ...]  # the query words it matched


class Glossary:
    """Product words in any of the four languages -> English words of the HS texts (longest terms first)."""

    def __init__(self, terms: dict[str, list[str]]) -> None:
        rows = [(fold(term), target) for target, ts in terms.items() for term in ts]
        rows.sort(key=lambda r: -len(r[0]))
        # a latin term matches as a whole word (plural too); a Chinese one anywhere (no spaces there).
        # Compiled once: the glossary has more terms than the re module caches.
        self.rows = [
            (
                term,
                tuple(words(target)),
                None if CJK.search(term) else re.compile(rf"(?<![a-z]){re.escape(term)}(?:s|es)?(?![a-z])"),
            )
            for term, target in rows
        ]
        self.targets = {w for _, target, _ in self.rows for w in target}

    def expand(self, title: str) -> tuple[list[str], list[str], bool]:
        """(English words from the glossary, the title's own remaining words, whether any term matched)."""
        folded = fold(title)
        found: list[str] = []
        for term, target, pattern in self.rows:
            hit = term in folded if pattern is None else pattern.search(folded) is not None
            if hit:
                found.extend(target)
                folded = folded.replace(term, " ")
        own = [w for w in words(folded) if len(w) > 2 and w not in _STOP and not w[0].isdigit()]
        return found, own, bool(found)


class LexicalIndex:
    def __init__(self, texts: Sequence[str], glossary: Glossary) -> None:
        self.glossary = glossary
        self.lengths = [len(t) for t in texts]
        postings: dict[str, set[int]] = defaultdict(set)
        for i, text in enumerate(texts):
            for w in set(words(text)):
                postings[w].add(i)
        n = len(texts)
        self.postings = dict(postings)
        self.idf = {w: math.log(n / (1 + len(p))) + 1 for w, p in postings.items()}
        self._by_prefix: dict[str, list[str]] = defaultdict(list)
        for w in self.postings:
            self._by_prefix[w[:3]].append(w)
        self._forms: dict[str, tuple[str, ...]] = {}

    def _matches(self, word: str) -> tuple[str, ...]:
        """The nomenclature's words a query word stands for: itself, its plural, or a shared stem."""
        if word in self._forms:
            return self._forms[word]
        if len(word) <= 5:
            forms = {word, word + "s", word + "es", word.rstrip("s")}
            out = tuple(v for v in forms if v in self.postings)
        else:
            stem = word[: len(word) - 2]
            out = tuple(
                v
                for v in self._by_prefix.get(word[:3], ())
                if v.startswith(stem) or fuzz.ratio(word, v) >= 88
            )
        self._forms[word] = out
        return out

    def query_words(self, title: str, lang: str) -> list[str]:
        found, own, hit = self.glossary.expand(title)
        if hit and lang != "en":  # the glossary understood the title; its other words are not English
            own = [w for w in own if w in self.glossary.targets]
        elif lang == "zh-CN":
            own = []
        return list(dict.fromkeys(found + own))

    def search(self, title: str, lang: str, limit: int = 30) -> list[LexicalMatch]:
        query = self.query_words(title, lang)
        if not query:
            return []
        forms = {w: self._matches(w) for w in query}
        weight = {w: max((self.idf[v] for v in vs), default=0.0) for w, vs in forms.items()}
        total = sum(weight.values()) or 1.0
        got: dict[int, float] = defaultdict(float)
        hits: dict[int, list[str]] = defaultdict(list)
        for w, vs in forms.items():
            docs: set[int] = set()
            for v in vs:
                docs |= self.postings[v]
            for i in docs:
                got[i] += weight[w]
                hits[i].append(w)
        ranked = sorted(got, key=lambda i: (-got[i], self.lengths[i], i))[:limit]
        return [LexicalMatch(i, got[i] / total, tuple(hits[i])) for i in ranked]

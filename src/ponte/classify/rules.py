"""The rule layer: what the General Rules of Interpretation and the Section notes say about a title
(a set put up for retail sale, a part, the material or the fibre, knitted or woven), how that reweighs the
candidates, and which facts to ask for when the title does not say (pure; the cues are data in
``data/rules.yaml``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ponte.classify.text import CJK, fold

__all__ = ["Facts", "Rules"]


@dataclass(frozen=True)
class Facts:
    """What the title tells the rules."""

    is_set: bool = False
    is_part: bool = False
    materials: tuple[str, ...] = ()  # kinds of data/rules.yaml, e.g. ("cotton",)
    material_words: tuple[str, ...] = ()  # as written in the title
    construction: str | None = None  # knitted | woven
    construction_word: str | None = None
    questions: list[str] = field(default_factory=list)


def _cue(pattern_words: list[str]) -> re.Pattern[str]:
    """Any of the words; a latin word only as a whole word (a Chinese one anywhere: no spaces there)."""
    folded = sorted((fold(w) for w in pattern_words), key=len, reverse=True)
    parts = [re.escape(w) if CJK.search(w) else rf"(?<![a-z]){re.escape(w)}(?![a-z])" for w in folded]
    return re.compile("(" + "|".join(parts) + ")")


_EXCEPT = re.compile(r"\((?:other than|excluding|not)[^)]*\)|(?:other than|excluding) [^,;()]+")


class Rules:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.source: str = data["source"]
        self._set = {lang: _cue(ws) for lang, ws in data["set"]["cues"].items()}
        self._part = {lang: _cue(ws) for lang, ws in data["part"]["cues"].items()}
        self.part_text: list[str] = data["part"]["text"]
        self.part_boost = float(data["part"]["boost"])
        con = data["construction"]
        self._knit = {lang: _cue(ws) for lang, ws in con["knitted"]["cues"].items()}
        self._woven = {lang: _cue(ws) for lang, ws in con["woven"]["cues"].items()}
        self.construction_boost = float(con["boost"])
        mats = data["materials"]
        self.material_boost, self.material_penalty = float(mats["boost"]), float(mats["penalty"])
        self.kinds: dict[str, dict[str, Any]] = mats["kinds"]
        self._materials = {
            (kind, lang): _cue(ws) for kind, spec in self.kinds.items() for lang, ws in spec["cues"].items()
        }

    def facts(self, title: str, lang: str) -> Facts:
        folded = fold(title)
        langs = {lang, "en"}  # English words turn up in titles of every language (kit, set, PVC)
        is_set = any(p.search(folded) for lg, p in self._set.items() if lg in langs)
        is_part = any(p.search(folded) for lg, p in self._part.items() if lg in langs)
        found: dict[str, str] = {}
        for (kind, lg), p in self._materials.items():
            if lg in langs and kind not in found and (m := p.search(folded)):
                found[kind] = m.group(1)
        construction, word = None, None
        for name, cues in (("woven", self._woven), ("knitted", self._knit)):
            for lg, p in cues.items():
                if lg in langs and (m := p.search(folded)):
                    construction, word = name, m.group(1)
                    break
            if construction:
                break
        return Facts(is_set, is_part, tuple(found), tuple(found.values()), construction, word)

    def weight(self, facts: Facts, text: str) -> float:
        """The factor the rules put on a candidate whose HS text is ``text`` (1 when they say nothing)."""
        t = _EXCEPT.sub(" ", text.lower())  # "of textile materials (other than cotton)" is not of cotton
        factor = 1.0
        if facts.is_part and any(w in t for w in self.part_text):
            factor *= 1 + self.part_boost
        for kind in facts.materials:
            spec = self.kinds[kind]
            if any(w in t for w in spec["text"]):
                factor *= 1 + self.material_boost
            else:
                rivals = [k for k, s in self.kinds.items() if s["family"] == spec["family"] and k != kind]
                if any(w in t for k in rivals for w in self.kinds[k]["text"]):
                    factor *= 1 - self.material_penalty
        raw = text.lower()
        if facts.construction and "knitted or crocheted" in raw:
            knitted = "not knitted" not in raw and "(not printed, knitted" not in raw
            agrees = knitted == (facts.construction == "knitted")
            factor *= (1 + self.construction_boost) if agrees else (1 - self.construction_boost)
        return factor

    def questions(self, facts: Facts, texts: list[str]) -> list[str]:
        """Message keys of the facts that would decide between the leading candidates' texts."""
        lowered = [t.lower() for t in texts]
        asks = []
        if facts.is_set:
            asks.append("ask_set")
        materials_differ = (
            len({tuple(w in t for s in self.kinds.values() for w in s["text"]) for t in lowered}) > 1
        )
        if not facts.materials and materials_differ:
            asks.append("ask_material")
        if not facts.is_part and any(any(w in t for w in self.part_text) for t in lowered):
            asks.append("ask_part")
        if not facts.construction and any("knitted or crocheted" in t for t in lowered):
            asks.append("ask_construction")
        return asks or ["ask_use"]

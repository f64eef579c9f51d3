"""The classifier: ranked HS 2022 subheadings for a title, each with a confidence and its reasons.

Four signals, fused:

- **examples**: the nearest labelled titles (Ponte's examples, the tenant's own confirmed classifications
  and those other tenants chose to share) vote for their subheadings, weighted by similarity;
- **HS texts**: the title's similarity to the English texts of every subheading and heading (the sentence
  encoder is multilingual, so a Chinese, Portuguese or Spanish title meets the English text directly);
- **words**: the lexical matcher (glossary + the rare words of the HS texts);
- **rules**: what the General Rules of Interpretation decide (sets, parts, material, knitted or woven).

Pure: the encoder and the index are passed in; nothing here reads a database or the clock.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from ponte.classify.encoder import Encoder
from ponte.classify.explain import Messages, Reason
from ponte.classify.knowledge import Example, Index, Knowledge, fingerprint
from ponte.classify.lexical import Glossary, LexicalIndex
from ponte.classify.rules import Facts, Rules
from ponte.classify.text import check_title
from ponte.reference import hs

__all__ = ["Classification", "Classifier", "Signals", "Suggestion", "TenantExamples", "Weights"]


@dataclass(frozen=True)
class Weights:
    """How much each signal counts. Chosen on the dev split of the evaluation set by bench/hs_tune.py
    (never on the test split); only the ratios of examples, texts, headings and words matter."""

    examples: float = 0.5
    texts: float = 0.1
    headings: float = 0.1
    words: float = 0.5
    neighbours: int = 12
    floor: float = 0.3  # similarities below this give no vote
    temperature: float = 0.04  # softmax temperature over the HS text similarities
    own: float = 1.5  # a tenant's own confirmed title counts this much more than a public example
    low: float = 0.4  # below this confidence a suggestion says it is unsure and asks
    hierarchy: float = 0.0  # how much a heading's summed evidence lifts each of its subheadings (0 on dev)
    # prior from the examples: a candidate whose heading (chapter) no example has is scaled by this
    unseen_heading: float = 0.5
    unseen_chapter: float = 0.2


@dataclass(frozen=True)
class Signals:
    """What each signal says about a title: candidate subheading -> share (headings: heading -> share)."""

    examples: dict[str, float]
    texts: dict[str, float]
    headings: dict[str, float]
    words: dict[str, float]
    why: dict[str, list[Reason]]
    facts: Facts


@dataclass(frozen=True)
class TenantExamples:
    """Confirmed titles a tenant may learn from: its own and the shared ones of other tenants."""

    examples: list[Example]
    vectors: np.ndarray  # one unit row per example

    @classmethod
    def empty(cls) -> TenantExamples:
        return cls([], np.zeros((0, 512), dtype=np.float32))


@dataclass(frozen=True)
class Suggestion:
    code: str  # HS 2022 subheading, 6 digits
    heading: str
    description: str  # the HS 2022 text (English: the only language the nomenclature ships in)
    chapter_label: str  # in the seller's language
    confidence: float  # 0..1, the share of the fused score
    reasons: list[Reason]
    national: dict[str, str | None] = field(default_factory=dict)  # market -> code, None when unknown


@dataclass(frozen=True)
class Classification:
    title: str
    lang: str
    suggestions: list[Suggestion]
    low_confidence: bool
    questions: list[str]  # in the seller's language
    notes: list[str]  # rule and confidence notes, in the seller's language


class Classifier:
    def __init__(
        self,
        knowledge: Knowledge,
        encoder: Encoder,
        index: Index | None = None,
        weights: Weights | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.encoder = encoder
        self.weights = weights or Weights()
        self.messages = Messages(knowledge.messages)
        self.rules = Rules(knowledge.rules)
        self.subs = knowledge.subheadings
        self.sub_codes = [s.code for s in self.subs]
        self.head_pos = {h.code: i for i, h in enumerate(knowledge.headings)}
        self.lexical = LexicalIndex([s.text for s in self.subs], Glossary(knowledge.terms))
        expected = fingerprint(encoder.model_id, knowledge.texts())
        if index is None or index.fingerprint != expected:
            index = self.build_index()
        self.index = index
        self.example_codes = np.array([e.hs6 for e in knowledge.examples])
        self._texts: dict[str, str] = {}
        self.seen_headings = {e.hs6[:4] for e in knowledge.examples}
        self.seen_chapters = {e.hs6[:2] for e in knowledge.examples}

    def build_index(self) -> Index:
        """Encode every text of the knowledge (a minute on a laptop; shipped prebuilt in data/index.npz)."""
        k = self.knowledge
        vectors = self.encoder.encode(k.texts())
        n, m = len(k.subheadings), len(k.headings)
        return Index(
            vectors[:n], vectors[n : n + m], vectors[n + m :], fingerprint(self.encoder.model_id, k.texts())
        )

    def encode(self, titles: list[str]) -> np.ndarray:
        return self.encoder.encode(titles)

    def signals(self, text: str, tag: str, q: np.ndarray, tenant: TenantExamples | None = None) -> Signals:
        """Each signal's share per candidate subheading, before fusion (cached by the tuning bench)."""
        w = self.weights
        why: dict[str, list[Reason]] = defaultdict(list)

        # examples vote
        pool = self.index.examples
        examples: list[Example] = self.knowledge.examples
        boost = np.ones(len(examples), dtype=np.float32)
        if tenant is not None and tenant.examples:
            pool = np.vstack([pool, tenant.vectors])
            examples = examples + tenant.examples
            boost = np.concatenate([boost, np.full(len(tenant.examples), w.own, dtype=np.float32)])
        sims = pool @ q
        k = min(w.neighbours, len(sims))
        near = np.argpartition(-sims, k - 1)[:k] if k else np.zeros(0, dtype=np.int64)
        top = near[np.argsort(-sims[near], kind="stable")]
        votes: dict[str, float] = defaultdict(float)
        best: dict[str, int] = {}
        for i in top:
            s = float(sims[i])
            if s < w.floor:
                continue
            votes[examples[i].hs6] += ((s - w.floor) ** 2) * float(boost[i])
            best.setdefault(examples[i].hs6, int(i))
        total = sum(votes.values())
        shares = {code: v / total for code, v in votes.items()}
        for code in votes:
            e = examples[best[code]]
            key = "tenant" if e.source == "tenant" else "example"
            why[code].append(self.messages.reason(key, tag, title=e.title, source=e.source))

        # HS texts: subheadings, and the heading each belongs to
        sub_sims = self.index.subheadings @ q
        head_sims = self.index.headings @ q
        best_subs = np.argpartition(-sub_sims, 30)[:30]
        soft = np.exp((sub_sims[best_subs] - sub_sims[best_subs].max()) / w.temperature)
        soft /= soft.sum()
        texts = {self.sub_codes[i]: float(p) for i, p in zip(best_subs, soft, strict=True)}
        best_heads = np.argpartition(-head_sims, 10)[:10]
        hsoft = np.exp((head_sims[best_heads] - head_sims[best_heads].max()) / w.temperature)
        hsoft /= hsoft.sum()
        heading_share = {
            self.knowledge.headings[i].code: float(p) for i, p in zip(best_heads, hsoft, strict=True)
        }

        # words
        lexical: dict[str, float] = defaultdict(float)
        matches = self.lexical.search(text, tag)
        if matches:
            top_lex = matches[0].score or 1.0
            for m in matches:
                code = self.sub_codes[m.index]
                lexical[code] += m.score / top_lex / len(matches) ** 0.5
                why[code].append(self.messages.reason("words", tag, words=", ".join(m.words)))
        return Signals(shares, texts, heading_share, dict(lexical), why, self.rules.facts(text, tag))

    def fuse(self, sig: Signals) -> dict[str, float]:
        """The fused score of every candidate: the weighted signals, the heading they add up to, the rules."""
        w = self.weights
        scores: dict[str, float] = defaultdict(float)
        for code, v in sig.examples.items():
            scores[code] += w.examples * v
        for code, v in sig.texts.items():
            scores[code] += w.texts * v
        for code, v in sig.words.items():
            scores[code] += w.words * v
        # a heading the title resembles lifts its subheadings already in the running
        for code in scores:
            scores[code] += w.headings * sig.headings.get(code[:4], 0.0)
        # hierarchical: the evidence for a heading, summed over its subheadings, lifts each of them
        if w.hierarchy:
            per_heading: dict[str, float] = defaultdict(float)
            for code, v in scores.items():
                per_heading[code[:4]] += v
            for code in scores:
                scores[code] += w.hierarchy * per_heading[code[:4]]
        for code in scores:
            scores[code] *= self.rules.weight(sig.facts, self._text(code)) * self.prior(code)
        return scores

    def prior(self, code: str) -> float:
        """Goods sold along the corridor come from the headings the examples cover; raw materials rarely."""
        if code[:4] in self.seen_headings:
            return 1.0
        w = self.weights
        return w.unseen_heading if code[:2] in self.seen_chapters else w.unseen_chapter

    def _text(self, code: str) -> str:
        text = self._texts.get(code)
        if text is None:
            text = self._texts[code] = hs.lookup(code).description
        return text

    def classify(
        self,
        title: str,
        lang: str | None = None,
        limit: int = 5,
        tenant: TenantExamples | None = None,
        vector: np.ndarray | None = None,
    ) -> Classification:
        # one BLAS thread: a title is a few small matrix products, and more threads only wait for each
        # other when the cores are busy (measured on a loaded 2-core machine: 4 ms CPU against 23 ms)
        with threadpool_limits(limits=1, user_api="blas"):
            return self._classify(title, lang, limit, tenant, vector)

    def _classify(
        self,
        title: str,
        lang: str | None,
        limit: int,
        tenant: TenantExamples | None,
        vector: np.ndarray | None,
    ) -> Classification:
        text, tag = check_title(title, lang)
        q = vector if vector is not None else self.encoder.encode([text])[0]
        sig = self.signals(text, tag, q, tenant)
        scores = self.fuse(sig)
        w = self.weights
        ranked = sorted(scores, key=lambda c: (-scores[c], c))
        grand = sum(scores[c] for c in ranked[:10]) or 1.0
        out = [self._suggestion(c, scores[c] / grand, self._text(c), tag, sig.why[c]) for c in ranked[:limit]]
        facts = sig.facts
        low = not out or out[0].confidence < w.low
        questions = self.rules.questions(facts, [s.description for s in out[:3]]) if low else []
        notes = self._notes(facts, tag) + ([self.messages.text("low", tag)] if low else [])
        return Classification(text, tag, out, low, [self.messages.text(q, tag) for q in questions], notes)

    def _suggestion(
        self, code: str, confidence: float, text: str, lang: str, why: list[Reason]
    ) -> Suggestion:
        chapter = code[:2]
        label = hs.label(chapter, lang)
        reasons = [*why[:2]]
        reasons.append(
            self.messages.reason("heading", lang, code=code, chapter=chapter, label=label, text=text)
        )
        return Suggestion(code, code[:4], text, label, round(confidence, 4), reasons)

    def _notes(self, facts: Facts, lang: str) -> list[str]:
        notes = []
        if facts.is_set:
            notes.append(self.messages.text("set", lang))
        if facts.is_part:
            notes.append(self.messages.text("part", lang))
        if facts.materials:
            notes.append(self.messages.text("material", lang, material=", ".join(facts.material_words)))
        if facts.construction:
            notes.append(self.messages.text("construction", lang, construction=facts.construction_word or ""))
        return notes

"""Choose the classifier's fusion weights on the dev split of the evaluation set (never on the test split).

    python bench/hs_tune.py            # grid over the fusion weights, best settings first
    python bench/hs_tune.py --top 20

The signals of every dev title are computed once per setting of the signal parameters (neighbours, floor,
temperature); the fusion weights (examples, texts, headings, words, hierarchy) are then searched over the
cached signals. The objective is the mean of top-1 and top-3 at six digits and top-3 at four digits, the
figures the aims are set on. The chosen weights go into ``Weights`` in src/ponte/classify/core.py by
hand, and bench/hs.py then reports them once on the test split.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from ponte.classify.core import Classifier, Signals, Weights  # noqa: E402
from ponte.classify.encoder import UseEncoder  # noqa: E402
from ponte.classify.knowledge import Index, load_knowledge  # noqa: E402
from ponte.classify.text import check_title  # noqa: E402

EVAL = HERE.parent / "tests" / "classify" / "data" / "eval.csv"
LANGS = ("zh-CN", "en", "pt-BR", "es")


def dev_titles() -> list[tuple[str, str]]:
    lines = [line for line in EVAL.open(encoding="utf-8") if not line.startswith("#")]
    return [(r[lang], r["hs6"]) for r in csv.DictReader(lines) if r["split"] == "dev" for lang in LANGS]


class Table:
    """Every candidate of every dev title as rows of numbers, so a setting of the weights is a few array
    operations (the same formula as ``Classifier.fuse``, held equal to it on the current weights)."""

    def __init__(self, classifier: Classifier, cached: list[tuple[Signals, str]]) -> None:
        rows, feats, factor, truth6, truth4, codes, level = [], [], [], [], [], [], []
        for t, (sig, truth) in enumerate(cached):
            for code in set(sig.examples) | set(sig.texts) | set(sig.words):
                rows.append(t)
                feats.append(
                    [
                        sig.examples.get(code, 0.0),
                        sig.texts.get(code, 0.0),
                        sig.headings.get(code[:4], 0.0),
                        sig.words.get(code, 0.0),
                    ]
                )
                factor.append(classifier.rules.weight(sig.facts, classifier._text(code)))
                level.append(
                    0
                    if code[:4] in classifier.seen_headings
                    else 1
                    if code[:2] in classifier.seen_chapters
                    else 2
                )
                truth6.append(code == truth)
                truth4.append(code[:4] == truth[:4])
                codes.append(code)
        self.n = len(cached)
        self.title = np.array(rows)
        self.feats = np.array(feats)
        self.factor = np.array(factor)
        self.level = np.array(level)
        self.hit6 = np.array(truth6)
        self.hit4 = np.array(truth4)
        keys = [f"{t}:{c[:4]}" for t, c in zip(rows, codes, strict=True)]
        _, self.group = np.unique(keys, return_inverse=True)
        self.code_rank = np.argsort(np.argsort(np.array(codes)))  # ties break by code, as in classify

    def figures(self, w: Weights) -> tuple[float, float, float, float]:
        base = self.feats @ np.array([w.examples, w.texts, w.headings, w.words])
        if w.hierarchy:
            base = base + w.hierarchy * np.bincount(self.group, weights=base)[self.group]
        score = base * self.factor * np.array([1.0, w.unseen_heading, w.unseen_chapter])[self.level]
        order = np.lexsort((self.code_rank, -score, self.title))
        title = self.title[order]
        first = np.r_[0, np.flatnonzero(np.diff(title)) + 1]
        rank = np.arange(len(order)) - np.repeat(first, np.diff(np.r_[first, len(order)]))
        top1, top3 = order[rank == 0], order[rank < 3]
        n = self.n
        return (
            self.hit6[top1].sum() / n,
            self.hit6[top3].sum() / n,
            self.hit4[top1].sum() / n,
            len(set(self.title[top3][self.hit4[top3]])) / n,
        )


def figures(classifier: Classifier, cached: list[tuple[Signals, str]]) -> tuple[float, float, float, float]:
    t1 = t3 = h1 = h3 = 0
    for sig, truth in cached:
        scores = classifier.fuse(sig)
        ranked = sorted(scores, key=lambda c: (-scores[c], c))[:3]
        heads = [c[:4] for c in ranked]
        t1 += ranked[:1] == [truth]
        t3 += truth in ranked
        h1 += heads[:1] == [truth[:4]]
        h3 += truth[:4] in heads
    n = len(cached)
    return t1 / n, t3 / n, h1 / n, h3 / n


def cached_for(
    classifier: Classifier, checked: list[tuple[str, str]], vectors: np.ndarray, data: list[tuple[str, str]]
) -> list[tuple[Signals, str]]:
    return [
        (classifier.signals(text, tag, q), truth)
        for (text, tag), q, (_, truth) in zip(checked, vectors, data, strict=True)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    classifier = Classifier(load_knowledge(), UseEncoder(), Index.load())
    data = dev_titles()
    checked = [check_title(title) for title, _ in data]
    vectors = classifier.encode([text for text, _ in checked])
    base = classifier.weights
    cached = cached_for(classifier, checked, vectors, data)
    now = figures(classifier, cached)
    same = Table(classifier, cached).figures(base)
    assert np.allclose(now, same), (now, same)  # the array formula is the classifier's
    print(f"dev split, {len(data)} titles; current weights: " + " ".join(f"{v:.1%}" for v in now))
    results = []
    for neighbours, floor, temperature in itertools.product((12, 20), (0.2, 0.3), (0.04,)):
        classifier.weights = replace(base, neighbours=neighbours, floor=floor, temperature=temperature)
        table = Table(classifier, cached_for(classifier, checked, vectors, data))
        for ex, tx, hd, wd, hi in itertools.product(
            (0.2, 0.3, 0.5, 0.8),
            (0.1, 0.25, 0.4),
            (0.0, 0.1, 0.25),
            (0.1, 0.2, 0.3, 0.5),
            (0.0, 0.3, 0.6, 1.0),
        ):
            w = replace(classifier.weights, examples=ex, texts=tx, headings=hd, words=wd, hierarchy=hi)
            for uh, uc in ((1.0, 1.0), (0.7, 0.4), (0.5, 0.2), (0.8, 0.1)):
                wp = replace(w, unseen_heading=uh, unseen_chapter=uc)
                fig = table.figures(wp)
                results.append(((fig[0] + fig[1] + fig[3]) / 3, fig, wp))
        sys.stderr.write(f"neighbours {neighbours} floor {floor} temperature {temperature} done\n")
    results.sort(key=lambda r: -r[0])
    for objective, fig, w in results[: args.top]:
        print(
            f"{objective:.3f}  top1-6 {fig[0]:.1%} top3-6 {fig[1]:.1%} top1-4 {fig[2]:.1%} top3-4 {fig[3]:.1%}  "
            f"n={w.neighbours} floor={w.floor} T={w.temperature} ex={w.examples} tx={w.texts} "
            f"hd={w.headings} wd={w.words} hi={w.hierarchy} uh={w.unseen_heading} uc={w.unseen_chapter}"
        )


if __name__ == "__main__":
    with threadpool_limits(limits=1, user_api="blas"):  # as Classifier.classify runs
        main()

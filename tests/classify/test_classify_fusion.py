"""How the classifier fuses its signals: the examples' prior over headings, the hierarchy of the codes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ponte.classify.core import Classifier, Signals
from ponte.classify.rules import Facts
from ponte.classify.service import Engine


def _signals(texts: dict[str, float]) -> Signals:
    return Signals(examples={}, texts=texts, headings={}, words={}, why={}, facts=Facts())


def test_a_heading_no_example_has_weighs_less_than_one_the_examples_cover(engine: Engine) -> None:
    classifier: Classifier = engine.classifier
    seen = "732393"  # stainless steel kitchenware: goods Ponte's sellers list
    unseen = "722300"  # stainless steel wire: a raw material no example is
    assert seen[:4] in classifier.seen_headings and unseen[:2] not in classifier.seen_chapters
    w = classifier.weights
    assert w.unseen_chapter < 1.0
    scores = classifier.fuse(_signals({seen: 0.5, unseen: 0.5}))
    assert scores[seen] > scores[unseen]
    assert scores[unseen] / scores[seen] == pytest.approx(w.unseen_chapter)
    # the prior is only a weight: strong enough evidence still wins for the raw material
    scores = classifier.fuse(_signals({seen: 0.05, unseen: 0.95}))
    assert scores[unseen] > scores[seen]


def test_the_evidence_for_a_heading_lifts_each_of_its_subheadings(engine: Engine) -> None:
    classifier: Classifier = engine.classifier
    base = classifier.weights
    # 6109.10 and 6109.90 share a heading; 6110.20 stands alone with a little more evidence
    signals = _signals({"610910": 0.3, "610990": 0.3, "611020": 0.4})
    try:
        classifier.weights = replace(base, hierarchy=0.0)
        flat = classifier.fuse(signals)
        classifier.weights = replace(base, hierarchy=1.0)
        lifted = classifier.fuse(signals)
    finally:
        classifier.weights = base
    assert max(flat, key=lambda c: flat[c]) == "611020"
    assert max(lifted, key=lambda c: lifted[c]) in {"610910", "610990"}

"""What the classifier knows, as data shipped with Ponte: the HS 2022 texts, the labelled example titles,
the glossary, the rules of interpretation and the messages; and the encoded index of all of them.

The index (``data/index.npz``) holds the sentence vectors of every text, built once by
``python -m ponte.classify.build`` and shipped, because encoding the 6,800 HS texts takes a minute. It
carries the fingerprint of the texts and model it was built from; a stale index is refused.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from importlib import resources

import numpy as np

from ponte.kernel import package_data
from ponte.kernel.languages import LANGUAGES
from ponte.reference import hs

__all__ = ["Example", "HsText", "Index", "Knowledge", "fingerprint", "load_examples", "load_knowledge"]

PACKAGE = "ponte.classify"


@dataclass(frozen=True, slots=True)
class Example:
    """A labelled title: one language of one product."""

    product: str
    hs6: str
    lang: str
    title: str
    category: str
    kind: str
    source: str  # a key of data/sources.yaml, e.g. hs2022 or cbp:N326692
    tenant_id: str | None = None  # set for a tenant's own confirmed classification


@dataclass(frozen=True, slots=True)
class HsText:
    code: str  # 6-digit subheading or 4-digit heading
    text: str


def _csv(text: str) -> list[dict[str, str]]:
    return list(
        csv.DictReader(
            io.StringIO("".join(line for line in text.splitlines(True) if not line.startswith("#")))
        )
    )


def load_examples(text: str | None = None) -> list[Example]:
    """The example products of ``data/examples.csv`` (or of ``text`` in that format), a row per language."""
    rows = _csv(text if text is not None else package_data.text(PACKAGE, "examples.csv"))
    return [
        Example(r["product"], r["hs6"], lang, r[lang], r["category"], r["kind"], r["source"])
        for r in rows
        for lang in LANGUAGES
    ]


@dataclass(frozen=True)
class Knowledge:
    subheadings: list[HsText]
    headings: list[HsText]
    examples: list[Example]
    terms: dict[str, list[str]]
    rules: dict[str, object]
    messages: dict[str, dict[str, str]]
    sources: dict[str, dict[str, str]]

    def texts(self) -> list[str]:
        """Every encoded text, in index order: subheadings, headings, examples."""
        return (
            [t.text for t in self.subheadings]
            + [t.text for t in self.headings]
            + [e.title for e in self.examples]
        )


def load_knowledge() -> Knowledge:
    subs = [HsText(e.code, e.description) for e in hs.subheadings()]
    heads = [HsText(code, hs.lookup(code).description) for code in sorted({s.code[:4] for s in subs})]
    return Knowledge(
        subheadings=subs,
        headings=heads,
        examples=load_examples(),
        terms=package_data.load_yaml(PACKAGE, "hs_terms.yaml")["terms"],
        rules=package_data.load_yaml(PACKAGE, "rules.yaml"),
        messages=package_data.load_yaml(PACKAGE, "messages.yaml")["messages"],
        sources=package_data.load_yaml(PACKAGE, "sources.yaml")["sources"],
    )


def fingerprint(model_id: str, texts: list[str]) -> str:
    digest = hashlib.sha256(model_id.encode())
    for t in texts:
        digest.update(b"\x00" + t.encode("utf-8"))
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class Index:
    """Unit vectors (float32) of the subheadings, the headings and the examples."""

    subheadings: np.ndarray
    headings: np.ndarray
    examples: np.ndarray
    fingerprint: str

    @classmethod
    def load(cls) -> Index | None:
        path = resources.files(PACKAGE).joinpath("data").joinpath("index.npz")
        if not path.is_file():
            return None
        with path.open("rb") as f, np.load(f, allow_pickle=False) as z:
            return cls(
                z["subheadings"].astype(np.float32),
                z["headings"].astype(np.float32),
                z["examples"].astype(np.float32),
                str(z["fingerprint"]),
            )

    def save(self, path: str) -> None:
        np.savez_compressed(
            path,
            subheadings=self.subheadings.astype(np.float16),
            headings=self.headings.astype(np.float16),
            examples=self.examples.astype(np.float16),
            fingerprint=np.array(self.fingerprint),
        )

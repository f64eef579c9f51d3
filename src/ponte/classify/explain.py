"""Why a code was suggested, said in the seller's language (texts in ``data/messages.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ponte.kernel.languages import LANGUAGES

__all__ = ["Messages", "Reason"]


@dataclass(frozen=True, slots=True)
class Reason:
    kind: str  # example | tenant | heading | words
    text: str  # in the seller's language
    detail: dict[str, str]  # the parts of the text: the example title and its source, the code ...

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, **self.detail}


class Messages:
    def __init__(self, texts: dict[str, dict[str, str]]) -> None:
        missing = [f"{key}.{lang}" for key, by in texts.items() for lang in LANGUAGES if lang not in by]
        if missing:
            raise ValueError(f"classify/data/messages.yaml lacks {', '.join(missing)}")
        self.texts = texts

    def text(self, key: str, lang: str, **values: str) -> str:
        return self.texts[key][lang].format(**values)

    def reason(self, key: str, lang: str, **values: str) -> Reason:
        return Reason(key, self.text(key, lang, **values), {k: str(v) for k, v in values.items()})

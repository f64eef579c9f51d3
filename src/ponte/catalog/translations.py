"""Texts in zh-CN, en, pt-BR and es; a missing language falls back visibly, never silently."""

from __future__ import annotations

from dataclasses import dataclass

from ponte.kernel.errors import ValidationError
from ponte.kernel.languages import LANGUAGES, check_language

__all__ = ["FALLBACK", "LANGUAGES", "Localized", "check_language", "localize", "missing"]

# Portuguese and Spanish readers are served the sibling language before English.
FALLBACK: dict[str, tuple[str, ...]] = {
    "zh-CN": ("en", "pt-BR", "es"),
    "en": ("zh-CN", "pt-BR", "es"),
    "pt-BR": ("es", "en", "zh-CN"),
    "es": ("pt-BR", "en", "zh-CN"),
}


@dataclass(frozen=True)
class Localized:
    text: str
    lang: str  # the language the text is really in
    requested: str

    @property
    def is_fallback(self) -> bool:
        return self.lang != self.requested

    @property
    def display(self) -> str:
        """The text, marked with its language when it is not the one asked for."""
        return f"[{self.lang}] {self.text}" if self.is_fallback else self.text


def localize(texts: dict[str, str], lang: str, field: str = "titles") -> Localized:
    """The text in `lang`, or the first fallback that exists, saying which language it is."""
    check_language(lang)
    for candidate in (lang, *FALLBACK[lang]):
        value = (texts.get(candidate) or "").strip()
        if value:
            return Localized(value, candidate, lang)
    raise ValidationError("no text in any language", field=field, rule="one-language-at-least")


def missing(texts: dict[str, str]) -> list[str]:
    """Languages without a text (shown to the seller as work to do)."""
    return [lang for lang in LANGUAGES if not (texts.get(lang) or "").strip()]

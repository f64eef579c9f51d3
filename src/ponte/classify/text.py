"""Text of a title: folding, the language it is written in, its words (pure)."""

from __future__ import annotations

import re
import unicodedata

from ponte.kernel.errors import ValidationError
from ponte.kernel.languages import Language, check_language

__all__ = ["MAX_TITLE", "check_title", "detect_language", "fold", "words"]

MAX_TITLE = 300
CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")
_PT = re.compile(
    r"ção|ções|ã|õ|ê|\b(com|para o|para a|de cabelo|sem|unidades|peças|tamanho|feminin[oa]|masculin[oa])\b"
)
_ES = re.compile(r"ñ|ción|ciones|\b(con|para el|para la|de la|piezas|talla|mujer|hombre|niños?|sin)\b")


def fold(text: str) -> str:
    """Lower case without accents (NFKD, combining marks dropped): 'Ação' -> 'acao'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def detect_language(title: str) -> Language:
    """The title's language by its script and a few function words; English when nothing else shows."""
    if CJK.search(title):
        return "zh-CN"
    lower = title.lower()
    pt, es = len(_PT.findall(lower)), len(_ES.findall(lower))
    if pt > es:
        return "pt-BR"
    if es > pt:
        return "es"
    if pt:
        return "pt-BR"
    if re.search(r"[áéíóúü]", lower):  # accents both share, with no Portuguese mark (ã, ç, ê ...)
        return "es"
    return "en"


def words(text: str) -> list[str]:
    """Folded latin words and digits (CJK titles have none: they are read through the glossary)."""
    return _WORD.findall(fold(text))


def check_title(title: str | None, lang: str | None = None) -> tuple[str, Language]:
    """The stripped title and its language, or an error naming the field and the rule."""
    if title is None or not title.strip():
        raise ValidationError("a title is needed", field="title", rule="required")
    text = " ".join(title.split())
    if len(text) > MAX_TITLE:
        raise ValidationError(f"a title has at most {MAX_TITLE} characters", field="title", rule="max-length")
    return text, (check_language(lang) if lang else detect_language(text))

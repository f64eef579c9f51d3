"""Ponte's four interface languages, written out once.

Every user-facing text exists in each of them; ``CLDR`` gives the Babel locale that formats numbers, money
and dates for each.
"""

from __future__ import annotations

from typing import Literal, get_args

from ponte.kernel.errors import ValidationError

Language = Literal["zh-CN", "en", "pt-BR", "es"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
#: The CLDR locale Babel formats each language with.
CLDR: dict[str, str] = {"zh-CN": "zh_Hans_CN", "en": "en", "pt-BR": "pt_BR", "es": "es"}
#: Each language's name in itself (the language switch).
NATIVE_NAMES: dict[str, str] = {"zh-CN": "中文", "en": "English", "pt-BR": "Português", "es": "Español"}
#: The fallback when a text is missing in the asked language.
DEFAULT: Language = "en"
ALIASES: dict[str, str] = {
    "zh": "zh-CN",
    "zh_CN": "zh-CN",
    "zh-Hans": "zh-CN",
    "pt": "pt-BR",
    "pt_BR": "pt-BR",
}


def check_language(lang: str, field: str = "lang") -> Language:
    """A Ponte language tag (accepting ``zh``/``pt``/``zh_CN`` forms), or an error naming the field."""
    tag = ALIASES.get(lang, lang)
    if tag not in LANGUAGES:
        raise ValidationError(
            f"{lang!r} is not one of {', '.join(LANGUAGES)}", field=field, rule="supported-language"
        )
    return tag  # type: ignore[return-value]


def pick(texts: dict[str, str], lang: str) -> str:
    """The text in ``lang``, else English, else any language it has (empty when it has none)."""
    return texts.get(lang) or texts.get(DEFAULT) or next(iter(texts.values()), "")

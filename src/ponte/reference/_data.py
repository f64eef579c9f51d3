"""Loading of the reference data files shipped inside the package."""

from __future__ import annotations

from typing import Any

from ponte.kernel import package_data

#: Ponte's interface languages and the CLDR locale used for each.
LANGUAGES: dict[str, str] = {"zh-CN": "zh_Hans_CN", "en": "en", "pt-BR": "pt_BR", "es": "es"}


def check_language(lang: str, field: str = "lang") -> str:
    """Return a Ponte language tag (accepting ``zh``/``pt``/``zh_CN`` forms) or raise naming the field."""
    from ponte.kernel.errors import ValidationError

    aliases = {"zh": "zh-CN", "zh_CN": "zh-CN", "zh-Hans": "zh-CN", "pt": "pt-BR", "pt_BR": "pt-BR"}
    tag = aliases.get(lang, lang)
    if tag not in LANGUAGES:
        raise ValidationError(
            f"{lang!r} is not one of {', '.join(LANGUAGES)}", field=field, rule="supported-language"
        )
    return tag


def load_yaml(name: str) -> dict[str, Any]:
    return package_data.load_yaml("ponte.reference", name)


def load_csv(name: str) -> tuple[dict[str, str], ...]:
    return package_data.load_csv("ponte.reference", name)

"""Loading of the reference data files shipped inside the package."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from typing import Any

import yaml

#: Ponte's interface languages and the CLDR locale used for each.
LANGUAGES: dict[str, str] = {"zh-CN": "zh_Hans_CN", "en": "en", "pt-BR": "pt_BR", "es": "es"}


def check_language(lang: str, field: str = "lang") -> str:
    """Return a Ponte language tag (accepting ``zh``/``pt``/``zh_CN`` forms) or raise naming the field."""
    from ponte.errors import ValidationError

    aliases = {"zh": "zh-CN", "zh_CN": "zh-CN", "zh-Hans": "zh-CN", "pt": "pt-BR", "pt_BR": "pt-BR"}
    tag = aliases.get(lang, lang)
    if tag not in LANGUAGES:
        raise ValidationError(
            f"{lang!r} is not one of {', '.join(LANGUAGES)}", field=field, rule="supported-language"
        )
    return tag


def _text(name: str) -> str:
    return resources.files("ponte.reference").joinpath("data").joinpath(name).read_text(encoding="utf-8")


@cache
def load_yaml(name: str) -> dict[str, Any]:
    data = yaml.safe_load(_text(name))
    assert isinstance(data, dict)
    return data


@cache
def load_csv(name: str) -> tuple[dict[str, str], ...]:
    lines = [line for line in _text(name).splitlines() if line and not line.startswith("#")]
    return tuple(csv.DictReader(lines))

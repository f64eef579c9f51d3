"""Loading of the reference data files shipped inside the package."""

from __future__ import annotations

from typing import Any

from ponte.kernel import package_data
from ponte.kernel.languages import CLDR, LANGUAGES, check_language

__all__ = ["CLDR", "LANGUAGES", "check_language", "load_csv", "load_yaml"]


def load_yaml(name: str) -> dict[str, Any]:
    return package_data.load_yaml("ponte.reference", name)


def load_csv(name: str) -> tuple[dict[str, str], ...]:
    return package_data.load_csv("ponte.reference", name)

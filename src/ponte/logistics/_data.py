"""Loading the data files shipped inside the package (never from outside it)."""

from __future__ import annotations

from typing import Any

from ponte.kernel import package_data


def load_yaml(name: str) -> dict[str, Any]:
    return package_data.load_yaml("ponte.logistics", name)


def load_csv(name: str) -> tuple[dict[str, str], ...]:
    return package_data.load_csv("ponte.logistics", name)

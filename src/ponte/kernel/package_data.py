"""Reading the data files shipped inside Ponte's packages (never from outside them)."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from typing import Any

import yaml


def text(package: str, name: str) -> str:
    return resources.files(package).joinpath("data").joinpath(name).read_text(encoding="utf-8")


@cache
def load_yaml(package: str, name: str) -> dict[str, Any]:
    data = yaml.safe_load(text(package, name))
    if not isinstance(data, dict):
        raise ValueError(f"{package}/data/{name} must hold a mapping")
    return data


@cache
def load_csv(package: str, name: str) -> tuple[dict[str, str], ...]:
    """Rows of a CSV file; blank lines and lines starting with '#' (sources, dates) are skipped."""
    lines = [line for line in text(package, name).splitlines() if line and not line.startswith("#")]
    return tuple(csv.DictReader(lines))

"""Loading the data files shipped inside the package (never from outside it)."""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources
from typing import Any

import yaml


def _text(name: str) -> str:
    return resources.files("ponte.logistics").joinpath("data").joinpath(name).read_text(encoding="utf-8")


@cache
def load_yaml(name: str) -> dict[str, Any]:
    data = yaml.safe_load(_text(name))
    assert isinstance(data, dict)
    return data


@cache
def load_csv(name: str) -> tuple[dict[str, str], ...]:
    lines = [ln for ln in _text(name).splitlines() if not ln.startswith("#")]
    return tuple(csv.DictReader(io.StringIO("\n".join(lines))))

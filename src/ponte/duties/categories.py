"""A product's duty category (the name the rule files use) from its HS code, by the longest prefix of
``data/categories.yaml`` (HS 2022 headings; Ponte's reading of the markets' lists, with its source)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

from ponte.kernel.package_data import load_yaml

__all__ = ["CategoryTable", "category_table"]


@dataclass(frozen=True)
class CategoryTable:
    prefixes: dict[str, str]
    default: str
    source: dict[str, str]

    @cached_property
    def known(self) -> frozenset[str]:
        return frozenset(self.prefixes.values()) | {self.default}

    def of(self, hs_code: str, shop_category: str = "") -> str:
        """The category of an HS code; a shop category that is itself a duty category wins only
        where the HS code says nothing more specific than the default."""
        code = hs_code.replace(".", "").replace(" ", "")
        for n in range(min(len(code), 6), 1, -1):
            hit = self.prefixes.get(code[:n])
            if hit is not None:
                return hit
        return shop_category if shop_category in self.known else self.default


@cache
def category_table() -> CategoryTable:
    """The shipped table (package data, read once like every package data file)."""
    data = load_yaml("ponte.duties", "categories.yaml")
    return CategoryTable(
        {str(k): str(v) for k, v in data["prefixes"].items()},
        str(data["default"]),
        {k: str(v) for k, v in data["source"].items()},
    )

"""China customs units of measure (3-digit codes), the one table: what customs messages declare and what
the duties engine reads of each (its UN/ECE Recommendation 20 code: a mass, a volume, a count)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ponte.kernel.errors import ValidationError
from ponte.reference._data import load_yaml

__all__ = ["Unit", "table", "unit"]


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    name: str  # the unit's Chinese name as customs print it (千克)
    unece: str  # UN/ECE Rec. 20 code (KGM), empty where no clean equivalent exists


@cache
def table() -> dict[str, Unit]:
    data = load_yaml("china_units.yaml")
    return {str(code): Unit(str(code), str(row[0]), str(row[1])) for code, row in data["codes"].items()}


def unit(code: object, field: str = "unit") -> Unit:
    """The unit of a 3-digit code, or an error naming the field."""
    found = table().get(str(code))
    if found is None:
        raise ValidationError(f"{code!r} is not a China customs unit code", field=field, rule="customs-unit")
    return found

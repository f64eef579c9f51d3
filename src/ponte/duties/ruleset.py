"""A loaded rule set: dated parameters with their legal references (``ponte.duties.params`` loads it).

Nothing here reads a file: these are the values the rule files describe, as the engine asks for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ponte.kernel.errors import PonteError

__all__ = ["Parameter", "Reference", "Resolved", "RuleFileError", "RuleNotInForce", "Rules"]


class RuleFileError(PonteError):
    """A rule file that breaks the format; the message names file and key."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        name = Path(path).name if isinstance(path, Path) else path
        super().__init__(f"{name}: {key}: {problem}", field=key, rule="rule-file", status=500)
        self.path, self.key, self.problem = str(path), key, problem

    def __str__(self) -> str:
        return self.message


class RuleNotInForce(PonteError):
    def __init__(self, name: str, on: date) -> None:
        super().__init__(f"no rule {name} in force on {on.isoformat()}", field="/date", rule="rule-in-force")
        self.name = name


@dataclass(frozen=True, slots=True)
class Reference:
    key: str
    title: str
    href: str
    date: date
    note: str = ""

    def as_dict(self) -> dict[str, str]:
        out = {"title": self.title, "href": self.href, "date": self.date.isoformat()}
        if self.note:
            out["note"] = self.note
        return out


_AS_DICT: dict[tuple[Any, ...], dict[str, Any]] = {}


@dataclass(frozen=True, slots=True)
class Resolved:
    """One parameter value in force on a date, with where it comes from."""

    name: str
    value: Any
    start: date
    end: date | None
    reference: Reference
    open: bool = False

    def as_dict(self) -> dict[str, Any]:
        key = (self.name, self.start, self.end, self.reference, self.open)
        hit = _AS_DICT.get(key)
        if hit is None:
            if len(_AS_DICT) > 10_000:
                _AS_DICT.clear()
            hit = _AS_DICT[key] = self._as_dict()
        return {**hit, "reference": dict(hit["reference"])}

    def _as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.name,
            "in_force_from": self.start.isoformat(),
            "reference": self.reference.as_dict(),
        }
        if self.end is not None:
            out["in_force_until"] = self.end.isoformat()
        if self.open:
            out["open_point"] = True
        return out


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    unit: str
    values: tuple[tuple[date, Any, Reference], ...]  # ascending by date
    currency: str = ""
    open: bool = False
    note: str = ""

    def at(self, on: date) -> Resolved:
        for i in range(len(self.values) - 1, -1, -1):
            start, value, ref = self.values[i]
            if start <= on:
                if value is None:
                    break
                end = self.values[i + 1][0] if i + 1 < len(self.values) else None
                return Resolved(self.name, value, start, end, ref, self.open)
        raise RuleNotInForce(self.name, on)


@dataclass
class Rules:
    """All parameters, by dotted name ``<jurisdiction>.<topic>.<parameter>``."""

    parameters: dict[str, Parameter] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    digest: str = ""  # SHA-256 of the rule files' bytes, in file order: the version of the rule set
    _cache: dict[tuple[str, date], Resolved] = field(default_factory=dict, repr=False)
    _in_force: dict[tuple[str, date], dict[str, Resolved]] = field(default_factory=dict, repr=False)

    def __contains__(self, name: str) -> bool:
        return name in self.parameters

    def param(self, name: str) -> Parameter:
        try:
            return self.parameters[name]
        except KeyError:
            raise PonteError(
                f"rule {name} is not defined", field="rules", rule="rule-defined", status=500
            ) from None

    def in_force(self, jurisdiction: str, on: date) -> dict[str, Resolved]:
        """A memo of the parameters of one jurisdiction in force on a date, filled as they are
        asked for (by the short names the regimes use); shared by every quote of that day."""
        key = (jurisdiction, on)
        memo = self._in_force.get(key)
        if memo is None:
            if len(self._in_force) > 20_000:
                self._in_force.clear()
            memo = self._in_force[key] = {}
        return memo

    def at(self, name: str, on: date) -> Resolved:
        key = (name, on)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self.param(name).at(on)
        return hit

    def jurisdictions(self) -> list[str]:
        return sorted({n.split(".", 1)[0].upper() for n in self.parameters})

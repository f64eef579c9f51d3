"""One rule file read and checked: strict YAML (dates and numbers as strings, no duplicate keys), every
key, unit, date, reference and value checked, errors naming the file and the key (the format is described
in ``ponte.duties.params``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from ponte.duties.ruleset import Parameter, Reference, RuleFileError, Rules

__all__ = ["UNITS", "load_file"]

UNITS = ("/1", "currency", "bool", "codes", "table", "text", "int")
_FILE_KEYS = {"jurisdiction", "description", "references", "parameters"}
_REF_KEYS = {"title", "href", "date", "note"}
_PARAM_KEYS = {"description", "unit", "currency", "values", "open", "confirmed", "note"}
_VALUE_KEYS = {"value", "ref", "note"}
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


_BASE_LOADER = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)  # libyaml's parser when installed: faster start-up


class _StrictLoader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """SafeLoader that keeps dates and floats as strings and refuses duplicate keys."""


_StrictLoader.yaml_implicit_resolvers = {
    ch: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:float")
    ]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen[key] = loader.construct_object(value_node, deep=deep)
    return seen


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _parse_date(path: Path, key: str, raw: object) -> date:
    text = str(raw)
    if not _DATE_RE.match(text):
        raise RuleFileError(path, key, f"{text!r} is not a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RuleFileError(path, key, f"{text!r} is not a valid date") from None


def _check_keys(
    path: Path, where: str, data: object, allowed: set[str], required: Iterable[str]
) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise RuleFileError(path, where or "<root>", "must be a mapping")
    for key in data:
        if key not in allowed:
            raise RuleFileError(path, f"{where}.{key}" if where else str(key), "unknown key")
    for key in required:
        if key not in data or data[key] in (None, ""):
            raise RuleFileError(path, f"{where}.{key}" if where else key, "missing")
    return data


def _decimal(path: Path, key: str, raw: object) -> Decimal:
    if isinstance(raw, bool):
        raise RuleFileError(path, key, f"{raw!r} is not a decimal")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise RuleFileError(path, key, f"{raw!r} is not a decimal") from None
    if not value.is_finite():
        raise RuleFileError(path, key, f"{raw!r} is not a finite decimal")
    return value


def _value(path: Path, key: str, unit: str, raw: object) -> Any:
    if raw is None:
        return None
    if unit == "/1":
        value = _decimal(path, key, raw)
        if not (0 <= value <= 10):
            raise RuleFileError(path, key, f"rate {value} out of range 0..10")
        return value
    if unit == "currency":
        value = _decimal(path, key, raw)
        if value < 0:
            raise RuleFileError(path, key, f"amount {value} is negative")
        return value
    if unit == "int":
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise RuleFileError(path, key, f"{raw!r} is not an integer")
        return raw
    if unit == "bool":
        if not isinstance(raw, bool):
            raise RuleFileError(path, key, f"{raw!r} is not true/false")
        return raw
    if unit == "codes":
        if not isinstance(raw, list) or not all(isinstance(x, str | int) for x in raw):
            raise RuleFileError(path, key, "must be a list of codes")
        return frozenset(str(x) for x in raw)
    if unit == "table":
        if not isinstance(raw, dict) or not raw:
            raise RuleFileError(path, key, "must be a non-empty mapping of code to rate")
        return {str(k): _value(path, f"{key}.{k}", "/1", v) for k, v in raw.items()}
    if not isinstance(raw, str):
        raise RuleFileError(path, key, f"{raw!r} is not text")
    return raw


def load_file(path: Path, rules: Rules) -> None:
    try:
        with path.open(encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "<yaml>"
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleFileError(path, where, str(problem)) from None
    data = _check_keys(
        path, "", data, _FILE_KEYS, ("jurisdiction", "description", "references", "parameters")
    )
    jurisdiction = str(data["jurisdiction"])
    folder = path.parent.name
    if jurisdiction.lower() != folder.lower():
        raise RuleFileError(path, "jurisdiction", f"{jurisdiction!r} does not match folder {folder!r}")
    refs: dict[str, Reference] = {}
    raw_refs = data["references"]
    if not isinstance(raw_refs, dict):
        raise RuleFileError(path, "references", "must be a mapping")
    for rkey, rdata in raw_refs.items():
        where = f"references.{rkey}"
        rdata = _check_keys(path, where, rdata, _REF_KEYS, ("title", "href", "date"))
        href = str(rdata["href"])
        if not href.startswith(("http://", "https://")):
            raise RuleFileError(path, f"{where}.href", f"{href!r} is not a link")
        refs[str(rkey)] = Reference(
            str(rkey),
            str(rdata["title"]),
            href,
            _parse_date(path, f"{where}.date", rdata["date"]),
            str(rdata.get("note", "")),
        )
    params = data["parameters"]
    if not isinstance(params, dict) or not params:
        raise RuleFileError(path, "parameters", "must be a non-empty mapping")
    prefix = f"{folder.lower()}.{path.stem}"
    for pname, pdata in params.items():
        where = f"parameters.{pname}"
        if not isinstance(pname, str) or not _NAME_RE.match(pname):
            raise RuleFileError(path, where, "parameter names are lower_snake_case")
        pdata = _check_keys(path, where, pdata, _PARAM_KEYS, ("description", "unit", "values"))
        unit = pdata["unit"]
        if unit not in UNITS:
            raise RuleFileError(path, f"{where}.unit", f"{unit!r} is not one of {', '.join(UNITS)}")
        if unit == "currency" and not pdata.get("currency"):
            raise RuleFileError(path, f"{where}.currency", "missing (unit is currency)")
        values = pdata["values"]
        if not isinstance(values, dict) or not values:
            raise RuleFileError(path, f"{where}.values", "must be a non-empty mapping keyed by date")
        dated: list[tuple[date, Any, Reference]] = []
        for vkey, vdata in values.items():
            vwhere = f"{where}.values.{vkey}"
            start = _parse_date(path, vwhere, vkey)
            vdata = _check_keys(path, vwhere, vdata, _VALUE_KEYS, ("ref",))
            if "value" not in vdata:
                raise RuleFileError(path, f"{vwhere}.value", "missing")
            ref_key = str(vdata["ref"])
            if ref_key not in refs:
                raise RuleFileError(path, f"{vwhere}.ref", f"unknown reference {ref_key!r}")
            dated.append((start, _value(path, f"{vwhere}.value", unit, vdata["value"]), refs[ref_key]))
        dated.sort(key=lambda item: item[0])
        full = f"{prefix}.{pname}"
        if full in rules.parameters:
            raise RuleFileError(path, where, "defined twice")
        rules.parameters[full] = Parameter(
            full,
            str(pdata["description"]),
            unit,
            tuple(dated),
            str(pdata.get("currency", "")),
            # a value whose primary source could not be read (`confirmed: false`) is an open point too
            bool(pdata.get("open", False)) or pdata.get("confirmed", True) is False,
            str(pdata.get("note", "")),
        )
    rules.files.append(str(path))

"""Field-level validation against Ponte's description: presence, cardinality, XSD facets, formats,
code lists and fixed values. Every violation names the message, the field path and the rule.

The root carries two required attributes (XSD ``use="required"``): ``guid`` (36 characters) and
``version`` (1 to 10 characters, ``1.0`` in every real message).
"""

from __future__ import annotations

from typing import Any

from ponte.customs.china.compiled import checker
from ponte.customs.china.lexical import check_guid, lexical
from ponte.customs.china.spec import MessageSpec
from ponte.kernel.errors import Violation

__all__ = ["validate_fields"]

_ROOT_NAMES: dict[str, frozenset[str]] = {}


def validate_fields(spec: MessageSpec, data: dict[str, Any], *, strict: bool = True) -> list[Violation]:
    """Violations of the message description by ``data`` (empty when it conforms).

    ``strict`` also refuses elements the block does not know (declarations); receipts are read with
    ``strict=False``, which keeps extra elements real receipts carry."""
    out: list[Violation] = []
    root = spec.code
    guid = lexical(data.get("guid"))
    if not guid:
        out.append(Violation(f"{root}/@guid", "required", "is required"))
    else:
        bad = check_guid(guid)
        if bad is not None:
            out.append(Violation(f"{root}/@guid", bad[0], bad[1]))
    version = lexical(data.get("version"))
    if version is None or version == "":
        out.append(Violation(f"{root}/@version", "required", "is required (1.0 in real messages)"))
    elif len(version) > 10:
        out.append(Violation(f"{root}/@version", "maxLength", "must be 1 to 10 characters"))
    names = _ROOT_NAMES.get(spec.code)
    if names is None:
        names = _ROOT_NAMES[spec.code] = frozenset(i.name for i in spec.items) | {"guid", "version"}
    checker(spec.items, names)(data, root, out, strict)
    return out

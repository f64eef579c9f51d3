"""The per-block compiled checkers and emitters give exactly what the generic walk over the
description gives, for valid data and for data with fields broken in every way."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from customs_factory import NOW, TRANSFER, make_order

from ponte.customs.china.build import XML_DECL, XSI_NS, build
from ponte.customs.china.declare import build_order
from ponte.customs.china.fields import validate_fields
from ponte.customs.china.lexical import attr, check_value, escape, lexical, make_fast, text
from ponte.customs.china.spec import NS, Item, MessageSpec, get_spec
from ponte.kernel.errors import Violation


def _walk(items, names, data, path, out, strict_names) -> None:  # type: ignore[no-untyped-def]
    """The generic walk (reference)."""
    if strict_names and names is not None and not (data.keys() <= names):
        for key in data:
            if key not in names:
                out.append(Violation(f"{path}/{key}", "unknown-element", "is not an element of this block"))
    for it in items:
        v = data.get(it.name)
        if v is None:
            if it.min > 0:
                out.append(Violation(f"{path}/{it.name}", "required", "is required"))
            continue
        f = it.field
        if f is not None:
            if f.base == "any":
                continue
            s = v if type(v) is str else lexical(v)
            if s is not None and make_fast(f)(s):
                continue
            p = f"{path}/{it.name}"
            if s is None:
                rule = "no-float" if isinstance(v, float) else "type"
                out.append(Violation(p, rule, f"must be str, int or Decimal, not {type(v).__name__}"))
                continue
            bad = check_value(f, s)
            if bad is not None:
                out.append(Violation(p, bad[0], bad[1]))
        elif it.block is not None:
            p = f"{path}/{it.name}"
            rows = v if type(v) is list else [v]
            if it.repeated and type(v) is not list:
                out.append(Violation(p, "type", "must be a list of blocks"))
                continue
            if len(rows) < it.min:
                out.append(Violation(p, "minOccurs", f"needs at least {it.min} element(s)"))
            if it.max is not None and len(rows) > it.max:
                out.append(Violation(p, "maxOccurs", f"allows at most {it.max} element(s), got {len(rows)}"))
            for i, row in enumerate(rows, 1):
                if type(row) is not dict:
                    out.append(Violation(p, "type", "must be a block (mapping)"))
                    continue
                blk = it.block
                _walk(blk.items, blk.names, row, f"{p}[{i}]" if it.repeated else p, out, strict_names)


def _emit(items: list[Item], data: dict[str, Any], out: list[str]) -> None:
    """The generic writer (reference)."""
    for it in items:
        v = data.get(it.name)
        if v is None:
            continue
        f = it.field
        if f is not None:
            if f.base == "any":
                out.append(f"{f.open_tag}{v}{f.close_tag}")
            else:
                s = v if type(v) is str else text(v, it.name)
                out.append(f"{f.open_tag}{escape(s)}{f.close_tag}")
        elif it.block is not None:
            for d in v if type(v) is list else (v,):
                out.append(f"<ceb:{it.name}>")
                _emit(it.block.items, d, out)
                out.append(f"</ceb:{it.name}>")
        else:
            out.append(v)


def _reference_build(spec: MessageSpec, data: dict[str, Any]) -> bytes:
    out = [
        XML_DECL,
        f'<ceb:{spec.code} guid="{attr(text(data.get("guid", "")))}" '
        f'version="{attr(text(data.get("version", "1.0")))}" xmlns:ceb="{NS}" xmlns:xsi="{XSI_NS}">',
    ]
    _emit(spec.items, data, out)
    out.append(f"</ceb:{spec.code}>")
    return "".join(out).encode("utf-8")


def _reference_validate(spec: MessageSpec, data: dict[str, Any], strict: bool) -> list[Violation]:
    out: list[Violation] = []
    names = frozenset(i.name for i in spec.items) | {"guid", "version"}
    # the root attributes are checked the same way by both; compare the element walk
    _walk(spec.items, names, data, spec.code, out, strict)
    return out


BAD_VALUES: list[Any] = [
    "",
    " ",
    "a  b",
    " padded ",
    "x" * 300,
    "12.345678",
    "-1",
    "+5",
    "1e5",
    "0012.50",
    "abc",
    "20250230120000",
    "2025031412300",
    "d1f0e8a2-0b7c-4c3e-9a51-6b2d8f0c1e77",
    "\x01ctl",
    "中文 <&>",
    Decimal("-0.00"),
    Decimal("12345678901234567890.123"),
    Decimal("1.123456"),
    Decimal("NaN"),
    Decimal("7"),
    0,
    -3,
    2**40,
    True,
    1.5,
    [],
    {},
    ["x"],
    "142",
    "999",
]


def _mutate(data: Any, r: random.Random) -> None:
    """Replace one value somewhere in ``data`` (nested dicts/lists) with a bad or odd one."""
    node = data
    for _ in range(6):
        if isinstance(node, list):
            if not node:
                return
            node = r.choice(node)
            continue
        if not isinstance(node, dict):
            return
        keys = [k for k in node if k not in ("guid",)]
        if not keys:
            return
        k = r.choice(keys)
        child = node[k]
        if isinstance(child, (dict, list)) and r.random() < 0.7:
            node = child
            continue
        node[k] = _copy(r.choice(BAD_VALUES))
        return


def test_compiled_checks_equal_the_generic_walk() -> None:
    r = random.Random(20250314)
    compared = 0
    for seed in range(40):
        order = make_order(seed)
        for kind, data in build_order(order, TRANSFER, now=NOW, revision=seed).items():
            spec = get_spec(kind)
            for _ in range(12):
                mutated: dict[str, Any] = _copy(data)
                for _ in range(r.randint(1, 3)):
                    _mutate(mutated, r)
                if r.random() < 0.1:
                    mutated["unexpected"] = "x"
                for strict in (True, False):
                    got = [v for v in validate_fields(spec, mutated, strict=strict) if "/@" not in v.field]
                    assert got == _reference_validate(spec, mutated, strict), (kind, mutated)
                compared += 1
    assert compared > 1000


def test_compiled_writer_equals_the_generic_writer() -> None:
    for seed in range(40):
        for kind, data in build_order(make_order(seed), TRANSFER, now=NOW, revision=seed).items():
            assert build(kind, data) == _reference_build(get_spec(kind), data)


def _copy(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _copy(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_copy(x) for x in v]
    return v

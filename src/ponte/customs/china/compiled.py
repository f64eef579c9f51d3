"""Per-block functions compiled once from Ponte's description of the messages.

Walking the description for every message costs a Python call and several attribute look-ups per
element. Instead, each block (OrderHead, InventoryList, ...) gets two functions generated from its items
the first time it is used: a checker that says a quick yes to the common valid value inline (lengths,
printable text, code lists, fixed values, guid format) and sends anything else to the precise rule of
:func:`ponte.customs.china.fields.check_value`, and an emitter that writes the block's elements with
constant tags. They give the same results as the generic walk they replace.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ponte.customs.china.codes import code_list
from ponte.customs.china.lexical import GUID, check_format, check_value, escape, lexical, make_fast, text
from ponte.customs.china.spec import Field, Item
from ponte.kernel.errors import Violation

Checker = Callable[[dict[str, Any], str, list[Violation], bool], None]
Emitter = Callable[[dict[str, Any], list[str]], None]

_CHECKERS: dict[int, Checker] = {}
_EMITTERS: dict[int, Emitter] = {}
_KEEP: list[Any] = []  # the items keyed by id() above stay alive (they are cached specs anyway)


def _inline_string_test(f: Field, env: dict[str, Any], n: int) -> str | None:
    """A Python expression over ``v`` (a str) that is True only for a value the field accepts; None
    when a string field has nothing cheaper than the generic quick check."""
    if f.base != "string":
        return None
    lo = f.length if f.length is not None else max(f.min_length or 0, 1 if f.required else 0)
    hi = f.length if f.length is not None else (f.max_length if f.max_length is not None else 10**9)
    parts = [f"{lo} <= len(v) <= {hi}" if lo else f"len(v) <= {hi}", "v.isprintable()"]
    if f.collapse and lo > 0:
        parts.append("v == v.strip()")
        parts.append('"  " not in v')
    if f.fixed is not None:
        parts.append(f"v == {f.fixed!r}")
    if f.codes is not None:
        env[f"codes{n}"] = code_list(f.codes)
        parts.append(f"v in codes{n}")
    if f.fmt == "guid":
        parts.append("guid_match(v) is not None")
    elif f.fmt is not None:
        env[f"fmt{n}"] = f.fmt
        parts.append(f"check_format(fmt{n}, v) is None")
    return " and ".join(parts)


def _inline_number_test(f: Field, env: dict[str, Any], n: int) -> str | None:
    """The same for decimal and int fields, over ``v`` as str, Decimal or int."""
    if f.fixed is not None or f.codes is not None or f.fmt is not None:
        return None
    if f.base == "decimal":
        if f.total_digits is not None and f.fraction_digits is not None:
            whole = f.total_digits - f.fraction_digits
            if whole < 1:
                return None
            frac = f"(?:\\.\\d{{1,{f.fraction_digits}}})?" if f.fraction_digits else ""
            env[f"dec{n}"] = re.compile(f"\\d{{1,{whole}}}{frac}").fullmatch
        elif f.total_digits is None and f.fraction_digits is None:
            env[f"dec{n}"] = re.compile(r"\d+(?:\.\d+)?").fullmatch
        else:
            return None
        return (
            f"(type(v) is str and dec{n}(v) is not None)"
            f' or (type(v) is Decimal and dec{n}(format(v, "f")) is not None)'
        )
    if f.base == "int":
        limit = min(f.total_digits or 9, 9)
        return (
            f"(type(v) is int and 0 <= v < {10**limit})"
            f" or (type(v) is str and v.isdigit() and v.isascii() and len(v) <= {limit})"
        )
    return None


def checker(block_items: list[Item], names: frozenset[str] | None) -> Checker:
    key = id(block_items)
    found = _CHECKERS.get(key)
    if found is not None:
        return found
    env: dict[str, Any] = {
        "Violation": Violation,
        "NAMES": names,
        "field_slow": _field_slow,
        "block_rows": _block_rows,
        "guid_match": GUID.match,
        "check_format": check_format,
        "Decimal": Decimal,
    }
    lines = [
        "def check(data, path, out, strict_names):",
        "    if strict_names and NAMES is not None and not (data.keys() <= NAMES):",
        "        for key in data:",
        "            if key not in NAMES:",
        '                out.append(Violation(f"{path}/{key}", "unknown-element",'
        ' "is not an element of this block"))',
        "    get = data.get",
    ]
    for n, it in enumerate(block_items):
        env[f"item{n}"] = it
        name = repr(it.name)
        lines.append(f"    v = get({name})")
        lines.append("    if v is None:")
        if it.min > 0:
            lines.append(f'        out.append(Violation(path + "/" + {name}, "required", "is required"))')
        else:
            lines.append("        pass")
        f = it.field
        if f is not None:
            if f.base == "any":
                continue
            test = _inline_string_test(f, env, n)
            if test is not None:
                test = f"type(v) is str and {test}"
            else:
                number = _inline_number_test(f, env, n)
                test = None if number is None else f"({number})"
            if test is None:
                lines.append("    else:")
                lines.append(f"        field_slow(item{n}, v, path, out, strict_names)")
            else:
                lines.append(f"    elif not ({test}):")
                lines.append(f"        field_slow(item{n}, v, path, out, strict_names)")
        elif it.block is not None:
            blk = it.block
            env[f"child{n}"] = checker(blk.items, blk.names)
            lines.append("    else:")
            lines.append(f"        block_rows(item{n}, child{n}, v, path, out, strict_names)")
    lines.append("    return None")
    exec("\n".join(lines), env)
    fn: Checker = env["check"]
    _KEEP.append(block_items)
    _CHECKERS[key] = fn
    return fn


def _field_slow(it: Item, v: Any, path: str, out: list[Violation], strict_names: bool) -> None:
    """The generic check of one field value (what the inline quick test could not accept)."""
    f = it.field
    assert f is not None
    s = v if type(v) is str else lexical(v)
    fast = f.fast
    if fast is None:
        fast = f.fast = make_fast(f)
    if s is not None and fast(s):
        return
    p = f"{path}/{it.name}"
    if s is None:
        rule = "no-float" if isinstance(v, float) else "type"
        out.append(Violation(p, rule, f"must be str, int or Decimal, not {type(v).__name__}"))
        return
    bad = check_value(f, s)
    if bad is not None:
        out.append(Violation(p, bad[0], bad[1]))


def _block_rows(
    it: Item, child: Checker, v: Any, path: str, out: list[Violation], strict_names: bool
) -> None:
    p = f"{path}/{it.name}"
    is_list = type(v) is list
    repeated = it.max is None or it.max > 1
    if repeated and not is_list:
        out.append(Violation(p, "type", "must be a list of blocks"))
        return
    rows = v if is_list else [v]
    if len(rows) < it.min:
        out.append(Violation(p, "minOccurs", f"needs at least {it.min} element(s)"))
    if it.max is not None and len(rows) > it.max:
        out.append(Violation(p, "maxOccurs", f"allows at most {it.max} element(s), got {len(rows)}"))
    for i, row in enumerate(rows, 1):
        if type(row) is not dict:
            out.append(Violation(p, "type", "must be a block (mapping)"))
            continue
        child(row, f"{p}[{i}]" if repeated else p, out, strict_names)


def emitter(block_items: list[Item]) -> Emitter:
    key = id(block_items)
    found = _EMITTERS.get(key)
    if found is not None:
        return found
    env: dict[str, Any] = {"escape": escape, "text": text, "Decimal": Decimal}
    lines = ["def emit(data, out):", "    get = data.get", "    ap = out.append"]
    for n, it in enumerate(block_items):
        name = repr(it.name)
        lines.append(f"    v = get({name})")
        lines.append("    if v is not None:")
        f = it.field
        if f is not None:
            open_tag, close_tag = repr(f.open_tag), repr(f.close_tag)
            if f.base == "any":
                lines.append(f'        ap({open_tag} + f"{{v}}" + {close_tag})')
            else:
                lines.append("        t = type(v)")
                lines.append("        if t is str:")
                lines.append('            if "&" in v or "<" in v or ">" in v:')
                lines.append("                v = escape(v)")
                lines.append("        elif t is Decimal:")  # digits only: nothing to escape
                lines.append('            v = format(v, "f")')
                lines.append("        else:")
                lines.append(f"            v = text(v, {name})")
                lines.append(f"        ap({open_tag} + v + {close_tag})")
        elif it.block is not None:
            env[f"child{n}"] = emitter(it.block.items)
            tag_open, tag_close = repr(f"<ceb:{it.name}>"), repr(f"</ceb:{it.name}>")
            lines.append("        for d in (v if type(v) is list else (v,)):")
            lines.append(f"            ap({tag_open})")
            lines.append(f"            child{n}(d, out)")
            lines.append(f"            ap({tag_close})")
        else:  # ds:Signature, pre-built
            lines.append("        ap(v)")
    lines.append("    return None")
    exec("\n".join(lines), env)
    fn: Emitter = env["emit"]
    _KEEP.append(block_items)
    _EMITTERS[key] = fn
    return fn

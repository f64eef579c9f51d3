"""The lexical rules of a CEB field value: how a value is written (``text``, ``escape``), which written
forms a field accepts (XSD facets, named formats, code lists, fixed values) and a quick yes for the
common valid value. Shared by the builder, the compiled per-block functions and the validator, so none
of them imports another to reach these rules.

Guids: the specification asks for "system-unique, upper-case" 36-character ids, but real messages and
receipts use lower-case UUIDs (``ffb617c6-7349-4d92-a9c0-2c914c1678d8`` in a genuine 2017 CEB312),
digit strings and prefixed ids (``CEB621_HNZB_FXJK_20220208175054_0034``, ceb-messages.md §3.1). The
rule is therefore the one the XSD and the e-port apply: exactly 36 characters, letters, digits, ``-`` and
``_``. Ponte's own guids are upper-case UUIDs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from ponte.customs.china.codes import code_list
from ponte.customs.china.profile import DXP_ID, check_enterprise_code
from ponte.customs.china.spec import Field
from ponte.kernel.errors import ValidationError

__all__ = [
    "GUID",
    "attr",
    "check_format",
    "check_guid",
    "check_value",
    "escape",
    "lexical",
    "make_fast",
    "text",
]

GUID_LENGTH = 36
GUID = re.compile(r"^[0-9A-Za-z_-]{36}$")
_GUID_CHARS = re.compile(r"^[0-9A-Za-z_-]*$")
_DECIMAL = re.compile(r"^[+-]?(\d*)(?:\.(\d*))?$")
_INT = re.compile(r"^[+-]?\d+$")
_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DIGITS = re.compile(r"^\d+$")
_FAST_DECIMAL = re.compile(r"^\d{1,14}(?:\.\d{1,5})?$")


def text(value: Any, path: str = "") -> str:
    """The lexical form of a field value (Decimal in plain notation, no exponent)."""
    t = type(value)
    if t is str:
        return value  # type: ignore[no-any-return]
    if t is Decimal:
        return format(value, "f")
    if t is int:
        return str(value)
    if t is float:
        raise ValidationError("amounts must be Decimal, not float", field=path, rule="no-float")
    if t is bool:
        raise ValidationError("booleans are not CEB values", field=path, rule="type")
    raise ValidationError(f"unsupported value type {t.__name__}", field=path, rule="type")


def lexical(v: Any) -> str | None:
    """The written form of a str, int or Decimal; None for anything else."""
    t = type(v)
    if t is str:
        return v  # type: ignore[no-any-return]
    if t is Decimal:
        return format(v, "f")
    if t is int:
        return str(v)
    return None


def escape(s: str) -> str:
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    return s


def attr(s: str) -> str:
    return escape(s).replace('"', "&quot;")


def check_guid(s: str) -> tuple[str, str] | None:
    """(rule, message) when ``s`` is not a guid real messages use: a length error before a format one."""
    if len(s) != GUID_LENGTH:
        return "length", f"must be exactly {GUID_LENGTH} characters (got {len(s)})"
    if not _GUID_CHARS.match(s):
        return "format:guid", "may hold only letters, digits, '-' and '_'"
    return None


def _valid_datetime(s: str, n: int) -> bool:
    if len(s) != n or not _DIGITS.match(s):
        return False
    try:
        if n == 8:
            date(int(s[0:4]), int(s[4:6]), int(s[6:8]))
        else:
            datetime(int(s[0:4]), int(s[4:6]), int(s[6:8]), int(s[8:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return False
    return True


@lru_cache(maxsize=4096)
def _party_problem(code: str) -> str | None:
    """An enterprise code's problem; a message names the same few parties over and over, so the
    answer is kept (a pure function of the code)."""
    party = check_enterprise_code(code, "code")
    return None if party is None else party.message


def check_format(fmt: str, s: str) -> str | None:
    """The message of the named format ``s`` breaks, or None."""
    if fmt == "guid":
        bad = check_guid(s)
        return None if bad is None else bad[1]
    if fmt == "datetime14":
        return None if _valid_datetime(s, 14) else "must be a real date-time yyyyMMddHHmmss"
    if fmt == "datetime17":
        ok = len(s) == 17 and _valid_datetime(s[:14], 14) and s[14:].isdigit()
        return None if ok else "must be a real date-time yyyyMMddHHmmssSSS"
    if fmt == "date8":
        return None if _valid_datetime(s, 8) else "must be a real date yyyyMMdd"
    if fmt == "customs4":
        return None if len(s) == 4 and _DIGITS.match(s) else "must be a 4-digit customs district code"
    if fmt == "hs10":
        return None if len(s) == 10 and _DIGITS.match(s) else "must be a 10-digit HS code"
    if fmt in ("party", "party-export"):
        if fmt == "party-export" and s in ("无", "NO"):  # a foreign platform, an unregistered producer
            return None
        return _party_problem(s)
    if fmt == "dxp":
        return (
            None if DXP_ID.match(s) else "a DXP id is DXPENT and 10 digits (the customs nodes DXPEDCCEB...)"
        )
    if fmt == "digits6":
        return None if len(s) == 6 and _DIGITS.match(s) else "must be a 6-digit administrative division code"
    raise KeyError(fmt)  # pragma: no cover - formats are a closed list


def check_value(f: Field, s: str) -> tuple[str, str] | None:
    """(rule, message) of the first rule the lexical value ``s`` breaks, or None."""
    base = f.base
    if base == "string":
        if f.collapse:
            s = " ".join(s.split())
        n = len(s)
        if f.length is not None and n != f.length:
            return "length", f"must be exactly {f.length} characters (got {n})"
        if f.max_length is not None and n > f.max_length:
            return "maxLength", f"must be at most {f.max_length} characters (got {n})"
        if f.min_length is not None and n < f.min_length:
            return "minLength", f"must be at least {f.min_length} character(s)"
        if n == 0 and f.required:
            return "required", "must not be empty"
        if _BAD_XML_CHARS.search(s):
            return "xml-chars", "contains characters not allowed in XML"
    elif base == "decimal":
        m = _DECIMAL.match(s)
        if not m or not (m.group(1) or m.group(2)):
            return "decimal", f"must be a plain decimal number (got {s!r})"
        if s[0] == "-":
            return "non-negative", "must not be negative"
        ip, fp = m.group(1).lstrip("0"), (m.group(2) or "").rstrip("0")
        if f.fraction_digits is not None and len(fp) > f.fraction_digits:
            return "fractionDigits", f"at most {f.fraction_digits} digits after the point"
        if f.total_digits is not None and len(ip) + len(fp) > f.total_digits:
            return "totalDigits", f"at most {f.total_digits} digits in total"
    elif base == "int":
        if not _INT.match(s):
            return "int", f"must be an integer (got {s!r})"
        v = int(s)
        if not -(2**31) <= v < 2**31:
            return "int", "out of the 32-bit integer range"
        if f.total_digits is not None and len(str(abs(v))) > f.total_digits:
            return "totalDigits", f"at most {f.total_digits} digits"
        if v < 0:
            return "non-negative", "must not be negative"
    if f.fixed is not None and s != f.fixed:
        return "fixed", f"must be {f.fixed!r} in this message"
    if f.codes is not None and s not in code_list(f.codes):
        return f"code-list:{f.codes}", f"{s!r} is not in the {f.codes} code list"
    if f.fmt is not None:
        if f.fmt == "guid":
            return check_guid(s)
        msg = check_format(f.fmt, s)
        if msg:
            return f"format:{f.fmt}", msg
    return None


def make_fast(f: Field) -> Callable[[str], bool]:
    """A quick yes for the common valid value; a no sends the value to :func:`check_value` for the
    precise rule and message. Never says yes to a value :func:`check_value` would refuse."""
    checks: list[Callable[[str], bool]] = []
    if f.base == "string":
        lo = f.length if f.length is not None else max(f.min_length or 0, 1 if f.required else 0)
        hi = f.length if f.length is not None else (f.max_length if f.max_length is not None else 10**9)
        if f.collapse and lo > 0:
            checks.append(lambda s: s == s.strip() and "  " not in s)
        checks.append(lambda s: lo <= len(s) <= hi and s.isprintable())
    elif f.base == "decimal":
        if f.total_digits is None or f.total_digits < 19 or f.fraction_digits != 5:
            return lambda s: False
        checks.append(lambda s: _FAST_DECIMAL.match(s) is not None)
    elif f.base == "int":
        limit = min(f.total_digits or 9, 9)
        checks.append(lambda s: s.isdigit() and s.isascii() and len(s) <= limit)
    else:
        return lambda s: False
    if f.fixed is not None:
        fixed = f.fixed
        checks.append(lambda s: s == fixed)
    if f.codes is not None:
        allowed = code_list(f.codes)
        checks.append(lambda s: s in allowed)
    if f.fmt == "guid":
        checks.append(lambda s: GUID.match(s) is not None)
    elif f.fmt is not None:
        fmt = f.fmt
        checks.append(lambda s: check_format(fmt, s) is None)
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        a, b = checks
        return lambda s: a(s) and b(s)
    return lambda s: all(c(s) for c in checks)

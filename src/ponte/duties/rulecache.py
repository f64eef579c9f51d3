"""The rule files in compiled form, so that a process which only quotes does not parse YAML.

Reading and checking the rule files costs more than the rest of a quote's start-up. A loaded rule set is
written to a cache folder as ``rules-v<FORMAT>-<digest>.marshal`` and read back while the files' digest
(the version of the rule set, ``Rules.digest``) is the same: a changed rule file has a new digest, so
it is parsed again. The file holds plain data (strings, numbers, tuples, mappings, read with
``marshal``), never a pickle, so a cache file cannot make the reader run anything. A folder that
cannot be written, or a file that is truncated, foreign or from another format, costs only the parse.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import tempfile
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ponte.duties.ruleset import Parameter, Reference, Rules

__all__ = ["FORMAT", "decode", "encode", "path_for", "read", "write"]

#: The layout of the compiled form; a change of ``Parameter`` or ``Reference`` changes it.
FORMAT = 1


def path_for(cache_dir: Path, digest: str) -> Path:
    return cache_dir / f"rules-v{FORMAT}-{digest}.marshal"


def _plain(unit: str, value: Any) -> Any:
    if value is None:
        return None
    if unit in ("/1", "currency"):
        return str(value)
    if unit == "table":
        return {code: str(rate) for code, rate in value.items()}
    if unit == "codes":
        return tuple(sorted(value))
    return value  # bool, int, text


def _typed(unit: str, value: Any) -> Any:
    if value is None:
        return None
    if unit in ("/1", "currency"):
        return Decimal(value)
    if unit == "table":
        return {str(code): Decimal(rate) for code, rate in value.items()}
    if unit == "codes":
        return frozenset(str(code) for code in value)
    if unit == "bool" and not isinstance(value, bool):
        raise TypeError("bool")
    if unit == "int" and (not isinstance(value, int) or isinstance(value, bool)):
        raise TypeError("int")
    if unit == "text" and not isinstance(value, str):
        raise TypeError("text")
    return value


def encode(rules: Rules) -> bytes:
    """The rule set as marshal data (references once each, parameters pointing at them)."""
    refs: dict[Reference, int] = {}
    params = []
    for p in rules.parameters.values():
        values = tuple(
            (start.isoformat(), _plain(p.unit, value), refs.setdefault(ref, len(refs)))
            for start, value, ref in p.values
        )
        params.append((p.name, p.description, p.unit, p.currency, p.open, p.note, values))
    ref_rows = tuple((r.key, r.title, r.href, r.date.isoformat(), r.note) for r in refs)
    return marshal.dumps((FORMAT, rules.digest, ref_rows, tuple(params)))


def decode(data: bytes, digest: str) -> Rules | None:
    """The rule set written by ``encode`` for ``digest``; None for anything else."""
    try:
        fmt, stored, ref_rows, params = marshal.loads(data)
        if fmt != FORMAT or stored != digest:
            return None
        refs = [Reference(k, t, h, date.fromisoformat(d), n) for k, t, h, d, n in ref_rows]
        rules = Rules(digest=digest)
        for name, description, unit, currency, is_open, note, values in params:
            dated = tuple((date.fromisoformat(s), _typed(unit, v), refs[i]) for s, v, i in values)
            rules.parameters[name] = Parameter(name, description, unit, dated, currency, is_open, note)
    except (ValueError, TypeError, EOFError, IndexError, AttributeError, InvalidOperation):
        return None  # not a compiled rule set of this format: parse the files again
    return rules


def read(cache_dir: Path, digest: str) -> Rules | None:
    """The compiled rule set of ``digest`` in ``cache_dir``, or None when there is none to read."""
    try:
        data = path_for(cache_dir, digest).read_bytes()
    except OSError:
        return None
    return decode(data, digest)


def write(cache_dir: Path, rules: Rules) -> None:
    """Write the compiled rule set (atomically: a reader sees the whole file or none); a folder that
    cannot be written is left alone, the next process parses the files again."""
    temp: str | None = None
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".rules-", suffix=".tmp", dir=cache_dir)
        with os.fdopen(fd, "wb") as fh:
            fh.write(encode(rules))
        os.replace(temp, path_for(cache_dir, rules.digest))
        temp = None
    except OSError:
        pass  # a read-only or missing cache folder only costs the parse
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)

"""Dated rule parameters loaded from YAML, with their legal references.

A rule file lives at ``rules/<jurisdiction>/<topic>.yaml``::

    jurisdiction: BR
    description: Regime de Tributação Simplificada (RTS)
    references:
      lei-14902-2024: {title: "Lei 14.902/2024", href: "https://...", date: 2024-06-28}
    parameters:
      ii_rate_general:
        description: RTS import duty, general rate
        unit: /1
        values:
          2024-08-01: {value: "0.60", ref: lei-14902-2024}
          2030-01-01: {value: null, ref: some-repeal}     # null ends the parameter

A value applies from its date until the next one. ``open: true`` marks a parameter Ponte had to
choose (no rule found); ``confirmed: false`` one whose primary source could not be read (the value
comes from a secondary source named in its reference). Both are open points: every quote that
uses one says so. The loader is strict:
unknown or duplicate keys, malformed dates, unknown units, missing or unknown
references and float-looking values that cannot be decimals are errors naming
the file and the key. Dates and numbers are read as strings (never floats).

The rule set loads from a compiled copy when one is given a cache folder (``ponte.duties.rulecache``),
so a process that only quotes does not import or run the YAML parser; the copy is rebuilt whenever a
rule file changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

from ponte.duties import rulecache
from ponte.duties.ruleset import Parameter, Reference, Resolved, RuleFileError, RuleNotInForce, Rules

__all__ = [
    "Parameter",
    "Reference",
    "Resolved",
    "RuleFileError",
    "RuleNotInForce",
    "Rules",
    "default_rules",
    "load_rules",
]

RULES_DIR = Path(__file__).parent / "rules"


def _digest(contents: list[tuple[Path, bytes]]) -> str:
    """SHA-256 of the files' folder/name and bytes, in file order: the version of the rule set."""
    digest = hashlib.sha256()
    for path, data in contents:
        digest.update(f"{path.parent.name}/{path.name}\n".encode())
        digest.update(data)
    return digest.hexdigest()


def load_rules(
    root: Path | None = None, files: Mapping[str, Path] | None = None, cache_dir: Path | None = None
) -> Rules:
    """Load every ``<root>/<jurisdiction>/*.yaml``; raise RuleFileError on the first bad file.

    With ``cache_dir``, the compiled copy of exactly these files is read from there when it exists
    (and written there when it does not and the folder can be written)."""
    base = root or RULES_DIR
    paths = sorted(base.glob("*/*.yaml")) if files is None else list(files.values())
    digest = _digest([(path, path.read_bytes()) for path in paths])
    if cache_dir is not None:
        cached = rulecache.read(cache_dir, digest)
        if cached is not None:
            cached.files = [str(path) for path in paths]
            return cached
    from ponte.duties.rulefile import load_file  # lazy: the YAML parser only when no compiled copy is current

    rules = Rules()
    for path in paths:
        load_file(path, rules)
    rules.digest = digest
    if cache_dir is not None:
        rulecache.write(cache_dir, rules)
    return rules


_DEFAULT: Rules | None = None


def default_rules(cache_dir: Path | None = None) -> Rules:
    """The rules shipped with Ponte, loaded once (from the compiled copy in ``cache_dir`` when current)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_rules(cache_dir=cache_dir)
    return _DEFAULT

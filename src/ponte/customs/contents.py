"""A declared message for a person to read: its XML indented, and its contents as labelled fields (each
record's head, then its list items) in the reader's language. Read models only: nothing is stored, and
the message read is the one the caller may see (personal data already masked for those who may not)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml
from lxml import etree

from ponte.customs.china.parse import load_xml, parse
from ponte.kernel.errors import ValidationError
from ponte.kernel.languages import LANGUAGES

__all__ = ["Block", "Contents", "contents", "pretty_xml"]


@dataclass(frozen=True)
class Block:
    """One element holding fields: a record's head (one set of fields) or its list items (rows)."""

    name: str  # the element's name (OrderHead, InventoryList, ...)
    labels: list[tuple[str, str]]  # (element, label in the reader's language), in message order
    rows: list[dict[str, str]]  # one row for a head, one per item for a list
    repeated: bool = False


@dataclass(frozen=True)
class Contents:
    kind: str  # "621"
    records: list[list[Block]] = field(default_factory=list)  # each record (Order, Inventory ...) its blocks
    transfer: Block | None = None  # who transmitted it (BaseTransfer)


@cache
def _labels() -> dict[str, list[str]]:
    text = resources.files("ponte.customs.china.codes").joinpath("field_labels.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return {str(k): list(v) for k, v in data["labels"].items()}


def label(name: str, lang: str) -> str:
    """The element's label in ``lang`` (its own name when the table has none)."""
    found = _labels().get(name)
    if not found:
        return name
    return str(found[LANGUAGES.index(lang) if lang in LANGUAGES else LANGUAGES.index("en")])


def pretty_xml(raw: bytes) -> str:
    """The message indented two spaces per level (as parsed safely: no DTD, no entities)."""
    root = load_xml(raw)
    for el in root.iter():
        if len(el) and el.text is not None and not el.text.strip():
            el.text = None
        if el.tail is not None and not el.tail.strip():
            el.tail = None
    etree.indent(root, space="  ")
    body: str = etree.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _block(name: str, value: Any, lang: str) -> Block | None:
    rows = value if isinstance(value, list) else [value]
    rows = [r for r in rows if isinstance(r, dict)]
    if not rows:
        return None
    names: list[str] = []
    for row in rows:
        names += [
            k for k, v in row.items() if not isinstance(v, dict | list) and k not in names and k != "_extra"
        ]
    clean = [{k: str(r.get(k, "")) for k in names} for r in rows]
    return Block(name, [(n, label(n, lang)) for n in names], clean, isinstance(value, list))


def contents(raw: bytes, kind: str, lang: str) -> Contents:
    """The fields of a message, record by record, labelled in ``lang``; an unreadable message has none."""
    try:
        parsed = parse(raw, lenient=True)
    except ValidationError:
        return Contents(kind)
    out = Contents(kind)
    for key, value in parsed.data.items():
        if key == "BaseTransfer":
            found = _block(key, value, lang)
            out = Contents(kind, out.records, found)
            continue
        if key in ("BaseSubscribe", "ExtendMessage", "Signature") or not isinstance(value, list | dict):
            continue
        for record in value if isinstance(value, list) else [value]:
            if not isinstance(record, dict):
                continue
            blocks = [b for name, v in record.items() if (b := _block(name, v, lang)) is not None]
            if not blocks:  # a record that is its own head (InvtCancel, Payment ...)
                one = _block(key, record, lang)
                blocks = [one] if one else []
            out.records.append(blocks)
    return out

"""Ponte's own description of the CEB messages (202205 edition), loaded from shipped data.

The JSON files under ``spec/`` hold every element of every message: name, order, cardinality, base
type and XSD facets (length, min/max length, total/fraction digits, white-space). ``codes/fields.yaml``
adds Ponte's business rules per field (format, code list, fixed value). Both are compiled once into
:class:`Field` and :class:`Block` objects that the builder, the validator and the parser share.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ponte.kernel.errors import ValidationError

NS = "http://www.chinaport.gov.cn/ceb"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
EDITION = "202205"

EXPORT_CODES = (
    "303",
    "304",
    "403",
    "404",
    "505",
    "506",
    "507",
    "508",
    "509",
    "510",
    "603",
    "604",
    "605",
    "606",
    "607",
    "608",
    "701",
    "702",
    "792",
    "213",
    "214",
    "215",
    "216",
)
IMPORT_CODES = (
    "311",
    "312",
    "411",
    "412",
    "511",
    "512",
    "513",
    "514",
    "621",
    "622",
    "623",
    "624",
    "625",
    "626",
    "711",
    "712",
    "816",
    "818",
    "900",
)


@dataclass(slots=True)
class Field:
    """One simple element: its XSD facets plus Ponte's business rule."""

    name: str
    required: bool
    base: str  # string | decimal | int | any
    length: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    total_digits: int | None = None
    fraction_digits: int | None = None
    collapse: bool = False
    default: str | None = None
    doc: str = ""
    fmt: str | None = None
    codes: str | None = None
    fixed: str | None = None
    open_tag: str = ""
    close_tag: str = ""
    fast: Any = None  # compiled quick check (see fields.make_fast), set on first use

    def describe(self) -> dict[str, Any]:
        """The field as a table row (name, type, length, required, code list)."""
        if self.base == "string":
            if self.length is not None:
                typ = f"C{self.length}"
            else:
                typ = f"C..{self.max_length}" if self.max_length else "C"
        elif self.base == "decimal":
            typ = f"N{self.total_digits},{self.fraction_digits}"
        else:
            typ = self.base
        return {
            "name": self.name,
            "type": typ,
            "required": self.required,
            "min_length": self.min_length,
            "codes": self.codes,
            "format": self.fmt,
            "fixed": self.fixed,
            "doc": self.doc,
        }


@dataclass(slots=True)
class Block:
    """A complex element (e.g. OrderHead): an ordered list of fields and child blocks."""

    name: str
    items: list[Item] = field(default_factory=list)
    doc: str = ""
    names: frozenset[str] = frozenset()


@dataclass(slots=True)
class Item:
    """One position in a sequence: a field, a child block, or the ds:Signature."""

    kind: str  # field | block | signature
    name: str
    min: int
    max: int | None
    field: Field | None = None
    block: Block | None = None

    @property
    def repeated(self) -> bool:
        return self.max is None or self.max > 1


@dataclass(slots=True)
class MessageSpec:
    code: str  # "CEB311Message"
    direction: str  # export | import
    items: list[Item]
    doc: str

    @property
    def number(self) -> str:
        return self.code[3:6]

    @property
    def is_receipt(self) -> bool:
        return not any(i.name == "BaseTransfer" for i in self.items)

    def fields(self) -> list[tuple[str, Field]]:
        """Every simple element with its path below the root, in document order."""
        out: list[tuple[str, Field]] = []

        def walk(items: list[Item], prefix: str) -> None:
            for it in items:
                if it.field is not None:
                    out.append((f"{prefix}{it.name}", it.field))
                elif it.block is not None:
                    walk(it.block.items, f"{prefix}{it.name}/")

        walk(self.items, "")
        return out


_CODE_RE = re.compile(r"^(?:CEB)?(\d{3})(?:Message)?$", re.IGNORECASE)


def message_name(code: str | int) -> str:
    """'311', 311, 'CEB311', 'CEB311Message' -> 'CEB311Message'."""
    m = _CODE_RE.match(str(code).strip())
    if not m or (m.group(1) not in EXPORT_CODES and m.group(1) not in IMPORT_CODES):
        raise ValidationError(f"unknown CEB message type {code!r}", field="message", rule="message-type")
    return f"CEB{m.group(1)}Message"


def _load_yaml(name: str) -> Any:
    return yaml.safe_load(resources.files("ponte.customs.china.codes").joinpath(name).read_text("utf-8"))


@cache
def field_rules() -> dict[str, Any]:
    return _load_yaml("fields.yaml")  # type: ignore[no-any-return]


def _compile(direction: str) -> dict[str, MessageSpec]:
    raw = json.loads(
        resources.files("ponte.customs.china")
        .joinpath(f"descriptions/ceb-{direction}-{EDITION}.json")
        .read_text("utf-8")
    )
    rules = field_rules()
    blocks: dict[str, Block] = {}

    def make_field(d: dict[str, Any], message: str) -> Field:
        f = Field(
            name=d["name"],
            required=d["min"] > 0,
            base=d["base"],
            length=d.get("length"),
            min_length=d.get("minLength"),
            max_length=d.get("maxLength"),
            total_digits=d.get("totalDigits"),
            fraction_digits=d.get("fractionDigits"),
            collapse=d.get("whiteSpace") == "collapse",
            default=d.get("default"),
            doc=d.get("doc", ""),
            open_tag=f"<ceb:{d['name']}>",
            close_tag=f"</ceb:{d['name']}>",
        )
        rule = {**rules["any"].get(f.name, {}), **rules["messages"].get(message, {}).get(f.name, {})}
        f.fmt, f.codes, f.fixed = rule.get("format"), rule.get("codes"), rule.get("fixed")
        return f

    def make_items(raw_items: list[dict[str, Any]], message: str) -> list[Item]:
        items = []
        for d in raw_items:
            it = Item(kind=d["kind"], name=d["name"], min=d["min"], max=d["max"])
            if d["kind"] == "field":
                it.field = make_field(d, message)
            elif d["kind"] == "block":
                key = (message, d["block"])
                if key not in blocks:  # type: ignore[comparison-overlap]
                    b = raw["blocks"][d["block"]]
                    blk = Block(name=d["name"], doc=b.get("doc", ""))
                    blocks[key] = blk  # type: ignore[index]
                    blk.items = make_items(b["items"], message)
                    blk.names = frozenset(i.name for i in blk.items)
                it.block = blocks[key]  # type: ignore[index]
            items.append(it)
        return items

    out = {}
    for name, m in raw["messages"].items():
        out[name] = MessageSpec(
            code=name, direction=direction, items=make_items(m["items"], name), doc=m.get("doc", "")
        )
    return out


@cache
def all_specs() -> dict[str, MessageSpec]:
    return {**_compile("export"), **_compile("import")}


def get_spec(code: str | int) -> MessageSpec:
    name = message_name(code)
    spec = all_specs().get(name)
    if spec is None:  # pragma: no cover - the code tables and the data agree (tested)
        raise ValidationError(f"no description for {name}", field="message", rule="message-type")
    return spec

"""Derive Ponte's message description (JSON data) from the official CEB XSDs.

This is a maintenance tool, run when customs publishes a new edition::

    python -m ponte.customs.china.specgen XSD export > descriptions/ceb-export-202205.json

Ponte never reads an XSD at run time: it ships the JSON this tool writes, and the test suite
regenerates it from the official XSDs to prove the shipped description still matches them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from lxml import etree

XS = "{http://www.w3.org/2001/XMLSchema}"
_INT_FACETS = {"length", "minLength", "maxLength", "totalDigits", "fractionDigits"}


def _doc(el: Any) -> str:
    d = el.find(f"{XS}annotation/{XS}documentation")
    return " ".join((d.text or "").split()) if d is not None else ""


def _occurs(el: Any) -> tuple[int, int | None]:
    lo = int(el.get("minOccurs", "1"))
    hi_raw = el.get("maxOccurs", "1")
    return lo, (None if hi_raw == "unbounded" else int(hi_raw))


def _simple(el: Any) -> dict[str, Any]:
    lo, hi = _occurs(el)
    item: dict[str, Any] = {"kind": "field", "name": el.get("name"), "min": lo, "max": hi}
    if el.get("type") == "ceb:XMLElement":
        item["base"] = "any"
    elif el.get("type", "").startswith("xs:"):
        item["base"] = el.get("type").split(":")[1]
    else:
        restr = el.find(f"{XS}simpleType/{XS}restriction")
        if restr is None:
            raise ValueError(f"element {el.get('name')} has no simple restriction")
        item["base"] = restr.get("base").split(":")[1]
        for facet in restr:
            tag = etree.QName(facet).localname
            item[tag] = int(facet.get("value")) if tag in _INT_FACETS else facet.get("value")
    if el.get("default") is not None:
        item["default"] = el.get("default")
    item["doc"] = _doc(el)
    return item


def _sequence(ct: Any, scope: str, blocks: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    seq = ct.find(f"{XS}sequence")
    for el in seq if seq is not None else []:
        if not isinstance(el.tag, str) or etree.QName(el).localname != "element":
            continue
        ref = el.get("ref")
        if ref:
            lo, hi = _occurs(el)
            prefix, name = ref.split(":")
            kind = "signature" if prefix == "ds" else "block"
            items.append({"kind": kind, "name": name, "block": name, "min": lo, "max": hi})
        elif el.find(f"{XS}complexType") is not None:
            lo, hi = _occurs(el)
            key = f"{scope}/{el.get('name')}"
            blocks[key] = {"doc": _doc(el), "items": _sequence(el.find(f"{XS}complexType"), key, blocks)}
            items.append({"kind": "block", "name": el.get("name"), "block": key, "min": lo, "max": hi})
        else:
            items.append(_simple(el))
    return items


def generate(xsd_path: Path, direction: str) -> dict[str, Any]:
    root = etree.parse(str(xsd_path)).getroot()
    blocks: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for el in root.findall(f"{XS}element"):
        name = el.get("name")
        ct = el.find(f"{XS}complexType")
        entry: dict[str, Any] = {"doc": _doc(el), "items": _sequence(ct, name, blocks)}
        if name.startswith("CEB") and name.endswith("Message"):
            entry["attributes"] = [
                {
                    "name": a.get("name"),
                    "required": a.get("use") == "required",
                    **{
                        etree.QName(f).localname: int(f.get("value"))
                        for f in a.findall(f"{XS}simpleType/{XS}restriction/*")
                    },
                }
                for a in ct.findall(f"{XS}attribute")
            ]
            messages[name] = entry
        else:
            blocks[name] = entry
    return {
        "edition": "202205",
        "direction": direction,
        "namespace": root.get("targetNamespace"),
        "source": f"GACC 海关跨境电商统一版系统企业对接报文规范（202205版）, {xsd_path.name}",
        "messages": messages,
        "blocks": blocks,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m ponte.customs.china.specgen XSD export|import", file=sys.stderr)
        return 2
    spec = generate(Path(argv[0]), argv[1])
    json.dump(spec, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))

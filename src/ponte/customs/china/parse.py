"""Read a CEB message (declaration or receipt) into the same data shape the builder writes.

The parser is namespace-aware and prefix-agnostic, refuses DTDs/entities/network access, unwraps DXP
envelopes (DxpMsg / DxpMsgSv, base64 ``Data``), and reports structural problems (unknown element, wrong
order, repeated single element) as violations naming the message and the path. Malformed XML, a wrong
namespace, an unknown message type or a truncated file raise :class:`ValidationError` with a clear text.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ponte.customs.china.spec import DS_NS, NS, Item, MessageSpec, all_specs, message_name
from ponte.kernel.errors import ValidationError, Violation

DXP_NS = "http://www.chinaport.gov.cn/dxp"

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


@dataclass
class Parsed:
    spec: MessageSpec
    data: dict[str, Any]
    violations: list[Violation] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)  # paths of unknown elements kept in lenient mode

    @property
    def code(self) -> str:
        return self.spec.code


def _local(el: Any) -> str:
    return etree.QName(el).localname  # type: ignore[no-any-return]


def load_xml(raw: bytes | str) -> Any:
    """Parse bytes into an lxml root element, with errors a user can act on."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw.strip():
        raise ValidationError("the file is empty", field="xml", rule="well-formed")
    if b"<!DOCTYPE" in raw[:2048] or b"<!ENTITY" in raw[:4096]:
        raise ValidationError(
            "DTDs and entities are not accepted in CEB messages", field="xml", rule="no-dtd"
        )
    try:
        return etree.fromstring(raw, _PARSER)
    except etree.XMLSyntaxError as exc:
        msg = str(exc.msg or exc)
        hint = " (the file looks truncated)" if "Premature end" in msg or "end of data" in msg else ""
        line, col = exc.position if exc.position else (0, 0)
        raise ValidationError(
            f"not well-formed XML at line {line}, column {col}: {msg}{hint}", field="xml", rule="well-formed"
        ) from None


def _unwrap(root: Any) -> Any:
    """DxpMsgSv -> DxpMsg -> base64 Data -> CEB root."""
    while etree.QName(root).namespace == DXP_NS:
        name = _local(root)
        if name == "DxpMsgSv":
            inner = root.find(f"{{{DXP_NS}}}DxpMsg")
            if inner is None:
                raise ValidationError("DxpMsgSv without DxpMsg", field="DxpMsgSv", rule="dxp-envelope")
            root = inner
        elif name == "DxpMsg":
            data = root.find(f"{{{DXP_NS}}}Data")
            if data is None or not (data.text or "").strip():
                raise ValidationError("DxpMsg without Data", field="DxpMsg/Data", rule="dxp-envelope")
            try:
                payload = base64.b64decode("".join(data.text.split()), validate=True)
            except (binascii.Error, ValueError):
                raise ValidationError(
                    "DxpMsg/Data is not base64", field="DxpMsg/Data", rule="base64"
                ) from None
            root = load_xml(payload)
        else:
            raise ValidationError(f"unknown DXP element {name}", field=name, rule="dxp-envelope")
    return root


_XSI_DECL = ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'


def _signature_text(el: Any) -> str:
    """The ds:Signature as text, without the root's xsi declaration it does not use (lxml writes every
    namespace in scope; carrying xsi along would change nothing but the bytes)."""
    raw: str = etree.tostring(el, encoding="unicode")
    head, _, rest = raw.partition(">")
    if "xsi:" not in rest:
        head = head.replace(_XSI_DECL, "")
    return f"{head}>{rest}"


def _read(items: list[Item], el: Any, path: str, data: dict[str, Any], p: Parsed, lenient: bool) -> None:
    index = {it.name: (i, it) for i, it in enumerate(items)}
    last = -1
    for child in el:
        if not isinstance(child.tag, str):
            continue
        q = etree.QName(child)
        name = q.localname
        cp = f"{path}/{name}"
        found = index.get(name)
        expected_ns = DS_NS if found and found[1].kind == "signature" else NS
        if found is None or q.namespace != expected_ns:
            if found is not None:
                p.violations.append(Violation(cp, "namespace", f"must be in namespace {expected_ns}"))
            elif lenient:
                p.extras.append(cp)
                data.setdefault("_extra", {})[name] = child.text or ""
            else:
                p.violations.append(Violation(cp, "unexpected-element", "is not an element of this block"))
            continue
        pos, it = found
        if pos < last:
            p.violations.append(Violation(cp, "order", "appears out of the sequence order of the message"))
        last = pos
        if it.kind == "signature":
            data["Signature"] = _signature_text(child)
            continue
        if it.field is not None:
            if it.field.base == "any":
                value = "".join(etree.tostring(c, encoding="unicode") for c in child)
            else:
                value = child.text or ""
            if name in data:
                p.violations.append(Violation(cp, "maxOccurs", "appears more than once"))
            data[name] = value
            continue
        assert it.block is not None
        sub: dict[str, Any] = {}
        if it.repeated:
            rows = data.setdefault(name, [])
            rows.append(sub)
            _read(it.block.items, child, f"{cp}[{len(rows)}]", sub, p, lenient)
            if it.max is not None and len(rows) == it.max + 1:
                p.violations.append(Violation(cp, "maxOccurs", f"allows at most {it.max} element(s)"))
        else:
            if name in data:
                p.violations.append(Violation(cp, "maxOccurs", "appears more than once (at most 1 allowed)"))
                continue
            data[name] = sub
            _read(it.block.items, child, cp, sub, p, lenient)


def parse(raw: bytes | str, *, lenient: bool = False, expect: str | None = None) -> Parsed:
    """Parse a CEB message. ``lenient`` keeps unknown elements (as real receipts carry) instead of
    reporting them; ``expect`` names the message type the caller wants."""
    root = _unwrap(load_xml(raw))
    q = etree.QName(root)
    if q.namespace != NS:
        got = q.namespace or "no namespace"
        raise ValidationError(
            f"root element {q.localname} is in {got}, expected {NS}", field=q.localname, rule="namespace"
        )
    try:
        name = message_name(q.localname)
    except ValidationError:
        raise ValidationError(
            f"unknown CEB message type {q.localname!r}", field=q.localname, rule="message-type"
        ) from None
    if name != q.localname:
        raise ValidationError(
            f"unknown CEB message type {q.localname!r}", field=q.localname, rule="message-type"
        )
    if expect is not None and message_name(expect) != name:
        raise ValidationError(f"expected {message_name(expect)}, got {name}", field=name, rule="message-type")
    spec = all_specs()[name]
    data: dict[str, Any] = {"guid": root.get("guid"), "version": root.get("version")}
    out = Parsed(spec=spec, data=data)
    for attr in root.attrib:
        if attr not in ("guid", "version") and not lenient:
            out.violations.append(Violation(f"{name}/@{attr}", "unexpected-attribute", "is not an attribute"))
    _read(spec.items, root, name, data, out, lenient)
    if data["version"] is None:
        del data["version"]
    return out

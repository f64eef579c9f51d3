"""Write a CEB message from its data, following Ponte's description of the message.

The data of a message is plain nested dicts keyed by element name, in the shape of the message:
``{"guid": ..., "version": "1.0", "Order": [{"OrderHead": {...}, "OrderList": [{...}]}],
"BaseTransfer": {...}}``. A block that may repeat is a list of dicts, a block that may not is a dict;
field values are ``str``, ``int`` or ``Decimal`` (never float). Absent optional elements (``None``) are
omitted. A pre-built ``ds:Signature`` or ExtendMessage ``Message`` is carried as raw XML text.

Every real message declares ``xmlns:xsi`` on its root (ceb-messages.md §3.1, §9: the signing tools of
the e-port build the SignedInfo with it in scope), so Ponte's do too.

The writer is a string template per element with XML escaping: no tree is built, which keeps building
and validating a message well under 100 µs.
"""

from __future__ import annotations

from typing import Any

from ponte.customs.china.compiled import emitter
from ponte.customs.china.lexical import attr, text
from ponte.customs.china.spec import NS, MessageSpec, get_spec

__all__ = ["XML_DECL", "XSI_NS", "build", "build_with"]

XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"


def build_with(spec: MessageSpec, data: dict[str, Any]) -> bytes:
    version = data.get("version")
    out = [
        XML_DECL,
        f'<ceb:{spec.code} guid="{attr(text(data.get("guid", "")))}" '
        f'version="{attr(text("1.0" if version is None else version))}" xmlns:ceb="{NS}" '
        f'xmlns:xsi="{XSI_NS}">',
    ]
    emitter(spec.items)(data, out)
    out.append(f"</ceb:{spec.code}>")
    return "".join(out).encode("utf-8")


def build(code: str | int, data: dict[str, Any]) -> bytes:
    """The UTF-8 bytes of message ``code`` (e.g. ``"311"``) holding ``data``; no validation here."""
    return build_with(get_spec(code), data)

"""Write a CEB message from its data, following Ponte's description of the message.

The data of a message is plain nested dicts keyed by element name, in the shape of the message:
``{"guid": ..., "version": "1.0", "Order": [{"OrderHead": {...}, "OrderList": [{...}]}],
"BaseTransfer": {...}}``. A block that may repeat is a list of dicts, a block that may not is a dict;
field values are ``str``, ``int`` or ``Decimal`` (never float). Absent optional elements (``None``) are
omitted. A pre-built ``ds:Signature`` or ExtendMessage ``Message`` is carried as raw XML text.

The writer is a string template per element with XML escaping: no tree is built, which keeps building
and validating a message well under 100 µs.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ponte.customs.china.compiled import emitter
from ponte.customs.china.spec import NS, Item, MessageSpec, get_spec
from ponte.kernel.errors import ValidationError

XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'


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


def escape(s: str) -> str:
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    return s


def _attr(s: str) -> str:
    return escape(s).replace('"', "&quot;")


def _emit(items: list[Item], data: dict[str, Any], out: list[str]) -> None:
    """Write one block's elements; the per-block function is generated once (see ``compiled``)."""
    emitter(items)(data, out)


def build_with(spec: MessageSpec, data: dict[str, Any]) -> bytes:
    out = [
        XML_DECL,
        f'<ceb:{spec.code} guid="{_attr(text(data.get("guid", "")))}" '
        f'version="{_attr(text(data.get("version", "1.0")))}" xmlns:ceb="{NS}">',
    ]
    _emit(spec.items, data, out)
    out.append(f"</ceb:{spec.code}>")
    return "".join(out).encode("utf-8")


def build(code: str | int, data: dict[str, Any]) -> bytes:
    """The UTF-8 bytes of message ``code`` (e.g. ``"311"``) holding ``data``; no validation here."""
    return build_with(get_spec(code), data)

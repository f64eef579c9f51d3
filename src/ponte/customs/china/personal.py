"""The buyer's personal data inside a CEB message, masked for readers who may not see it in clear.

The stored message stays whole (encrypted at rest, ``customs.store``); a view for a caller without the scope
``personal:read`` shows each of these elements' text masked (``12************78``), the rest untouched so the
message still reads as the one sent. Pure: bytes in, bytes out.
"""

from __future__ import annotations

import re

__all__ = ["PERSONAL_ELEMENTS", "mask_personal"]

#: Elements of the CEB messages (export and import) that carry a person's name, ID number, phone or address.
PERSONAL_ELEMENTS = (
    "buyerName", "buyerIdNumber", "buyerTelephone", "buyerRegNo", "consignee", "consigneeAddress",
    "consigneeTelephone", "consigneeDistrict", "payerName", "payerIdNumber", "payerTelephone",
)  # fmt: skip

_ELEMENT = re.compile(
    rb"(<(?:[\w.-]+:)?(?:" + "|".join(PERSONAL_ELEMENTS).encode() + rb")(?:\s[^>]*)?>)([^<]*)(</)"
)


def _mask(text: str) -> str:
    keep = 1 if len(text) <= 8 else 2
    if len(text) <= keep * 2:
        return "*" * len(text)
    return text[:keep] + "*" * (len(text) - keep * 2) + text[-keep:]


def mask_personal(xml: bytes) -> bytes:
    """The message with the text of every personal element masked (names, ID numbers, phones, addresses)."""
    return _ELEMENT.sub(
        lambda m: m.group(1) + _mask(m.group(2).decode("utf-8", "replace")).encode() + m.group(3), xml
    )

"""Checks every browser test makes of a page: axe-core finds nothing serious, no English left in a page
of another language, no sideways scrolling on a phone."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from babel.messages.pofile import read_po

from ponte.web.i18n import CATALOGUES, po_paths

SEVERE = {"serious", "critical"}


def axe_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations of the page (rule id and the first target)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({v['nodes'][0]['target'] if v['nodes'] else ''})"
        for v in results.response["violations"]
        if v.get("impact") in SEVERE
    ]


@cache
def english_only(lang: str) -> frozenset[str]:
    """Console messages whose text in `lang` differs from English (long enough to be words, not codes)."""
    found: set[str] = set()
    for path in po_paths(lang):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=CATALOGUES[lang]):
                text = str(message.id) if message.id and isinstance(message.id, str) else ""
                if len(text) >= 12 and "%(" not in text and message.string and message.string != text:
                    found.add(text)
    return frozenset(found)


def untranslated(page: Any, lang: str) -> list[str]:
    """English console messages visible on a page shown in another language."""
    if lang == "en":
        return []
    body = re.sub(r"\\s+", " ", page.inner_text("body"))
    return sorted(m for m in english_only(lang) if m in body)


def overflows(page: Any) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when nothing scrolls sideways)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))

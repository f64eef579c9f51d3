"""Every message the console shows exists, translated, in all four catalogues."""

from __future__ import annotations

import re

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from console_msgids import used_msgids

from ponte.web.i18n import CATALOGUES, po_path, po_paths

PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")


@pytest.mark.parametrize("lang", list(CATALOGUES))
def test_every_msgid_is_translated(lang: str) -> None:
    catalog = Catalog()
    for path in po_paths(lang):  # messages.po, then each capability's own .po
        with path.open("rb") as handle:
            for message in read_po(handle):
                if message.id:
                    catalog[message.id] = message
    used = used_msgids()
    assert len(used) > 100
    missing = sorted(m for m in used if m not in catalog or not catalog[m].string)
    assert not missing, f"{lang}: untranslated {missing}"
    fuzzy = sorted(m for m in used if catalog[m].fuzzy)
    assert not fuzzy, f"{lang}: fuzzy {fuzzy}"
    for msgid in used:
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(
            PLACEHOLDER.findall(str(catalog[msgid].string))
        ), msgid


def test_no_binary_catalogues_are_kept() -> None:
    root = po_path("en").parent.parent.parent
    assert not list(root.rglob("*.mo"))

"""The rows a declaration stores in the outbox: each message built, the signed kinds signed, with the
business key its receipt will echo."""

from __future__ import annotations

from typing import Any

from ponte.customs.china.build import build
from ponte.customs.china.kinds import RECEIPT_KEY, SIGNED_KINDS
from ponte.customs.china.rules import records
from ponte.customs.china.signer import Signer

__all__ = ["signed_rows"]


def signed_rows(msgs: dict[str, dict[str, Any]], signer: Signer) -> list[tuple[str, str, str, bytes]]:
    rows = []
    for kind, data in msgs.items():
        raw = build(kind, data)
        if kind in SIGNED_KINDS:
            raw = signer.sign(raw)
        _, head, _ = next(records(kind, data))
        rows.append((kind, str(data["guid"]), str(head[RECEIPT_KEY[kind]]), raw))
    return rows

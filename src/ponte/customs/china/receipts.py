"""Customs receipts: parse them, say what their status means (zh-CN, en, pt-BR, es), match them back
to the declaration they answer, and move the declaration's state forward (never backwards)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ponte.customs.china.parse import parse
from ponte.kernel.errors import ValidationError
from ponte.kernel.languages import LANGUAGES

_CODE_DESC = re.compile(r"\[Code:(-?\d+);Desc:([^\]]*)\]")

# receipt -> (declaration it answers, wrapper element, key field naming the declared record)
RECEIPTS: dict[str, tuple[str, str, str]] = {
    "304": ("303", "OrderReturn", "orderNo"),
    "404": ("403", "ReceiptsReturn", "orderNo"),
    "506": ("505", "LogisticsReturn", "logisticsNo"),
    "508": ("507", "ArrivalReturn", "copNo"),
    "510": ("509", "DepartureReturn", "copNo"),
    "604": ("603", "InventoryReturn", "copNo"),
    "606": ("605", "InvtCancelReturn", "copNo"),
    "608": ("607", "WayBillReturn", "copNo"),
    "702": ("701", "SummaryReturn", "copNo"),
    "792": ("701", "SummaryResult", "sumNo"),
    "214": ("213", "RefundReturn", "coElNo"),
    "216": ("215", "InvtRefundDetailReturn", "coElNo"),
    "312": ("311", "OrderReturn", "orderNo"),
    "412": ("411", "PaymentReturn", "payTransactionId"),
    "512": ("511", "LogisticsReturn", "logisticsNo"),
    "514": ("513", "LogisticsStatusReturn", "logisticsNo"),
    "622": ("621", "InventoryReturn", "copNo"),
    "624": ("623", "InvtCancelReturn", "copNo"),
    "626": ("625", "InvtRefundReturn", "copNo"),
    "712": ("711", "DeliveryReturn", "copNo"),
    "816": ("621", "Tax", "invtNo"),
    "818": ("621", "Tax", "invtNo"),
    "900": ("", "MessageReturn", "oriCopMsgId"),
}

STATE_RANK = {
    "draft": 0,
    "queued": 1,
    "sent": 2,
    "stored": 3,
    "error": 3,
    "declared": 4,
    "accepted": 5,
    "inspecting": 6,
    "released": 7,
    "closed": 8,
}
TERMINAL = {"rejected", "returned", "cancelled", "closed"}


@cache
def _statuses() -> dict[str, Any]:
    text = resources.files("ponte.customs.china.codes").joinpath("receipt_status.yaml").read_text("utf-8")
    return yaml.safe_load(text)  # type: ignore[no-any-return]


def status_info(status: str) -> dict[str, Any]:
    """{'state': ..., 'zh-CN': ..., 'en': ..., 'pt-BR': ..., 'es': ...} for a returnStatus value."""
    table = _statuses()
    s = str(status).strip()
    if s in table["statuses"]:
        return dict(table["statuses"][s])
    if s.startswith("-") and s[1:].isdigit():
        return dict(table["negative"])
    return dict(table["unknown"])


@dataclass(frozen=True)
class ReceiptEvent:
    receipt: str  # "CEB622Message"
    answers: str  # declaration code, e.g. "621"
    key: str  # value of the key field (orderNo, copNo, logisticsNo, ...)
    status: str
    state: str | None
    time: str  # yyyyMMddHHmmssSSS
    info: str
    guid: str = ""
    code: str | None = None  # [Code:n;Desc:...] inside returnInfo
    description: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)

    def meaning(self, lang: str = "en") -> str:
        return str(status_info(self.status).get(lang if lang in LANGUAGES else "en", ""))

    @property
    def sort_key(self) -> tuple[str, int]:
        return self.time, STATE_RANK.get(self.state or "", 0)


def parse_receipt(raw: bytes | str) -> list[ReceiptEvent]:
    """Events of a receipt message (lenient: extra elements as real CEB816 carry are accepted)."""
    parsed = parse(raw, lenient=True)
    num = parsed.spec.number
    if num not in RECEIPTS:
        raise ValidationError(
            f"{parsed.code} is a declaration, not a receipt", field=parsed.code, rule="receipt"
        )
    broken = [v for v in parsed.violations if v.rule in ("maxOccurs", "order", "namespace")]
    if broken:
        raise ValidationError.of(broken)
    answers, wrapper, key = RECEIPTS[num]
    events = []
    rows = parsed.data.get(wrapper) or []
    for row in rows if isinstance(rows, list) else [rows]:
        if num in ("816", "818"):
            head = row.get("TaxHeadRd") or row.get("TaxHeadStatus") or {}
            status = str(head.get("status", ""))
            tax_state = {"1": "taxed", "2": "taxed", "3": "tax-cancelled"}.get(status)
            events.append(
                ReceiptEvent(
                    parsed.code,
                    answers,
                    head.get(key, ""),
                    f"tax:{status}",
                    tax_state,
                    head.get("returnTime", ""),
                    head.get("note", "") or "",
                    head.get("guid", ""),
                    fields={**head, **row.get("_extra", {}), **head.get("_extra", {})},
                )
            )
            continue
        if num == "792":
            row = row.get("SummaryResultHead") or {}
        status = str(row.get("returnStatus", row.get("decState", ""))).strip()
        info = str(row.get("returnInfo", "") or "")
        m = _CODE_DESC.search(info)
        events.append(
            ReceiptEvent(
                receipt=parsed.code,
                answers=answers,
                key=str(row.get(key, "") or ""),
                status=status,
                state=_state(num, status),
                time=str(row.get("returnTime", row.get("opDate", "")) or ""),
                info=info,
                guid=str(row.get("guid", "")),
                code=m.group(1) if m else None,
                description=m.group(2) if m else None,
                fields=dict(row),
            )
        )
    return events


#: Receipts whose final positive status means the order's declaration is withdrawn or returned.
_DONE = ("399", "800", "899")
_FINAL_FOR = {"605": "cancelled", "623": "cancelled", "213": "returned", "625": "returned"}


def _state(num: str, status: str) -> str | None:
    if num == "900":
        return "error"
    answers = RECEIPTS[num][0]
    if answers in _FINAL_FOR and status in _DONE:
        return _FINAL_FOR[answers]
    state = status_info(status)["state"]
    if num == "792" and state is None:
        # decState values are set by customs and not listed in the specification: a summary result
        # means customs has taken the summary application into a declaration.
        return "accepted"
    return state  # type: ignore[no-any-return]


def next_state(current: str, event_state: str | None) -> str:
    """The declaration state after an event: terminal states stay, others only move forward."""
    if event_state is None or event_state in ("taxed", "tax-cancelled") or current in TERMINAL:
        return current
    if event_state in TERMINAL:
        return event_state
    if STATE_RANK.get(event_state, 0) >= STATE_RANK.get(current, 0):
        return event_state
    return current


def fold(events: list[ReceiptEvent], start: str = "sent") -> str:
    """State of one message after its receipts in returnTime order (they may arrive out of order or
    twice): the one fold of receipts; the store applies the same step (``next_state``) one receipt at a
    time and gets the same state."""
    state = start
    for ev in sorted(events, key=lambda e: e.sort_key):
        state = next_state(state, ev.state)
    return state


#: How a declaration's state answers for the order's journey.
CLEARED = frozenset({"released", "closed"})
REJECTED = frozenset({"rejected", "error"})


def declaration_state(states: Mapping[str, str]) -> str:
    """A declaration's state from its messages' states (kind -> state).

    A rejected document rejects the declaration; a cancellation or return is final; otherwise the
    declaration follows its inventory list (603/621), and before that its least advanced message."""
    values = set(states.values())
    for terminal in ("rejected", "cancelled", "returned"):
        if terminal in values:
            return terminal
    for inventory in ("603", "621"):
        if states.get(inventory) not in (None, "queued", "sent"):
            return states[inventory]
    return min(states.values(), key=lambda s: STATE_RANK.get(s, 0)) if states else "draft"

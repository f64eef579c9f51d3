"""The journey's decisions (pure): what a quote's verdict means for the order, which state customs
receipts and tracking events move it to, and which actions an order in a state offers.

The states and their moves are ``ponte.orders.states``; this module says which fact causes which move.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ponte.orders.states import DECLARED, MOVES

__all__ = [
    "ACTIONS",
    "Verdict",
    "actions_for",
    "state_after_declarations",
    "state_after_tracking",
    "verdict_of",
]


@dataclass(frozen=True)
class Verdict:
    """What a quote says of an order: ``allowed``, ``blocked`` (the law refuses it as it stands),
    ``incomplete`` (a fact is missing; the quote names it) or ``error`` (it could not be quoted)."""

    kind: str
    reasons: tuple[dict[str, Any], ...] = ()

    @property
    def lets_through(self) -> bool:
        return self.kind == "allowed"

    @property
    def state(self) -> str:
        """The order's state after this verdict: quoted when it may go on, held otherwise."""
        return "quoted" if self.lets_through else "held"

    def summary(self) -> str:
        codes = [f"{r.get('code')}:{r.get('field', '')}".rstrip(":") for r in self.reasons]
        return f"{self.kind}" + (f" ({', '.join(codes)})" if codes else "")


def verdict_of(status: str, reasons: Iterable[Mapping[str, Any]]) -> Verdict:
    """The verdict of a frozen quote (its status and its reasons): a blocked quote keeps the reasons that
    block it, an incomplete one the facts it misses; open legal points never hold an order."""
    if status == "allowed":
        return Verdict("allowed")
    kept = tuple(dict(r) for r in reasons if r.get("blocking") or r.get("code") != "open-point")
    return Verdict(status, kept)


#: Declaration states (customs receipts folded) that end the wait.
_RELEASED = {"released", "closed"}
_REFUSED = {"rejected", "error"}


def state_after_declarations(declarations: Iterable[str]) -> str | None:
    """Where customs receipts take a declared order: ``rejected`` as soon as one of its declarations is
    refused, ``cleared`` once every one is released, else nowhere yet (None)."""
    states = list(declarations)
    if not states:
        return None
    if any(s in _REFUSED for s in states):
        return "rejected"
    if all(s in _RELEASED for s in states):
        return "cleared"
    return None


#: Tracking status codes (IATA FSU) that move the order.
_TRACKING = {"DEP": "in_transit", "DLV": "delivered"}


def state_after_tracking(state: str, code: str) -> str | None:
    """The state a tracking event moves an order to, when the move is one the journey allows."""
    to = _TRACKING.get(code)
    return to if to is not None and to in MOVES.get(state, ()) else None


#: What a person or a program can do to an order, and the states it needs.
ACTIONS: dict[str, tuple[str, ...]] = {
    "pay": ("placed", "quoted", "held", "packed", "booked"),
    "quote": ("placed", "quoted", "held"),
    "fulfil": ("quoted",),
    "ship": ("packed",),
    "declare": ("booked", "rejected"),
    "cancel": tuple(s for s, moves in MOVES.items() if "cancelled" in moves),
    "return": ("in_transit", "delivered"),
}


def actions_for(state: str, paid: bool) -> list[str]:
    """The actions an order in ``state`` offers (payment once; declaring needs the payment)."""
    out = []
    for action, states in ACTIONS.items():
        if state not in states or (action == "pay" and paid) or (action == "declare" and not paid):
            continue
        out.append(action)
    return out


def needs_withdrawal(state: str) -> bool:
    """Cancelling an order customs already hold needs a withdrawal application."""
    return state in DECLARED

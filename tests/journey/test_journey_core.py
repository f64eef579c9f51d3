"""The journey's decisions, tested directly."""

from __future__ import annotations

import pytest

from ponte.journey.core import actions_for, state_after_declarations, state_after_tracking, verdict_of
from ponte.kernel.errors import ConflictError, ValidationError
from ponte.orders.states import MOVES, STATES, check_move

BLOCKING = {"code": "excluded-goods", "field": "/items/1/category", "blocking": True}
OPEN_POINT = {"code": "open-point", "field": "mx.general.rounding", "blocking": False}


def test_a_blocked_quote_holds_the_order_with_its_reasons() -> None:
    verdict = verdict_of("blocked", [OPEN_POINT, BLOCKING])
    assert (verdict.kind, verdict.state) == ("blocked", "held")
    assert verdict.reasons == (BLOCKING,)
    assert verdict.summary() == "blocked (excluded-goods:/items/1/category)"


def test_an_incomplete_quote_holds_the_order_and_an_allowed_one_lets_it_on() -> None:
    missing = {"code": "missing-fact", "field": "/destination_region", "blocking": False}
    incomplete = verdict_of("incomplete", [OPEN_POINT, missing])
    assert (incomplete.state, incomplete.reasons) == ("held", (missing,))
    allowed = verdict_of("allowed", [OPEN_POINT])
    assert (allowed.kind, allowed.state, allowed.reasons) == ("allowed", "quoted", ())


@pytest.mark.parametrize(
    ("states", "to"),
    [
        ([], None),
        (["sent", "released"], None),
        (["released", "closed"], "cleared"),
        (["accepted", "rejected"], "rejected"),
        (["error"], "rejected"),
    ],
)
def test_receipts_move_a_declared_order(states: list[str], to: str | None) -> None:
    assert state_after_declarations(states) == to


def test_tracking_moves_only_where_the_journey_allows() -> None:
    assert state_after_tracking("cleared", "DEP") == "in_transit"
    assert state_after_tracking("in_transit", "DLV") == "delivered"
    assert state_after_tracking("declared", "DEP") is None  # it cannot leave before customs release it
    assert state_after_tracking("in_transit", "ARR") is None


def test_actions_follow_the_state_and_the_payment() -> None:
    assert actions_for("quoted", paid=False) == ["pay", "quote", "fulfil", "cancel"]
    assert actions_for("booked", paid=False) == ["pay", "cancel"]
    assert actions_for("booked", paid=True) == ["declare", "cancel"]
    assert actions_for("delivered", paid=True) == ["return"]
    assert actions_for("cancelled", paid=True) == []


def test_every_state_is_reachable_from_placed_and_terminal_states_end() -> None:
    seen, todo = {"placed"}, ["placed"]
    while todo:
        for to in MOVES[todo.pop()]:
            if to not in seen:
                seen.add(to)
                todo.append(to)
    assert seen == set(STATES)
    assert MOVES["cancelled"] == MOVES["returned"] == ()
    with pytest.raises(ConflictError):
        check_move("delivered", "cancelled")
    with pytest.raises(ValidationError):
        check_move("placed", "lost")

"""The states of an order's journey and the moves between them (pure).

::

    placed ─► quoted ─► packed ─► booked ─► declared ─► cleared ─► in_transit ─► delivered ─► returned
      │  ▲       │         │         │        │  ▲          │            │
      └─►held◄───┘         │         │        ▼  │          │            └──────────► returned
         (blocked or       │         │      rejected        │
          incomplete)      └─────────┴────────┴─────────────┴─► cancelled (before it leaves)

* ``quoted``: the landed-cost quote is frozen with the order and its verdict allows it; ``held``: the
  verdict is blocked or incomplete, with its reasons, and the order goes no further until a new quote
  allows it.
* ``packed``: the fulfilment is chosen and the parcel made (weight, box, handling class).
* ``booked``: the parcel is consolidated with a carrier: a flight with house and master air waybills,
  or the last-mile carrier's waybill when it leaves a warehouse; ``packed`` again when its flight is
  offloaded before the order is declared, to be booked anew.
* ``declared``: the customs messages, built from the stored order, parcel and waybill, are in the outbox;
  receipts move the order to ``cleared`` or ``rejected`` (declared again after a fix).
* ``in_transit``, ``delivered``: from tracking events. ``returned``: the buyer sent it back.

Payment is a fact of the order (``paid`` in its history), not a state: an order may be paid before or
after it is quoted, and must be paid before it is declared.
"""

from __future__ import annotations

from ponte.kernel.errors import ConflictError, ValidationError

STATES = (
    "placed",
    "quoted",
    "held",
    "packed",
    "booked",
    "declared",
    "rejected",
    "cleared",
    "in_transit",
    "delivered",
    "returned",
    "cancelled",
)
MOVES: dict[str, tuple[str, ...]] = {
    "placed": ("quoted", "held", "cancelled"),
    "quoted": ("quoted", "held", "packed", "cancelled"),
    "held": ("quoted", "held", "cancelled"),
    "packed": ("booked", "cancelled"),
    "booked": ("declared", "packed", "cancelled"),
    "declared": ("cleared", "rejected", "cancelled"),
    "rejected": ("declared", "cancelled"),
    "cleared": ("in_transit", "cancelled"),
    "in_transit": ("delivered", "returned"),
    "delivered": ("returned",),
    "returned": (),
    "cancelled": (),
}
#: States in which customs hold messages of the order: cancelling sends a withdrawal.
DECLARED = ("declared", "rejected", "cleared")
#: States from which the order is on its way or done: nothing more is planned for it.
TERMINAL = ("returned", "cancelled")


def allowed(state: str, to: str) -> bool:
    return to in MOVES.get(state, ())


def check_move(state: str, to: str) -> None:
    """Raise naming the rule when an order in ``state`` cannot become ``to``."""
    if to not in STATES:
        raise ValidationError(
            f"status must be one of {', '.join(STATES)}", field="status", rule="order-state"
        )
    if not allowed(state, to):
        raise ConflictError(
            f"a {state} order cannot become {to}; from {state}: {', '.join(MOVES[state]) or 'nothing'}",
            field="status",
            rule="order-transition",
        )

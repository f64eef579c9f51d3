"""The choice among an order's options under the seller's rules (pure).

Only an option the law lets through (every leg's quote ``allowed``) can be chosen; ``never_split`` drops the
split options, ``max_delivery_days`` those promised later. Of the rest, ``cheapest`` takes the lowest total
cost (what the buyer pays in all plus what moving it costs), then the earliest promise; ``fastest`` the
earliest promise, then the lowest total; a tie goes to the option listed first (the direct parcel, then the
sites by code).
"""

from __future__ import annotations

from collections.abc import Sequence

from ponte.fulfilment.model import Choice, Option, SellerRules
from ponte.fulfilment.options import Inputs, options_for
from ponte.orders.core import Order

__all__ = ["choose", "select"]


def _rank(option: Option, index: int, prefer: str) -> tuple[object, ...]:
    days = option.delivery_days if option.delivery_days is not None else 10**6
    if prefer == "fastest":
        return (days, option.total_cost, index)
    return (option.total_cost, days, index)


def select(order_id: str, options: Sequence[Option], rules: SellerRules) -> Choice:
    opts = tuple(options)
    if not opts:
        return Choice(
            order_id,
            opts,
            None,
            "no-option",
            "no way to ship this order: no mode serves its buyer and direction",
        )
    allowed = [(i, o) for i, o in enumerate(opts) if o.status == "allowed"]
    if not allowed:
        why = "; ".join(f"{o.key}: {o.status} ({', '.join(o.reasons) or '-'})" for o in opts)
        return Choice(order_id, opts, None, "none-allowed", f"no option the law lets through: {why}")
    kept = [(i, o) for i, o in allowed if not (rules.never_split and o.split)]
    if not kept:
        return Choice(
            order_id, opts, None, "never-split", "only split options are left and the seller never splits"
        )
    if rules.max_delivery_days is not None:
        limit = rules.max_delivery_days
        within = [(i, o) for i, o in kept if o.delivery_days is not None and o.delivery_days <= limit]
        if not within:
            earliest = min(o.delivery_days or 0 for _, o in kept)
            return Choice(
                order_id, opts, None, "max-delivery-days",
                f"no option arrives within {limit} days (the earliest takes {earliest})",
            )  # fmt: skip
        kept = within
    winner, best = min(kept, key=lambda io: _rank(io[1], io[0], rules.prefer))
    if len(kept) == 1:
        return Choice(
            order_id, opts, best, "only-option", f"{best.key} is the only option left: {_brief(best)}"
        )
    others = ", ".join(f"{o.key} {_brief(o)}" for j, o in kept if j != winner)
    return Choice(
        order_id, opts, best, rules.prefer, f"{rules.prefer}: {best.key} {_brief(best)}; beside {others}"
    )


def _brief(o: Option) -> str:
    return f"{o.total_cost} {o.currency} in {o.delivery_days} days"


def choose(order: Order, inputs: Inputs) -> Choice:
    """The order's options and the one its seller's rules choose."""
    return select(order.id, options_for(order, inputs), inputs.seller)

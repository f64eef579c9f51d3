"""The journey's use cases: every step of an order, stored, linked and moved through one service call.

The API, the console, the CLI and the batch call these; each stages its work in the caller's unit of
work (the caller commits once, so a step and its move are stored together or not at all). Each
capability does its own part through its service: duties quote, logistics pack and book, customs
declare; the journey moves the order and records why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ponte.duties import service as duties
from ponte.duties.context import FxSource
from ponte.duties.params import Rules
from ponte.journey.core import Verdict, verdict_of
from ponte.journey.store import OrderQuote, QuoteRepository
from ponte.kernel.errors import ConflictError
from ponte.orders import service as orders
from ponte.orders.intake import OrderIn, PaymentIn
from ponte.orders.store import Order
from ponte.platform.db import UnitOfWork

__all__ = ["Context", "Placed", "cancel", "frozen_quote", "pay", "place", "requote"]


@dataclass(frozen=True)
class Context:
    """What the journey's steps need beyond the database: built once by ``ponte.bootstrap``."""

    rules: Rules
    fx: FxSource | None


@dataclass(frozen=True)
class Placed:
    """An order as a step left it: its row, its frozen quote and the verdict."""

    order: Order
    quote: OrderQuote | None
    verdict: Verdict | None


def _quote(
    uow: UnitOfWork, tenant_id: str, order_id: str, ctx: Context, at: datetime
) -> tuple[OrderQuote, Verdict]:
    frozen = duties.quote_stored_order(uow, tenant_id, order_id, rules=ctx.rules, fx=ctx.fx, quoted_at=at)
    data = frozen.as_dict()
    stored = QuoteRepository(uow.session, tenant_id).add(
        order_id, frozen.status, str(data["rules"]["digest"]), data, at
    )
    return stored, verdict_of(frozen.status, frozen.reasons)


def place(uow: UnitOfWork, tenant_id: str, order_in: OrderIn, ctx: Context, at: datetime) -> Placed:
    """Store an order and quote it at once: the quote is frozen with the order, and its verdict moves
    it to ``quoted`` (it may go on) or ``held`` (blocked or incomplete, with the reasons)."""
    order = orders.place_order(uow, tenant_id, order_in, at)
    quote, verdict = _quote(uow, tenant_id, order.id, ctx, at)
    order = orders.move(uow, tenant_id, order.id, verdict.state, at, verdict.summary())
    return Placed(order, quote, verdict)


def requote(uow: UnitOfWork, tenant_id: str, order_id: str, ctx: Context, at: datetime) -> Placed:
    """Quote an order again (after its facts, the seller's registrations or the rules changed); a new
    revision is frozen, the old ones are kept."""
    quote, verdict = _quote(uow, tenant_id, order_id, ctx, at)
    order = orders.move(uow, tenant_id, order_id, verdict.state, at, f"requoted: {verdict.summary()}")
    return Placed(order, quote, verdict)


def frozen_quote(uow: UnitOfWork, tenant_id: str, order_id: str, revision: int | None = None) -> OrderQuote:
    """The quote frozen with the order (its latest revision, or the one asked for)."""
    quotes = QuoteRepository(uow.session, tenant_id)
    if revision is None:
        return quotes.get_latest(order_id)
    found = next((q for q in quotes.all(order_id) if q.revision == revision), None)
    if found is None:
        raise ConflictError(
            f"the order has no quote revision {revision}", field="revision", rule="quote-revision"
        )
    return found


def pay(uow: UnitOfWork, tenant_id: str, order_id: str, payment: PaymentIn, at: datetime) -> Order:
    """Record the buyer's payment (a fact of the order, needed before it is declared)."""
    return orders.record_payment(uow, tenant_id, order_id, payment, at)


def cancel(uow: UnitOfWork, tenant_id: str, order_id: str, reason: str, at: datetime) -> Order:
    """Cancel an order that has not left yet."""
    return orders.move(uow, tenant_id, order_id, "cancelled", at, reason)


def summary(placed: Placed) -> dict[str, Any]:
    return {
        "status": placed.order.status,
        "verdict": placed.verdict.kind if placed.verdict else None,
        "reasons": list(placed.verdict.reasons) if placed.verdict else [],
    }

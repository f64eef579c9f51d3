"""A file's orders placed and quoted many at a time, storing for each exactly what ``service.place`` stores
when it is placed alone: the order, its lines and buyer, its history (``placed``, then ``quoted`` or
``held`` with the verdict), its frozen quote (revision 0) and the seller's webhook deliveries.

One call is one chunk in the caller's unit of work: the caller commits it whole or not at all. An order that
breaks a rule is left out with its row errors (naming the file row, the column and the rule); the others
go through. ``tests/orders/test_bulk_import.py`` holds the stored result equal to placing each order alone.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ponte.duties import service as duties
from ponte.journey.core import verdict_of
from ponte.journey.service import Context
from ponte.journey.store import QuoteRepository, frozen_text
from ponte.kernel.errors import PonteError
from ponte.orders import bulk_place as orders_bulk
from ponte.orders.csv_upload import ParsedOrder, RowError, errors_from
from ponte.platform.db import UnitOfWork
from ponte.webhooks import service as webhooks

__all__ = ["Chunk", "place_many"]


@dataclass
class Chunk:
    """What placing a chunk did: the orders stored (as the upload reports them) and the row errors."""

    created: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def place_many(
    uow: UnitOfWork, tenant_id: str, items: Sequence[ParsedOrder], ctx: Context, at: datetime
) -> Chunk:
    """Place and quote these orders, staging them in ``uow`` (the caller commits)."""
    out = Chunk()
    prepared = orders_bulk.prepare(uow, tenant_id, items, at)
    out.errors.extend(prepared.errors)
    seller = duties.registrations(uow, tenant_id)
    frozen = duties.quote_records(
        [a.record for a in prepared.accepted], rules=ctx.rules, fx=ctx.fx, seller=seller, quoted_at=at
    )
    refused = [(a, e) for a, e in zip(prepared.accepted, frozen, strict=True) if isinstance(e, PonteError)]
    if refused:
        # an order the engine refuses is not stored, nor the buyer it would have created: the others are
        # prepared again, so a later order of that buyer creates it with its own details, as placed alone
        for a, error in refused:
            out.errors.extend(errors_from(error.violations, a.item.rows))
        left = {a.id for a, _ in refused}
        again = place_many(uow, tenant_id, [a.item for a in prepared.accepted if a.id not in left], ctx, at)
        out.created.extend(again.created)
        out.errors.extend(again.errors)
        return out
    outcomes: dict[str, tuple[str, str]] = {}
    quotes: list[tuple[str, str, str, str]] = []
    events: list[tuple[str, dict[str, Any]]] = []
    texts = _Texts()
    for a, f in zip(prepared.accepted, frozen, strict=True):
        assert not isinstance(f, PonteError)
        verdict = verdict_of(f.status, f.reasons)
        outcomes[a.id] = (verdict.state, verdict.summary())
        data = f.as_dict()
        quotes.append((a.id, f.status, str(data["rules"]["digest"]), texts.text(data)))
        payload = {"order_id": a.id, "external_ref": a.item.external_ref, "status": verdict.state,
                   "note": verdict.summary()}  # fmt: skip
        events.append((f"order.{verdict.state}", payload))
        out.created.append(
            {"external_ref": a.item.external_ref, "id": a.id, "status": verdict.state, "verdict": verdict.kind,
             "reasons": list(verdict.reasons)}
        )  # fmt: skip
    orders_bulk.stage(uow, tenant_id, prepared.accepted, outcomes, at)
    QuoteRepository(uow.session, tenant_id).add_first(quotes, at)
    webhooks.notify_many(uow, tenant_id, events, at)
    return out


class _Texts:
    """Frozen quotes as stored (``store.frozen_text``), written once per distinct answer: the orders that
    share one (``duties.quote_records``) differ only by their order id, set in the text."""

    _TOKEN = "\u2063order\u2063"

    def __init__(self) -> None:
        self._by_answer: dict[int, tuple[Any, str]] = {}

    def text(self, data: dict[str, Any]) -> str:
        key = id(data["response"])
        known = self._by_answer.get(key)
        if known is None or known[0] is not data["response"]:
            known = self._by_answer[key] = (data["response"], frozen_text({**data, "order_id": self._TOKEN}))
        return known[1].replace(json.dumps(self._TOKEN, ensure_ascii=False), json.dumps(data["order_id"]), 1)

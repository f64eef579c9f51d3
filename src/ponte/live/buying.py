"""Buying during a live session, as the purchase hot path runs it: the offer's terms kept a few seconds per
process, the purchase (one statement, or PostgreSQL's group commit), giving a reservation's units back,
and the reconciliation that proves no unit was lost or sold twice."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any

from ponte.live.store.ledger import Reconciliation, reconcile, release
from ponte.live.store.pg_batcher import AsyncPurchaseBatcher, Outcome
from ponte.live.store.repository import LiveRepository
from ponte.live.store.stock_sql import Held, OfferSnapshot, finish, load_offer, prepare, purchase
from ponte.platform.db import Database

__all__ = ["Held", "OfferSnapshot", "cancel", "expire", "forget_offer", "reconciliation", "reserve"]

# Terms of an offer never change after it is made (closing early is checked in the purchase statement
# itself), so each process may keep them for a few seconds.
_OFFERS: dict[tuple[str, str], tuple[float, OfferSnapshot]] = {}
OFFER_TTL = 5.0
_BATCHERS: dict[tuple[str, int], AsyncPurchaseBatcher] = {}


def forget_offer(tenant_id: str, offer_id: str) -> None:
    """Drop this process's copy of an offer's terms (it was closed)."""
    _OFFERS.pop((tenant_id, offer_id), None)


def _snapshot(database: Database, tenant_id: str, offer_id: str) -> OfferSnapshot:
    snap = load_offer(database, tenant_id, offer_id)
    _OFFERS[(tenant_id, offer_id)] = (time.monotonic(), snap)
    return snap


def _batcher(database: Database) -> AsyncPurchaseBatcher | None:
    """On PostgreSQL, this event loop's purchase batcher (group commit); None elsewhere."""
    if database.engine.dialect.name != "postgresql":
        return None
    key = (database.url, id(asyncio.get_running_loop()))
    found = _BATCHERS.get(key)
    if found is None:
        found = _BATCHERS[key] = AsyncPurchaseBatcher(database.url)
    return found


async def reserve(
    database: Database,
    tenant_id: str,
    offer_id: str,
    buyer_ref: str,
    quantity: int,
    at: datetime,
    idempotency_key: str | None,
) -> tuple[Held, OfferSnapshot]:
    """Hold ``quantity`` units for the buyer (blocking work off the event loop), or raise naming the rule
    that refused it; the reservation and the offer's terms."""
    hit = _OFFERS.get((tenant_id, offer_id))
    if hit is not None and time.monotonic() - hit[0] < OFFER_TTL:
        offer = hit[1]
    else:
        offer = await asyncio.to_thread(_snapshot, database, tenant_id, offer_id)
    batcher = _batcher(database)
    if batcher is None:
        held = await asyncio.to_thread(purchase, database, offer, buyer_ref, quantity, at, idempotency_key)
        return held, offer
    params = prepare(offer, buyer_ref, quantity, at, idempotency_key)
    first: Any
    try:
        first = await batcher.submit(params)
    except Exception as exc:  # the group commit failed for this one: `finish` retries it alone
        first = exc
    if isinstance(first, Outcome) and first.taken:
        return Held(params["id"], offer.id, buyer_ref, quantity, "held", params["exp"]), offer
    return await asyncio.to_thread(finish, database, params, first), offer


def cancel(database: Database, tenant_id: str, reservation_id: str, at: datetime) -> int:
    """Give a held reservation's units back; how many were released (0 if it was no longer held)."""
    with database.unit_of_work() as uow:
        LiveRepository(uow.session, tenant_id).reservation(reservation_id)  # 404 for another tenant's
    return release(database, at, tenant_id, reservation_id, "cancelled")


def expire(database: Database, tenant_id: str, at: datetime) -> int:
    """Return the stock of the tenant's overdue reservations; how many."""
    return release(database, at, tenant_id)


def reconciliation(database: Database, tenant_id: str, offer_id: str) -> Reconciliation:
    """Buckets + held + paid against the offer's cap."""
    return reconcile(database, tenant_id, offer_id)

"""Live selling's use cases: the streamer's control panel (start and end, the booth route, pinning,
opening and closing offers), its figures with paid and held kept apart, the post-session report, and
turning a paid reservation into an order, in the same unit of work."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from pydantic import ValidationError as PydanticError
from sqlalchemy import update

from ponte.accounts import notifications
from ponte.catalog import service as catalog
from ponte.kernel.errors import ConflictError, ValidationError, Violation
from ponte.live import sessions as core
from ponte.live.offers import DEFAULT_HOLD, Countdown, OfferTerms, check_terms, countdown
from ponte.live.panel import route_of
from ponte.live.store.ledger import release
from ponte.live.store.repository import LiveRepository, sold_out_offers, terms_of
from ponte.live.store.stock_sql import load_offer, purchase
from ponte.live.store.tables import LiveSession, Offer, Reservation, Streamer
from ponte.orders.intake import OrderIn
from ponte.orders.service import Order, place_order
from ponte.platform.db import Database, UnitOfWork


def pay_reservation(
    uow: UnitOfWork, tenant_id: str, reservation_id: str, details: dict[str, Any], at: datetime
) -> Order:
    """Place the order for a held reservation at the offer's price; the hold must not have expired."""
    repo = LiveRepository(uow.session, tenant_id)
    held = repo.reservation(reservation_id)
    if held.status != "held":
        raise ConflictError(f"the reservation is {held.status}", field="reservation", rule="reservation-held")
    if held.expires_at <= at:
        raise ConflictError(
            "the reservation has expired", field="reservation", rule="reservation-not-expired"
        )
    offer = repo.offer(held.offer_id)
    try:
        order_in = OrderIn.model_validate(
            {
                **details,
                "channel": "live",  # the buyer's payment (details["payment"]) is recorded with the order
                "currency": offer.currency,
                "lines": [{"sku": offer.sku, "quantity": held.quantity, "unit_price": offer.price}],
            }
        )
    except PydanticError as exc:
        raise ValidationError.of(
            [Violation(".".join(str(p) for p in e["loc"]), e["type"], e["msg"]) for e in exc.errors()]
        ) from exc
    order = place_order(uow, tenant_id, order_in, at)
    order.live_session_id = held.session_id
    uow.session.flush()
    done = uow.session.execute(
        update(Reservation)
        .where(
            Reservation.id == reservation_id,
            Reservation.tenant_id == tenant_id,
            Reservation.status == "held",
            Reservation.expires_at > at,
        )
        .values(status="paid", order_id=order.id)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError("the reservation changed meanwhile", field="reservation", rule="reservation-held")
    return order


def notify_sold_out(database: Database, at: datetime) -> int:
    """Tell each tenant's live people that an open offer has no unit left (once per offer; units held and
    not paid may still come back when their hold ends); how many were told. The background worker calls it."""
    told = 0
    with database.unit_of_work() as uow:
        for offer in sold_out_offers(uow.session, at):
            params = {"sku": offer.sku, "session_id": offer.session_id, "cap": offer.quantity_cap}
            told += notifications.notify(
                uow, offer.tenant_id, "offer.sold_out", offer.id, f"{offer.id}:sold-out", params, at
            )
        uow.commit()
    return told


def release_overdue(database: Database, at: datetime, limit: int = 500) -> int:
    """Give back the stock of every held reservation whose hold ended before ``at`` (every tenant); how many.
    The background worker calls this every few seconds; each round is its own transaction."""
    return release(database, at, limit=limit)


# --- the streamer's control panel ------------------------------------------------------------------


def add_streamer(uow: UnitOfWork, tenant_id: str, name: str, languages: list[str], at: datetime) -> str:
    return LiveRepository(uow.session, tenant_id).add_streamer(name, languages, at).id


def add_session(
    uow: UnitOfWork,
    tenant_id: str,
    title: str,
    streamer_id: str,
    starts_at: datetime,
    ends_at: datetime,
    route: list[core.Visit],
    at: datetime,
) -> LiveSession:
    known = set(catalog.booths(uow, tenant_id))
    return LiveRepository(uow.session, tenant_id).add_session(
        title, streamer_id, starts_at, ends_at, route, at, known
    )


def reserve(
    database: Database, tenant_id: str, offer_id: str, buyer_ref: str, quantity: int, at: datetime
) -> str:
    """Hold units of an offer for a buyer (the flash sale's purchase); the reservation's id."""
    return purchase(
        database, load_offer(database, tenant_id, offer_id), buyer_ref, quantity, at
    ).reservation_id


def start(uow: UnitOfWork, tenant_id: str, session_id: str, at: datetime) -> LiveSession:
    """Go live. A session started before its planned time starts now (its route keeps its times)."""
    repo = LiveRepository(uow.session, tenant_id)
    row = repo.set_status(session_id, "live")
    if at < row.starts_at:
        row.starts_at = at
    uow.session.flush()
    return row


def end(uow: UnitOfWork, tenant_id: str, session_id: str, at: datetime) -> LiveSession:
    """End the session: its offers still open close now."""
    repo = LiveRepository(uow.session, tenant_id)
    row = repo.set_status(session_id, "ended")
    for offer in repo.offers(session_id):
        if countdown(terms_of(offer), at, offer.closed_early).state != "closed":
            offer.closed_early = True
    if row.pinned_offer_id is not None:
        row.pinned_offer_id = None
    uow.session.flush()
    return row


def walk(
    uow: UnitOfWork, tenant_id: str, session_id: str, at: datetime, to: int | None = None
) -> LiveSession:
    """Move the streamer along the booth route (to the next booth, or to visit `to`)."""
    repo = LiveRepository(uow.session, tenant_id)
    live = repo.get_session(session_id)
    if live.status != "live":
        raise ConflictError("the session is not live", field="status", rule="session-live")
    return repo.set_route(session_id, core.move_along(route_of(live), at, to))


def pin(uow: UnitOfWork, tenant_id: str, session_id: str, offer_id: str | None) -> LiveSession:
    row = LiveRepository(uow.session, tenant_id).pin(session_id, offer_id)
    uow.session.flush()
    return row


def open_offer(
    uow: UnitOfWork,
    tenant_id: str,
    session_id: str,
    sku: str,
    price: Decimal,
    quantity: int,
    per_buyer: int,
    minutes: int,
    at: datetime,
    hold: timedelta | None = None,
) -> Offer:
    """Open a flash sale now for `minutes`, priced in the product's currency, and pin it."""
    repo = LiveRepository(uow.session, tenant_id)
    problems, terms = _offer_terms(uow, tenant_id, sku, price, quantity, per_buyer, minutes, at, hold)
    if problems:
        raise ValidationError.of(problems)
    offer = repo.add_offer(session_id, sku, terms, at, _product(uow, tenant_id, sku))
    repo.pin(session_id, offer.id)
    uow.session.flush()
    return offer


def offer_problems(
    uow: UnitOfWork,
    tenant_id: str,
    sku: str,
    price: Decimal,
    quantity: int,
    per_buyer: int,
    minutes: int,
    at: datetime,
) -> list[Violation]:
    """Every rule a flash sale opened now with these terms would break (nothing is stored)."""
    return _offer_terms(uow, tenant_id, sku, price, quantity, per_buyer, minutes, at, None)[0]


def _offer_terms(
    uow: UnitOfWork,
    tenant_id: str,
    sku: str,
    price: Decimal,
    quantity: int,
    per_buyer: int,
    minutes: int,
    at: datetime,
    hold: timedelta | None,
) -> tuple[list[Violation], OfferTerms]:
    products = catalog.rows_by_sku(uow, tenant_id, [sku])
    problems: list[Violation] = []
    if sku not in products:
        problems.append(Violation("sku", "known-sku", f"SKU {sku!r} is not in the catalogue"))
    if not 1 <= minutes <= 24 * 60:
        problems.append(Violation("minutes", "range 1..1440", "an offer lasts 1 minute to 24 hours"))
    terms = OfferTerms(
        price=price,
        currency=products[sku].currency if sku in products else "CNY",
        quantity_cap=quantity,
        per_buyer_limit=per_buyer,
        opens_at=at,
        closes_at=at + timedelta(minutes=max(minutes, 1)),
        hold=DEFAULT_HOLD if hold is None else hold,
    )
    try:
        check_terms(terms)
    except ValidationError as exc:  # every rule the offer breaks, shown together
        problems.extend(exc.violations)
    return problems, terms


def close_offer(uow: UnitOfWork, tenant_id: str, offer_id: str) -> Offer:
    repo = LiveRepository(uow.session, tenant_id)
    offer = repo.close_offer(offer_id)
    live = repo.get_session(offer.session_id)
    if live.pinned_offer_id == offer_id:
        live.pinned_offer_id = None
    uow.session.flush()
    return offer


def offer_session(uow: UnitOfWork, tenant_id: str, offer_id: str) -> str:
    return LiveRepository(uow.session, tenant_id).offer(offer_id).session_id


# --- the seller's sessions as the API reads and moves them -----------------------------------------


def _product(uow: UnitOfWork, tenant_id: str, sku: str) -> tuple[str, str] | None:
    """The catalogue's id and currency of the SKU (None when the seller does not sell it)."""
    row = catalog.rows_by_sku(uow, tenant_id, [sku]).get(sku)
    return None if row is None else (row.id, row.currency)


def streamers(uow: UnitOfWork, tenant_id: str) -> list[Streamer]:
    return LiveRepository(uow.session, tenant_id).streamers()


def streamer(uow: UnitOfWork, tenant_id: str, streamer_id: str) -> Streamer:
    return LiveRepository(uow.session, tenant_id).streamer(streamer_id)


def session(uow: UnitOfWork, tenant_id: str, session_id: str) -> LiveSession:
    return LiveRepository(uow.session, tenant_id).get_session(session_id)


def set_status(uow: UnitOfWork, tenant_id: str, session_id: str, status: str) -> LiveSession:
    """Move the session to ``status`` (live or ended) along its states; the caller commits."""
    row = LiveRepository(uow.session, tenant_id).set_status(session_id, status)
    uow.session.flush()
    return row


def add_offer(
    uow: UnitOfWork, tenant_id: str, session_id: str, sku: str, terms: OfferTerms, at: datetime
) -> Offer:
    """An offer of the session on the given terms (checked; in the product's currency); the caller commits."""
    return LiveRepository(uow.session, tenant_id).add_offer(
        session_id, sku, terms, at, _product(uow, tenant_id, sku)
    )


def offers_left(uow: UnitOfWork, tenant_id: str, session_id: str) -> list[tuple[Offer, int]]:
    """The session's offers with the units each has left."""
    repo = LiveRepository(uow.session, tenant_id)
    repo.get_session(session_id)
    offers = repo.offers(session_id)
    left = repo.available([o.id for o in offers])
    return [(o, left.get(o.id, 0)) for o in offers]


def offer_left(uow: UnitOfWork, tenant_id: str, offer_id: str) -> tuple[Offer, int]:
    """An offer with the units it has left."""
    repo = LiveRepository(uow.session, tenant_id)
    return repo.offer(offer_id), repo.available([offer_id]).get(offer_id, 0)


def offer_clock(offer: Offer, at: datetime) -> Countdown:
    """Where the offer stands at ``at``: not yet open, open with seconds left, or closed."""
    return countdown(terms_of(offer), at, offer.closed_early)


def figures(
    uow: UnitOfWork, tenant_id: str, session_id: str, at: datetime
) -> tuple[core.Figures, dict[str, object]]:
    """The session's figures right now (paid orders, units left, top products) and its extras."""
    return LiveRepository(uow.session, tenant_id).figures(session_id, at)

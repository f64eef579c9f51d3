"""Streamers, sessions and offers of one tenant (the stock itself lives in `live_stock`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from ponte.kernel.errors import ConflictError, NotFoundError, ValidationError
from ponte.kernel.ids import new_id
from ponte.live import sessions as core
from ponte.live.offers import OfferTerms, check_terms, countdown, split_stock
from ponte.live.store.tables import LiveSession, Offer, Reservation, StockBucket, Streamer
from ponte.platform.db import TenantScoped


class LiveRepository(TenantScoped):
    def add_streamer(self, name: str, languages: list[str], at: datetime) -> Streamer:
        row = Streamer(
            id=new_id("str"), tenant_id=self.tenant_id, name=name, languages=languages, created_at=at
        )
        self.session.add(row)
        self.session.flush()
        return row

    def streamer(self, streamer_id: str) -> Streamer:
        row = self.session.scalar(
            select(Streamer).where(Streamer.id == streamer_id, Streamer.tenant_id == self.tenant_id)
        )
        if row is None:
            raise NotFoundError("streamer", streamer_id)
        return row

    def streamers(self) -> list[Streamer]:
        return list(
            self.session.scalars(
                select(Streamer).where(Streamer.tenant_id == self.tenant_id).order_by(Streamer.id)
            )
        )

    def add_session(
        self,
        title: str,
        streamer_id: str,
        starts_at: datetime,
        ends_at: datetime,
        route: list[core.Visit],
        at: datetime,
        known: set[str],
    ) -> LiveSession:
        """A scheduled session; ``known`` are the seller's booths (the catalogue's)."""
        self.streamer(streamer_id)
        core.check_schedule(starts_at, ends_at, route)
        for index, visit in enumerate(route):
            if visit.booth_id not in known:
                raise ValidationError(
                    f"booth {visit.booth_id!r} is not one of this seller's booths",
                    field=f"route.{index}.booth_id",
                    rule="known-booth",
                )
        row = LiveSession(
            id=new_id("lvs"),
            tenant_id=self.tenant_id,
            title=title,
            streamer_id=streamer_id,
            starts_at=starts_at,
            ends_at=ends_at,
            status="scheduled",
            route=[{"booth_id": v.booth_id, "at": v.at.astimezone(UTC).isoformat()} for v in route],
            pinned_offer_id=None,
            created_at=at,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def get_session(self, session_id: str) -> LiveSession:
        row = self.session.scalar(
            select(LiveSession).where(LiveSession.id == session_id, LiveSession.tenant_id == self.tenant_id)
        )
        if row is None:
            raise NotFoundError("session", session_id)
        return row

    def sessions(self, limit: int = 100) -> list[LiveSession]:
        return list(
            self.session.scalars(
                select(LiveSession)
                .where(LiveSession.tenant_id == self.tenant_id)
                .order_by(LiveSession.starts_at.desc())
                .limit(limit)
            )
        )

    def set_status(self, session_id: str, status: str) -> LiveSession:
        row = self.get_session(session_id)
        row.status = core.move(row.status, status)
        return row

    def pin(self, session_id: str, offer_id: str | None) -> LiveSession:
        row = self.get_session(session_id)
        if offer_id is not None and self.offer(offer_id).session_id != session_id:
            raise ValidationError(
                "the offer belongs to another session", field="offer_id", rule="same-session"
            )
        row.pinned_offer_id = offer_id
        return row

    def add_offer(
        self, session_id: str, sku: str, terms: OfferTerms, at: datetime, product: tuple[str, str] | None
    ) -> Offer:
        """An offer of ``product`` (its id and currency in the catalogue, None when the SKU is unknown)."""
        live = self.get_session(session_id)
        if live.status == "ended":
            raise ConflictError("the session has ended", field="session_id", rule="session-not-ended")
        check_terms(terms)
        if product is None:
            raise ValidationError(f"SKU {sku!r} is not in the catalogue", field="sku", rule="known-sku")
        product_id, currency = product
        if currency != terms.currency.upper():
            raise ValidationError(
                f"the offer must be in the product's currency {currency}",
                field="currency",
                rule="product-currency",
            )
        offer = Offer(
            id=new_id("ofr"),
            tenant_id=self.tenant_id,
            session_id=session_id,
            product_id=product_id,
            sku=sku,
            price=terms.price,
            currency=terms.currency.upper(),
            quantity_cap=terms.quantity_cap,
            per_buyer_limit=terms.per_buyer_limit,
            opens_at=terms.opens_at,
            closes_at=terms.closes_at,
            hold_seconds=int(terms.hold.total_seconds()),
            buckets=terms.buckets,
            closed_early=False,
            created_at=at,
        )
        self.session.add(offer)
        self.session.flush()
        for number, units in enumerate(split_stock(terms.quantity_cap, terms.buckets)):
            self.session.add(
                StockBucket(offer_id=offer.id, bucket=number, tenant_id=self.tenant_id, available=units)
            )
        self.session.flush()
        return offer

    def offer(self, offer_id: str) -> Offer:
        row = self.session.scalar(
            select(Offer).where(Offer.id == offer_id, Offer.tenant_id == self.tenant_id)
        )
        if row is None:
            raise NotFoundError("offer", offer_id)
        return row

    def offers(self, session_id: str) -> list[Offer]:
        return list(
            self.session.scalars(
                select(Offer)
                .where(Offer.session_id == session_id, Offer.tenant_id == self.tenant_id)
                .order_by(Offer.id)
            )
        )

    def close_offer(self, offer_id: str) -> Offer:
        row = self.offer(offer_id)
        row.closed_early = True
        return row

    def available(self, offer_ids: list[str]) -> dict[str, int]:
        rows = self.session.execute(
            select(StockBucket.offer_id, func.sum(StockBucket.available))
            .where(StockBucket.tenant_id == self.tenant_id, StockBucket.offer_id.in_(offer_ids))
            .group_by(StockBucket.offer_id)
        )
        return {offer_id: int(total or 0) for offer_id, total in rows}

    def reservation(self, reservation_id: str) -> Reservation:
        row = self.session.scalar(
            select(Reservation).where(
                Reservation.id == reservation_id, Reservation.tenant_id == self.tenant_id
            )
        )
        if row is None:
            raise NotFoundError("reservation", reservation_id)
        return row

    def _sales(
        self, session_id: str, offers: dict[str, Offer], at: datetime, minutes: int = 15
    ) -> tuple[list[core.OfferTotal], list[tuple[str, int]]]:
        """Held and paid reservations summed per offer, and counted per minute over the last `minutes`."""
        live = Reservation.status.in_(("held", "paid"))
        mine = (Reservation.tenant_id == self.tenant_id, Reservation.session_id == session_id, live)
        rows = self.session.execute(
            select(Reservation.offer_id, func.count(), func.sum(Reservation.quantity))
            .where(*mine)
            .group_by(Reservation.offer_id)
        )
        totals = [
            core.OfferTotal(o, offers[o].sku, offers[o].price, int(n), int(q or 0))
            for o, n, q in rows
            if o in offers
        ]
        minute = _minute(self.session.get_bind().dialect.name, Reservation.created_at).label("minute")
        recent = self.session.execute(
            select(minute, func.count())
            .where(
                *mine, Reservation.created_at > at - timedelta(minutes=minutes), Reservation.created_at <= at
            )
            .group_by(minute)
        )
        return totals, [(str(m), int(n)) for m, n in recent]

    def tallies(self, session_id: str, at: datetime) -> list[tuple[str, str, int, int]]:
        """(offer id, status, reservations, units) of the session: paid, and held still inside their hold
        (a hold past its expiry counts as neither, before the sweeper marks it)."""
        rows = self.session.execute(
            select(Reservation.offer_id, Reservation.status, func.count(), func.sum(Reservation.quantity))
            .where(
                Reservation.tenant_id == self.tenant_id,
                Reservation.session_id == session_id,
                (Reservation.status == "paid")
                | ((Reservation.status == "held") & (Reservation.expires_at > at)),
            )
            .group_by(Reservation.offer_id, Reservation.status)
        )
        return [(str(o), str(s), int(n), int(q or 0)) for o, s, n, q in rows]

    def paid_per_minute(self, session_id: str, at: datetime, minutes: int) -> list[tuple[str, int]]:
        """Paid reservations counted by the minute they were made, over the last `minutes`."""
        minute = _minute(self.session.get_bind().dialect.name, Reservation.created_at).label("minute")
        rows = self.session.execute(
            select(minute, func.count())
            .where(
                Reservation.tenant_id == self.tenant_id,
                Reservation.session_id == session_id,
                Reservation.status == "paid",
                Reservation.created_at > at - timedelta(minutes=minutes),
                Reservation.created_at <= at,
            )
            .group_by(minute)
        )
        return sorted((str(m), int(n)) for m, n in rows)

    def reservation_counts(self, session_id: str) -> dict[str, int]:
        """Reservations of the session by status (held, paid, expired, cancelled)."""
        rows = self.session.execute(
            select(Reservation.status, func.count())
            .where(Reservation.tenant_id == self.tenant_id, Reservation.session_id == session_id)
            .group_by(Reservation.status)
        )
        return {str(s): int(n) for s, n in rows}

    def set_route(self, session_id: str, route: list[core.Visit]) -> LiveSession:
        row = self.get_session(session_id)
        core.check_schedule(row.starts_at, row.ends_at, route)
        row.route = [{"booth_id": v.booth_id, "at": v.at.astimezone(UTC).isoformat()} for v in route]
        self.session.flush()
        return row

    def figures(self, session_id: str, at: datetime) -> tuple[core.Figures, dict[str, object]]:
        """The session's figures and what the wall shows beside them (pinned offer, countdown)."""
        live = self.get_session(session_id)
        offers = {o.id: o for o in self.offers(session_id)}
        left = self.available(list(offers))
        totals, per_minute = self._sales(session_id, offers, at)
        stock = [core.OfferStock(o.id, o.sku, o.quantity_cap, left.get(o.id, 0)) for o in offers.values()]
        currency = next(iter(offers.values())).currency if offers else "CNY"
        result = core.figures_from(totals, per_minute, stock, currency)
        pinned = offers.get(live.pinned_offer_id or "")
        extra: dict[str, object] = {"pinned_offer_id": live.pinned_offer_id, "status": live.status}
        if pinned is not None:
            terms = terms_of(pinned)
            clock = countdown(terms, at, pinned.closed_early)
            extra["countdown"] = {"state": clock.state, "seconds": clock.seconds}
        route = [core.Visit(v["booth_id"], datetime.fromisoformat(v["at"])) for v in live.route]
        extra["booth_now"] = core.current_booth(route, at)
        return result, extra


def _minute(dialect: str, column: Any) -> Any:
    if dialect == "postgresql":
        return func.to_char(
            func.date_trunc("minute", func.timezone("UTC", column)), 'YYYY-MM-DD"T"HH24:MI"Z"'
        )
    return func.strftime("%Y-%m-%dT%H:%MZ", column)


def sold_out_offers(session: Any, at: datetime) -> list[Offer]:
    """Offers open at ``at`` (past their opening, before their closing, not closed early) with no unit left
    in any bucket, of every tenant: what the streamer is told has sold out."""
    open_now = (Offer.closed_early.is_(False), Offer.opens_at <= at, Offer.closes_at > at)
    empty = (
        select(StockBucket.offer_id)
        .join(Offer, Offer.id == StockBucket.offer_id)
        .where(*open_now)
        .group_by(StockBucket.offer_id)
        .having(func.sum(StockBucket.available) == 0)
    )
    return list(session.scalars(select(Offer).where(*open_now, Offer.id.in_(empty)).order_by(Offer.id)))


def terms_of(offer: Offer) -> OfferTerms:
    return OfferTerms(
        price=offer.price,
        currency=offer.currency,
        quantity_cap=offer.quantity_cap,
        per_buyer_limit=offer.per_buyer_limit,
        opens_at=offer.opens_at,
        closes_at=offer.closes_at,
        hold=timedelta(seconds=offer.hold_seconds),
        buckets=offer.buckets,
    )

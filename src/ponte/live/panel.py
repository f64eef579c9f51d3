"""What the streamer's control panel and the post-session report read: the session's route, its offers with
stock and countdown, and its figures with paid and held kept apart (a hold past its expiry is neither)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from ponte.catalog import service as catalog
from ponte.kernel.money import Money
from ponte.live import sessions as core
from ponte.live.offers import countdown
from ponte.live.store.repository import LiveRepository, terms_of
from ponte.live.store.tables import LiveSession, Offer
from ponte.platform.db import UnitOfWork

__all__ = ["Panel", "Report", "SessionRow", "panel", "report", "route_of", "sessions"]


@dataclass(frozen=True)
class Tally:
    """Reservations, units and value of one kind (paid, or held and not yet expired)."""

    orders: int = 0
    units: int = 0
    value: Decimal = Decimal(0)

    def plus(self, orders: int, units: int, price: Decimal) -> Tally:
        return Tally(self.orders + orders, self.units + units, self.value + price * units)


@dataclass(frozen=True)
class OfferView:
    id: str
    sku: str
    titles: dict[str, str]
    price: Decimal
    currency: str
    cap: int
    left: int
    state: str  # upcoming | open | closed
    seconds: int
    opens_at: datetime
    closes_at: datetime
    paid: Tally
    held: Tally

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.sku

    @property
    def sold_out(self) -> bool:
        return self.left <= 0


@dataclass(frozen=True)
class Stop:
    booth_id: str
    code: str
    hall: str
    at: datetime
    here: bool
    done: bool


@dataclass(frozen=True)
class SessionRow:
    id: str
    title: str
    status: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Panel:
    """Everything the streamer's control panel shows, at one moment."""

    id: str
    title: str
    status: str
    streamer: str
    starts_at: datetime
    ends_at: datetime
    at: datetime
    route: list[Stop]
    offers: list[OfferView]
    pinned: OfferView | None
    paid: Tally
    held: Tally
    currency: str
    per_minute: list[tuple[str, int]] = field(default_factory=list)

    @property
    def next_stop(self) -> Stop | None:
        return next((s for s in self.route if not s.done and not s.here), None)

    def as_json(self) -> dict[str, Any]:
        """What the control panel's server-sent events carry."""
        return {
            "status": self.status,
            "at": self.at.isoformat(),
            "currency": self.currency,
            "paid": {
                "orders": self.paid.orders,
                "units": self.paid.units,
                "gmv": _amount(self.paid.value, self.currency),
            },
            "held": {
                "orders": self.held.orders,
                "units": self.held.units,
                "gmv": _amount(self.held.value, self.currency),
            },
            "per_minute": [{"minute": m, "orders": n} for m, n in self.per_minute],
            "pinned": None if self.pinned is None else self.pinned.id,
            "offers": {
                o.id: {"left": o.left, "state": o.state, "seconds": o.seconds, "sold_out": o.sold_out}
                for o in self.offers
            },
        }


def _amount(value: Decimal, currency: str) -> str:
    return str(Money(value, currency).round().amount)


def sessions(uow: UnitOfWork, tenant_id: str, limit: int = 100) -> list[SessionRow]:
    rows = LiveRepository(uow.session, tenant_id).sessions(limit)
    return [SessionRow(r.id, r.title, r.status, r.starts_at, r.ends_at) for r in rows]


def route_of(live: LiveSession) -> list[core.Visit]:
    return [core.Visit(v["booth_id"], datetime.fromisoformat(v["at"])) for v in live.route]


def panel(uow: UnitOfWork, tenant_id: str, session_id: str, at: datetime, minutes: int = 15) -> Panel:
    """The session as its control panel shows it: route, offers with stock and countdown, figures."""
    repo = LiveRepository(uow.session, tenant_id)
    live = repo.get_session(session_id)
    offers = repo.offers(session_id)
    left = repo.available([o.id for o in offers])
    titles = catalog.records_by_id(uow, tenant_id, {o.product_id for o in offers})
    paid: dict[str, Tally] = {}
    held: dict[str, Tally] = {}
    by_id = {o.id: o for o in offers}
    for offer_id, status, n, units in repo.tallies(session_id, at):
        if offer_id not in by_id:
            continue
        into = paid if status == "paid" else held
        into[offer_id] = into.get(offer_id, Tally()).plus(n, units, by_id[offer_id].price)
    views = [_offer_view(o, left.get(o.id, 0), titles, paid, held, at) for o in offers]
    booths = {b.id: b for b in catalog.booths_by_tenant(uow, tenant_id).get(tenant_id, [])}
    route = route_of(live)
    here = core.current_booth(route, at) if live.status == "live" else None
    here_index = max((i for i, v in enumerate(route) if v.at <= at), default=-1)
    stops = [
        Stop(
            v.booth_id,
            booths[v.booth_id].code if v.booth_id in booths else v.booth_id,
            booths[v.booth_id].hall if v.booth_id in booths else "",
            v.at,
            here is not None and i == here_index,
            i < here_index,
        )
        for i, v in enumerate(route)
    ]
    total_paid, total_held = Tally(), Tally()
    for t in paid.values():
        total_paid = Tally(
            total_paid.orders + t.orders, total_paid.units + t.units, total_paid.value + t.value
        )
    for t in held.values():
        total_held = Tally(
            total_held.orders + t.orders, total_held.units + t.units, total_held.value + t.value
        )
    pinned = next((v for v in views if v.id == live.pinned_offer_id), None)
    streamer = repo.streamer(live.streamer_id).name
    return Panel(
        id=live.id,
        title=live.title,
        status=live.status,
        streamer=streamer,
        starts_at=live.starts_at,
        ends_at=live.ends_at,
        at=at,
        route=stops,
        offers=views,
        pinned=pinned,
        paid=total_paid,
        held=total_held,
        currency=offers[0].currency if offers else "CNY",
        per_minute=repo.paid_per_minute(session_id, at, minutes),
    )


def _offer_view(
    offer: Offer,
    left: int,
    products: dict[str, Any],
    paid: dict[str, Tally],
    held: dict[str, Tally],
    at: datetime,
) -> OfferView:
    clock = countdown(terms_of(offer), at, offer.closed_early)
    product = products.get(offer.product_id)
    return OfferView(
        id=offer.id,
        sku=offer.sku,
        titles=dict(product.titles) if product is not None else {},
        price=offer.price,
        currency=offer.currency,
        cap=offer.quantity_cap,
        left=left,
        state=clock.state,
        seconds=clock.seconds,
        opens_at=offer.opens_at,
        closes_at=offer.closes_at,
        paid=paid.get(offer.id, Tally()),
        held=held.get(offer.id, Tally()),
    )


@dataclass(frozen=True)
class Report:
    """After the session: what sold (paid), what was held and let go, per offer and in all."""

    panel: Panel
    reservations: dict[str, int]
    sell_through: Decimal  # paid units over units offered

    @property
    def minutes(self) -> int:
        return max(0, int((self.panel.ends_at - self.panel.starts_at) / timedelta(minutes=1)))


def report(uow: UnitOfWork, tenant_id: str, session_id: str, at: datetime) -> Report:
    view = panel(uow, tenant_id, session_id, at, minutes=24 * 60)
    offered = sum(o.cap for o in view.offers)
    ratio = Decimal(view.paid.units) / Decimal(offered) if offered else Decimal(0)
    counts = LiveRepository(uow.session, tenant_id).reservation_counts(session_id)
    return Report(view, counts, ratio)

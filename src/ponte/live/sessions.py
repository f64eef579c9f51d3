"""Live sessions: the schedule, the route of booth visits, what is pinned, and the figures.

Pure: callers pass times and the rows they read.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from ponte.kernel.errors import ValidationError, Violation

SESSION_STATES = ("scheduled", "live", "ended")
_MOVES = {"scheduled": {"live", "ended"}, "live": {"ended"}, "ended": set()}


@dataclass(frozen=True)
class Visit:
    booth_id: str
    at: datetime


def check_schedule(starts_at: datetime, ends_at: datetime, route: Sequence[Visit]) -> None:
    """A session's window and route: visits in time order, inside the window, one booth at a time."""
    problems: list[Violation] = []
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValidationError("times need a time zone", field="starts_at", rule="timezone")
    if ends_at <= starts_at:
        problems.append(Violation("ends_at", "after-starts_at", "a session must end after it starts"))
    if ends_at - starts_at > timedelta(hours=24):
        problems.append(Violation("ends_at", "at-most-24h", "a session lasts at most 24 hours"))
    for index, visit in enumerate(route):
        if visit.at.tzinfo is None:
            problems.append(Violation(f"route.{index}.at", "timezone", "visit time needs a time zone"))
            continue
        if not starts_at <= visit.at < ends_at:
            problems.append(
                Violation(f"route.{index}.at", "inside-session", "a visit must fall inside the session")
            )
        if index and visit.at <= route[index - 1].at:
            problems.append(Violation(f"route.{index}.at", "in-time-order", "visits must go forward in time"))
        if index and visit.booth_id == route[index - 1].booth_id:
            problems.append(
                Violation(f"route.{index}.booth_id", "new-booth", "the same booth twice in a row")
            )
    if problems:
        raise ValidationError.of(problems)


def current_booth(route: Sequence[Visit], at: datetime) -> str | None:
    """The booth the streamer is at, at time `at` (the last visit started)."""
    here = None
    for visit in route:
        if visit.at <= at:
            here = visit.booth_id
    return here


def move(state: str, to: str) -> str:
    if to not in _MOVES.get(state, set()):
        raise ValidationError(f"a {state} session cannot become {to}", field="status", rule="session-state")
    return to


@dataclass(frozen=True)
class Sale:
    """One reservation as the figures see it."""

    offer_id: str
    sku: str
    quantity: int
    unit_price: Decimal
    status: str  # held | paid | expired | cancelled
    at: datetime


@dataclass(frozen=True)
class OfferStock:
    offer_id: str
    sku: str
    quantity_cap: int
    available: int


@dataclass
class Figures:
    orders_per_minute: list[tuple[str, int]]
    gmv: Decimal
    currency: str
    units_left: dict[str, int]
    top_products: list[tuple[str, int]]
    orders: int
    units_sold: int = field(default=0)


@dataclass(frozen=True)
class OfferTotal:
    """Held and paid reservations of one offer, summed by the database."""

    offer_id: str
    sku: str
    unit_price: Decimal
    orders: int
    units: int


def figures_from(
    totals: Iterable[OfferTotal],
    per_minute: Iterable[tuple[str, int]],
    stock: Iterable[OfferStock],
    currency: str,
) -> Figures:
    """The same figures from aggregates, so a busy session's wall never loads every reservation."""
    units: dict[str, int] = defaultdict(int)
    gmv = Decimal(0)
    orders = 0
    for total in totals:
        orders += total.orders
        gmv += total.unit_price * total.units
        units[total.sku] += total.units
    top = sorted(units.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    return Figures(
        orders_per_minute=sorted(per_minute),
        gmv=gmv,
        currency=currency,
        units_left={s.offer_id: s.available for s in stock},
        top_products=top,
        orders=orders,
        units_sold=sum(units.values()),
    )


def figures(
    sales: Iterable[Sale], stock: Iterable[OfferStock], currency: str, at: datetime, minutes: int = 15
) -> Figures:
    """Orders per minute over the last `minutes`, GMV of held and paid units, units left, top SKUs."""
    per_minute: Counter[str] = Counter()
    units: dict[str, int] = defaultdict(int)
    gmv = Decimal(0)
    orders = 0
    since = at - timedelta(minutes=minutes)
    for sale in sales:
        if sale.status not in ("held", "paid"):
            continue
        orders += 1
        gmv += sale.unit_price * sale.quantity
        units[sale.sku] += sale.quantity
        if since < sale.at <= at:
            per_minute[sale.at.strftime("%Y-%m-%dT%H:%MZ")] += 1
    top = sorted(units.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    return Figures(
        orders_per_minute=sorted(per_minute.items()),
        gmv=gmv,
        currency=currency,
        units_left={s.offer_id: s.available for s in stock},
        top_products=top,
        orders=orders,
        units_sold=sum(units.values()),
    )


def move_along(route: Sequence[Visit], at: datetime, to: int | None = None) -> list[Visit]:
    """The route after the streamer walks to visit `to` (the next one when None) at `at`.

    That visit starts at `at`; visits skipped on the way are dropped; visits already past keep their
    times; later visits planned before `at` are pushed a minute apart after it. Going back is refused.
    """
    here = -1
    for index, visit in enumerate(route):
        if visit.at <= at:
            here = index
    target = here + 1 if to is None else to
    if not 0 <= target < len(route):
        raise ValidationError("there is no further booth on the route", field="route", rule="route-end")
    if target <= here:
        raise ValidationError("the streamer cannot walk back along the route", field="route", rule="forward")
    moved = list(route[: here + 1])
    moved.append(Visit(route[target].booth_id, at))
    last = at
    for visit in route[target + 1 :]:
        last = visit.at if visit.at > last else last + timedelta(minutes=1)
        moved.append(Visit(visit.booth_id, last))
    return moved

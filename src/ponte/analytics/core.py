"""The corridor's figures: what each one means (pure: no database, clock or network).

Definitions every engine (SQLite, PostgreSQL, DuckDB) is held to:

* **An order counts** in the cross-border figures when it is not ``cancelled``; it belongs to the UTC
  day it was placed (``placed_at``), and that day's rate converts it.
* **Value** is the goods value less the discount (what the buyer pays for the goods, before freight,
  insurance, duties and taxes), in the order's own currency. The SQL sums it per (day, currency) in
  micro-units (exact integers); this module converts each (day, currency) sum with the rate of that
  day and only then adds: amounts of different currencies are never added unconverted.
* **Category** figures come from the lines: quantity × unit price by the product's category.
* **Growth** compares a period with the one of the same length just before it.
* **Live GMV** counts paid orders of a session only (a held reservation is not a sale).
* **Clearance funnel**: declared (sent to customs), accepted (customs took it in: accepted, inspecting,
  released, closed), released (released or closed), rejected (rejected or error); clearance time is the
  hours from the declaration to its release.
* **Load factor** of a route: kilograms booked ÷ kilograms offered on its flight legs.
* **Stock cover** is the warehouses slice's own figure (units available now ÷ the average units reserved
  per day over its recent window, in days), read through its service, not computed here again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from ponte.kernel.errors import ValidationError
from ponte.kernel.money import check_currency

__all__ = [
    "DIMENSIONS",
    "GRAINS",
    "TRADE_MODES",
    "Filters",
    "Rates",
    "Scope",
    "Series",
    "ValueRow",
    "bucket",
    "convert_rows",
    "growth",
    "percentile",
    "ratio",
]

MICRO = Decimal(1_000_000)
GRAINS = ("day", "week", "month")
DIMENSIONS = ("destination", "trade_mode", "direction", "category", "tenant_id", "product")
TRADE_MODES = ("9610", "9710", "9810", "1210")
DIRECTIONS = ("export", "import")
MAX_DAYS = 3660
MAX_MARKETS = 20


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose data: one tenant (a seller, or the operator's chosen seller) or, for the operator, all."""

    tenant_id: str | None

    @property
    def key(self) -> str:
        return self.tenant_id or "*"


@dataclass(frozen=True, slots=True)
class Filters:
    """A period (inclusive UTC days), destination markets, a seller, the reporting currency and grain."""

    start: date
    end: date
    markets: tuple[str, ...] = ()
    currency: str = "CNY"
    grain: str = "day"

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError("the period ends before it starts", field="end", rule="period-order")
        if (self.end - self.start).days + 1 > MAX_DAYS:
            raise ValidationError(f"a period is at most {MAX_DAYS} days", field="end", rule="period-length")
        if self.grain not in GRAINS:
            raise ValidationError(f"grain must be one of {', '.join(GRAINS)}", field="grain", rule="grain")
        if len(self.markets) > MAX_MARKETS:
            raise ValidationError(f"at most {MAX_MARKETS} markets", field="market", rule="markets")
        for m in self.markets:
            if len(m) != 2 or not m.isalpha() or not m.isupper():
                raise ValidationError(
                    f"{m!r} is not an ISO 3166-1 alpha-2 code", field="market", rule="iso3166"
                )
        check_currency(self.currency, "currency")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Filters:
        """The period of the same length just before this one (for growth)."""
        return replace(self, start=self.start - timedelta(days=self.days), end=self.start - timedelta(days=1))

    @property
    def key(self) -> str:
        return "|".join(
            (
                self.start.isoformat(),
                self.end.isoformat(),
                ",".join(sorted(self.markets)),
                self.currency,
                self.grain,
            )
        )


def bucket(day: date, grain: str) -> date:
    """The first day of the bucket ``day`` falls in: the day, its ISO week's Monday, its month's first."""
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    raise ValidationError(f"grain must be one of {', '.join(GRAINS)}", field="grain", rule="grain")


def buckets(filters: Filters) -> list[date]:
    """Every bucket of the period, in order (empty ones included, so a chart's axis has no holes)."""
    out: list[date] = []
    day = filters.start
    while day <= filters.end:
        b = bucket(day, filters.grain)
        if not out or out[-1] != b:
            out.append(b)
        day += timedelta(days=1)
    return out


@dataclass(frozen=True, slots=True)
class ValueRow:
    """One group as the SQL gives it: a day, a currency, a key (market, mode...), orders and value."""

    day: date
    currency: str
    key: str
    orders: int
    value_micro: int  # Σ value × 10^6, exact
    units: int = 0


#: (currency, day) -> units of the reporting currency for one unit of ``currency`` on ``day``.
Rates = Mapping[tuple[str, date], Decimal]
RateLookup = Callable[[str, str, date], Decimal]


def needed_rates(rows: Iterable[ValueRow]) -> set[tuple[str, date]]:
    return {(r.currency, r.day) for r in rows}


def rates_for(
    pairs: Iterable[tuple[str, date]], to: str, lookup: RateLookup
) -> dict[tuple[str, date], Decimal]:
    """The rate of every (currency, day) into ``to``, each asked once."""
    return {
        (cur, day): (Decimal(1) if cur == to else lookup(cur, to, day)) for cur, day in sorted(set(pairs))
    }


def converted(row: ValueRow, rates: Rates) -> Decimal:
    """The row's value in the reporting currency at its day's rate (full precision)."""
    return (Decimal(row.value_micro) / MICRO) * rates[(row.currency, row.day)]


def money(value: Decimal, places: int = 2) -> Decimal:
    """Rounded for display only, half-even, after every addition is done."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


@dataclass
class Totals:
    orders: int = 0
    units: int = 0
    value: Decimal = Decimal(0)

    def add(self, orders: int, units: int, value: Decimal) -> None:
        self.orders += orders
        self.units += units
        self.value += value


def convert_rows(rows: Iterable[ValueRow], rates: Rates) -> dict[str, Totals]:
    """Totals by key in the reporting currency: each (day, currency) converted, then added."""
    out: dict[str, Totals] = {}
    for r in rows:
        out.setdefault(r.key, Totals()).add(r.orders, r.units, converted(r, rates))
    return out


@dataclass
class Series:
    """A time series: buckets on the axis, one list of values per key."""

    buckets: list[date]
    orders: dict[str, list[int]] = field(default_factory=dict)
    value: dict[str, list[Decimal]] = field(default_factory=dict)


def series(rows: Iterable[ValueRow], rates: Rates, filters: Filters) -> Series:
    """Orders and converted value by bucket (and by key: one line per market, mode ...)."""
    axis = buckets(filters)
    index = {b: i for i, b in enumerate(axis)}
    out = Series(axis)
    for r in rows:
        i = index[bucket(r.day, filters.grain)]
        orders = out.orders.setdefault(r.key, [0] * len(axis))
        value = out.value.setdefault(r.key, [Decimal(0)] * len(axis))
        orders[i] += r.orders
        value[i] += converted(r, rates)
    return out


def growth(current: Decimal | int, previous: Decimal | int) -> Decimal | None:
    """Period over period: (current − previous) ÷ previous; None when there was nothing before."""
    if previous == 0:
        return None
    return (Decimal(current) - Decimal(previous)) / Decimal(previous)


def ratio(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    if whole == 0:
        return None
    return Decimal(part) / Decimal(whole)


def top(totals: Mapping[str, Totals], n: int) -> list[tuple[str, Totals]]:
    """The ``n`` largest by converted value (ties by key, so the order is stable)."""
    return sorted(totals.items(), key=lambda kv: (-kv[1].value, kv[0]))[:n]


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolation percentile (as numpy's default and PostgreSQL's percentile_cont)."""
    if not values:
        return None
    data = sorted(values)
    pos = (len(data) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


@dataclass(frozen=True, slots=True)
class Funnel:
    declared: int
    accepted: int
    released: int
    rejected: int
    hours_p50: float | None
    hours_p90: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "declared": self.declared,
            "accepted": self.accepted,
            "released": self.released,
            "rejected": self.rejected,
            "hours_p50": self.hours_p50,
            "hours_p90": self.hours_p90,
        }


#: Declaration states (customs/china/receipts.py) as the funnel counts them: declared = sent to customs.
NOT_YET_DECLARED = ("draft", "queued")
ACCEPTED_STATES = ("accepted", "inspecting", "released", "closed")
RELEASED_STATES = ("released", "closed")
REJECTED_STATES = ("rejected", "error")


def funnel(states: Mapping[str, int], clearance_hours: Sequence[float]) -> Funnel:
    """The clearance funnel from declaration counts by state and the hours each release took."""
    declared = sum(n for s, n in states.items() if s not in NOT_YET_DECLARED)
    return Funnel(
        declared=declared,
        accepted=sum(states.get(s, 0) for s in ACCEPTED_STATES),
        released=sum(states.get(s, 0) for s in RELEASED_STATES),
        rejected=sum(states.get(s, 0) for s in REJECTED_STATES),
        hours_p50=percentile(clearance_hours, 0.5),
        hours_p90=percentile(clearance_hours, 0.9),
    )


@dataclass(frozen=True, slots=True)
class RouteLoad:
    origin: str
    destination: str
    flights: int
    parcels: int
    kg: Decimal
    offered_kg: Decimal
    booked_kg: Decimal

    @property
    def load_factor(self) -> Decimal | None:
        return ratio(self.booked_kg, self.offered_kg)

"""Flash-sale offers: terms, the countdown, purchase checks and how stock is split.

Pure: times are passed in, randomness is a key the caller hashes; nothing here
touches a database or a clock.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

from ponte.kernel.errors import ConflictError, ValidationError, Violation

MAX_QUANTITY_CAP = 1_000_000
MAX_PER_BUYER = 1_000
MAX_BUCKETS = 64
DEFAULT_HOLD = timedelta(minutes=10)  # Spree and Shopify hold a few minutes; a seller may change it


@dataclass(frozen=True)
class OfferTerms:
    price: Decimal
    currency: str
    quantity_cap: int
    per_buyer_limit: int
    opens_at: datetime
    closes_at: datetime
    hold: timedelta = DEFAULT_HOLD
    buckets: int = 8


def check_terms(terms: OfferTerms) -> None:
    """Every rule the terms of an offer break, raised together."""
    problems: list[Violation] = []
    if terms.price <= 0:
        problems.append(Violation("price", "positive", "price must be above zero"))
    if not 1 <= terms.quantity_cap <= MAX_QUANTITY_CAP:
        problems.append(
            Violation("quantity_cap", f"range 1..{MAX_QUANTITY_CAP}", "quantity cap out of range")
        )
    if not 1 <= terms.per_buyer_limit <= MAX_PER_BUYER:
        problems.append(
            Violation("per_buyer_limit", f"range 1..{MAX_PER_BUYER}", "per-buyer limit out of range")
        )
    if terms.opens_at.tzinfo is None or terms.closes_at.tzinfo is None:
        problems.append(Violation("opens_at", "timezone", "opening and closing times need a time zone"))
    elif terms.closes_at <= terms.opens_at:
        problems.append(Violation("closes_at", "after-opens_at", "the offer must close after it opens"))
    if not timedelta(seconds=30) <= terms.hold <= timedelta(hours=24):
        problems.append(Violation("hold_seconds", "range 30..86400", "hold must be 30 s to 24 h"))
    if not 1 <= terms.buckets <= MAX_BUCKETS:
        problems.append(Violation("buckets", f"range 1..{MAX_BUCKETS}", "buckets out of range"))
    if problems:
        raise ValidationError.of(problems)


State = Literal["upcoming", "open", "closed"]


@dataclass(frozen=True)
class Countdown:
    state: State
    seconds: int  # to opening when upcoming, to closing when open, 0 when closed


def countdown(terms: OfferTerms, at: datetime, closed_early: bool = False) -> Countdown:
    if closed_early or at >= terms.closes_at:
        return Countdown("closed", 0)
    if at < terms.opens_at:
        return Countdown("upcoming", _ceil_seconds(terms.opens_at - at))
    return Countdown("open", _ceil_seconds(terms.closes_at - at))


def _ceil_seconds(delta: timedelta) -> int:
    micro = delta // timedelta(microseconds=1)
    return -(-micro // 1_000_000)


def check_purchase(terms: OfferTerms, quantity: int, at: datetime, closed_early: bool = False) -> None:
    """A purchase the offer refuses before any stock is touched."""
    if not 1 <= quantity <= terms.per_buyer_limit:
        raise ValidationError(
            f"quantity must be 1 to {terms.per_buyer_limit} (the per-buyer limit)",
            field="quantity",
            rule=f"range 1..{terms.per_buyer_limit}",
        )
    state = countdown(terms, at, closed_early).state
    if state != "open":
        raise ConflictError(f"the offer is {state}", field="offer", rule="offer-open")


def split_stock(total: int, buckets: int) -> list[int]:
    """Spread `total` units over `buckets` rows as evenly as possible (sums to `total`)."""
    if buckets < 1:
        raise ValidationError("at least one bucket", field="buckets", rule="range 1..64")
    base, extra = divmod(total, buckets)
    return [base + (1 if i < extra else 0) for i in range(buckets)]


def bucket_order(key: str, buckets: int) -> list[int]:
    """Buckets to try for a buyer: a start chosen by hashing `key`, then the others in turn."""
    start = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest(), "big") % buckets
    return [(start + i) % buckets for i in range(buckets)]


def expiry(created_at: datetime, terms: OfferTerms) -> datetime:
    return created_at + terms.hold

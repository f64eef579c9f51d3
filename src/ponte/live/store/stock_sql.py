"""Flash-sale stock that never oversells: buckets, buyer counters, reservations.

A purchase is one short transaction and, on PostgreSQL, ONE statement: the
buyer's counter is raised only while it stays within the limit, one stock
bucket is decremented only while it stays at or above zero, and the
reservation is inserted only if both happened. Nothing waits on the network
while a bucket row is locked: the lock is taken by that statement and let go
by the COMMIT that follows it. A hot SKU's stock is split over several bucket
rows; a buyer first takes any bucket nobody has locked (SKIP LOCKED) and only
queues on one when every bucket with stock is busy. Concurrent commits on
different buckets share WAL flushes (PostgreSQL's group commit), which is
what lifts one SKU past the single-row ceiling of about one commit per flush.

On SQLite the same rules run as separate statements inside one write
transaction; SQLite serialises writers, so one process stays correct.
"""

from __future__ import annotations

import os
import random
import time
from base64 import b32encode
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from ponte.kernel.errors import ConflictError, NotFoundError, PonteError, ValidationError
from ponte.kernel.ids import _encode
from ponte.live.offers import OfferTerms, bucket_order, check_purchase
from ponte.platform.db import Database


class OverLimit(PonteError):
    def __init__(self, limit: int) -> None:
        super().__init__(
            f"this buyer would exceed the limit of {limit} per buyer for this offer",
            field="quantity",
            rule="per-buyer-limit",
            status=422,
        )


class SoldOut(ConflictError):
    def __init__(self, left: int) -> None:
        super().__init__(f"not enough stock: {left} left", field="quantity", rule="stock-available")


@dataclass(frozen=True)
class OfferSnapshot:
    id: str
    tenant_id: str
    session_id: str
    product_id: str
    sku: str
    terms: OfferTerms
    closed_early: bool


@dataclass(frozen=True)
class Held:
    reservation_id: str
    offer_id: str
    buyer_ref: str
    quantity: int
    status: str
    expires_at: datetime
    replayed: bool = False


def _time(conn: Connection, value: object) -> datetime:
    """A timestamp read by a plain SQL statement, as aware UTC on both backends."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _bind(conn: Connection, value: datetime) -> object:
    """A timestamp for a plain SQL statement, stored as the ORM stores it on each backend."""
    if conn.dialect.name == "sqlite":
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def load_offer(database: Database, tenant_id: str, offer_id: str) -> OfferSnapshot:
    with database.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT id, session_id, product_id, sku, price, currency, quantity_cap, per_buyer_limit,"
                " opens_at, closes_at, hold_seconds, buckets, closed_early"
                " FROM live_offers WHERE id = :o AND tenant_id = :t"
            ),
            {"o": offer_id, "t": tenant_id},
        ).one_or_none()
        if row is None:
            raise NotFoundError("offer", offer_id)
        from decimal import Decimal

        terms = OfferTerms(
            price=Decimal(str(row.price)).normalize(),
            currency=row.currency,
            quantity_cap=row.quantity_cap,
            per_buyer_limit=row.per_buyer_limit,
            opens_at=_time(conn, row.opens_at),
            closes_at=_time(conn, row.closes_at),
            hold=timedelta(seconds=row.hold_seconds),
            buckets=row.buckets,
        )
        return OfferSnapshot(
            row.id, tenant_id, row.session_id, row.product_id, row.sku, terms, bool(row.closed_early)
        )


_COUNT = (
    "INSERT INTO live_buyer_counts (offer_id, buyer_ref, tenant_id, bought) VALUES (:o, :b, :t, :q)"
    " ON CONFLICT (offer_id, buyer_ref) DO UPDATE SET bought = live_buyer_counts.bought + excluded.bought"
    " WHERE live_buyer_counts.bought + excluded.bought <= :lim RETURNING bought"
)
_PICK = (
    "SELECT bucket FROM live_stock_buckets WHERE offer_id = :o AND available >= :q"
    " AND EXISTS (SELECT 1 FROM c) ORDER BY (bucket + :shift) % :n LIMIT 1"
)


_RANDOM = random.Random(os.urandom(16))


def fast_id(prefix: str) -> str:
    """An id in Ponte's layout (time, then randomness) without a system call per purchase.

    Reservation ids are not secrets (every read is scoped to its tenant), so a
    seeded generator is enough; a hot path then never blocks on the kernel.
    """
    millis = int(time.time() * 1000)
    if millis != _MILLIS[0]:
        _MILLIS[0], _MILLIS[1] = millis, _encode(millis, 10)
    # 80 random bits as 16 Crockford base32 characters: the same text `_encode` gives, at C speed
    tail = b32encode(_RANDOM.getrandbits(80).to_bytes(10, "big")).translate(_CROCKFORD).decode()
    return f"{prefix}_{_MILLIS[1]}{tail}"


_MILLIS: list[Any] = [-1, ""]
_CROCKFORD = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", b"0123456789ABCDEFGHJKMNPQRSTVWXYZ")


def prepare(
    offer: OfferSnapshot, buyer_ref: str, quantity: int, at: datetime, idempotency_key: str | None
) -> dict[str, Any]:
    """The checks that need no database, then the parameters of the purchase statement."""
    from ponte.live.store.pg_batcher import params_for

    check_purchase(offer.terms, quantity, at, offer.closed_early)
    shift = bucket_order(buyer_ref + (idempotency_key or ""), offer.terms.buckets)[0]
    return params_for(
        offer.id,
        offer.tenant_id,
        offer.session_id,
        buyer_ref,
        quantity,
        offer.terms.per_buyer_limit,
        offer.terms.buckets,
        shift,
        idempotency_key,
        fast_id("rsv"),
        at,
        at + offer.terms.hold,
    )


def purchase(
    database: Database,
    offer: OfferSnapshot,
    buyer_ref: str,
    quantity: int,
    at: datetime,
    idempotency_key: str | None = None,
) -> Held:
    """Reserve `quantity` units for `buyer_ref`, or raise naming the rule that refused it."""
    params = prepare(offer, buyer_ref, quantity, at, idempotency_key)
    if idempotency_key is not None:
        found = find_by_key(database, offer.tenant_id, idempotency_key)
        if found is not None:
            return _replay(found, params)
    if database.engine.dialect.name != "postgresql":
        try:
            _purchase_sqlite(database, params, at, params["exp"])
        except (OverLimit, _Duplicate, _Closed):
            if idempotency_key is not None:
                found = find_by_key(database, offer.tenant_id, idempotency_key)
                if found is not None:
                    return _replay(found, params)
            raise
        return _held(params)
    return finish(database, params, _attempt(database, params, wait=False))


def _held(params: dict[str, Any]) -> Held:
    return Held(
        str(params["id"]), str(params["o"]), str(params["b"]), int(params["q"]), "held", params["exp"]
    )


def _attempt(database: Database, params: dict[str, Any], wait: bool) -> Any:
    from ponte.live.store.pg_batcher import run_one

    with database.engine.connect() as conn:
        raw = conn.connection.driver_connection
        try:
            return run_one(raw, params, wait)  # type: ignore[arg-type]
        except Exception as exc:
            raw.rollback()  # type: ignore[union-attr]
            return exc


def finish(database: Database, params: dict[str, Any], first: Any) -> Held:
    """Turn the first attempt's outcome into a reservation, retrying what was only busy."""
    import psycopg

    from ponte.live.store.pg_batcher import Busy, Outcome, refusal

    result = first
    key, tenant_id = params["key"], str(params["t"])
    q, limit = int(params["q"]), int(params["lim"])
    for attempt in range(4 * int(params["n"]) + 4):
        if isinstance(result, Outcome):
            if result.taken:
                return _held(params)
            refused = refusal(result, q, limit)
            if not isinstance(refused, Busy):
                if key is not None:
                    found = find_by_key(database, tenant_id, key)
                    if found is not None:
                        return _replay(found, params)
                raise refused
            if attempt and result.stock_left >= q:
                _gather(database, str(params["o"]), q)
        elif isinstance(result, psycopg.errors.UniqueViolation) and key is not None:
            found = find_by_key(database, tenant_id, key)
            if found is not None:
                return _replay(found, params)
        elif not isinstance(
            result,
            (psycopg.errors.DivisionByZero, psycopg.errors.DeadlockDetected, psycopg.errors.UniqueViolation),
        ):
            raise result
        # Busy, or one buyer raced in two transactions: try again, queueing on a bucket this time.
        result = _attempt(database, params, wait=True)
    raise ConflictError("the offer is too busy; try again", field="offer", rule="retry")


class _Duplicate(Exception):
    pass


class _Closed(ConflictError):
    def __init__(self) -> None:
        super().__init__("the offer is closed", field="offer", rule="offer-open")


def _stock(conn: Connection, offer_id: str) -> tuple[int, int, bool]:
    row = conn.execute(
        text(
            "SELECT coalesce(sum(available), 0) AS left, coalesce(max(available), 0) AS biggest,"
            " (SELECT closed_early FROM live_offers WHERE id = :o) AS closed"
            " FROM live_stock_buckets WHERE offer_id = :o"
        ),
        {"o": offer_id},
    ).one()
    return int(row.left), int(row.biggest), bool(row.closed)


def _gather(database: Database, offer_id: str, quantity: int) -> None:
    """Near the end of stock: move what is left into bucket 0 so a larger purchase can fit."""
    with database.engine.begin() as conn:
        rows = conn.execute(
            text(
                "SELECT bucket, available FROM live_stock_buckets WHERE offer_id = :o"
                " ORDER BY bucket FOR UPDATE"
            ),
            {"o": offer_id},
        ).all()
        if max((r.available for r in rows), default=0) >= quantity:
            return
        _gather_in(conn, offer_id, sum(r.available for r in rows))


def _purchase_sqlite(database: Database, params: dict[str, object], at: datetime, expires: datetime) -> None:
    with database.engine.begin() as conn:
        conn.exec_driver_sql("SELECT 1")  # pysqlite begins lazily; the first write takes the lock
        if conn.execute(text(_COUNT), params).first() is None:
            raise OverLimit(int(params["lim"]))  # type: ignore[call-overload]
        left, biggest, closed = _stock(conn, str(params["o"]))
        if closed:
            raise _Closed()
        q = int(params["q"])  # type: ignore[call-overload]
        if left < q:
            raise SoldOut(left)
        if biggest < q:
            _gather_in(conn, str(params["o"]), left)
        n = int(params["n"])  # type: ignore[call-overload]
        start = int(params["shift"])  # type: ignore[call-overload]
        bucket = None
        for b in [(start + i) % n for i in range(n)]:
            done = conn.execute(
                text(
                    "UPDATE live_stock_buckets SET available = available - :q"
                    " WHERE offer_id = :o AND bucket = :bk AND available >= :q"
                ),
                {**params, "bk": b},
            )
            if done.rowcount == 1:
                bucket = b
                break
        if bucket is None:  # pragma: no cover - writers are serialised, `biggest` was checked
            raise SoldOut(left)
        inserted = conn.execute(
            text(
                "INSERT INTO live_reservations (id, tenant_id, offer_id, session_id, buyer_ref, quantity,"
                " bucket, status, idempotency_key, created_at, expires_at)"
                " VALUES (:id, :t, :o, :s, :b, :q, :bk, 'held', :key, :at, :exp)"
                " ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING id"
            ),
            {**params, "bk": bucket, "at": _bind(conn, at), "exp": _bind(conn, expires)},
        ).first()
        if inserted is None:
            raise _Duplicate()


def _gather_in(conn: Connection, offer_id: str, total: int) -> None:
    conn.execute(
        text(
            "UPDATE live_stock_buckets SET available = CASE WHEN bucket = 0 THEN :total ELSE 0 END"
            " WHERE offer_id = :o"
        ),
        {"o": offer_id, "total": total},
    )


def _replay(found: Held, params: dict[str, Any]) -> Held:
    """The reservation an Idempotency-Key made, when this purchase is the same one again; another buyer,
    quantity or offer under the same key is refused naming the key (never answered with the first)."""
    if (found.offer_id, found.buyer_ref, found.quantity) != (
        str(params["o"]),
        str(params["b"]),
        int(params["q"]),
    ):
        raise ValidationError(
            "this Idempotency-Key was used for another purchase (offer, buyer or quantity); use a new key",
            field="Idempotency-Key",
            rule="same-request-same-key",
        )
    return found


def find_by_key(database: Database, tenant_id: str, key: str) -> Held | None:
    with database.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT id, offer_id, buyer_ref, quantity, status, expires_at FROM live_reservations"
                " WHERE tenant_id = :t AND idempotency_key = :k"
            ),
            {"t": tenant_id, "k": key},
        ).one_or_none()
        if row is None:
            return None
        return Held(
            row.id, row.offer_id, row.buyer_ref, row.quantity, row.status, _time(conn, row.expires_at), True
        )

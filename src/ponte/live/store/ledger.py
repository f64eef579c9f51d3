"""The stock ledger of live offers: giving back overdue holds, and proving the books balance."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text

from ponte.kernel.errors import NotFoundError
from ponte.live.store.stock_sql import _bind
from ponte.platform.db import Database


def release(
    database: Database,
    at: datetime,
    tenant_id: str | None = None,
    reservation_id: str | None = None,
    to_status: str = "expired",
    limit: int = 500,
) -> int:
    """Give back the stock of held reservations that are due (or one named one); returns how many."""
    where = "status = 'held'"
    params: dict[str, object] = {"lim": limit}
    if reservation_id is not None:
        where += " AND id = :rid AND tenant_id = :t"
        params.update(rid=reservation_id, t=tenant_id)
    else:
        where += " AND expires_at <= :now"
        if tenant_id is not None:
            where += " AND tenant_id = :t"
            params["t"] = tenant_id
    with database.engine.begin() as conn:
        params["now"] = _bind(conn, at)
        lock = " FOR UPDATE SKIP LOCKED" if conn.dialect.name == "postgresql" else ""
        ids = [
            r.id
            for r in conn.execute(
                text(f"SELECT id FROM live_reservations WHERE {where} ORDER BY id LIMIT :lim{lock}"), params
            )
        ]
        if not ids:
            return 0
        rows: list[Any] = []
        for rid in ids:
            rows.extend(
                conn.execute(
                    text(
                        "UPDATE live_reservations SET status = :st WHERE id = :rid AND status = 'held'"
                        " RETURNING offer_id, buyer_ref, quantity, bucket"
                    ),
                    {"st": to_status, "rid": rid},
                ).all()
            )
        counts: dict[tuple[str, str], int] = defaultdict(int)
        stock: dict[tuple[str, int], int] = defaultdict(int)
        for r in rows:
            counts[(r.offer_id, r.buyer_ref)] += r.quantity
            stock[(r.offer_id, r.bucket)] += r.quantity
        # Lock order as in a purchase: buyer counters first, then buckets, each sorted.
        for (offer_id, buyer), q in sorted(counts.items()):
            conn.execute(
                text(
                    "UPDATE live_buyer_counts SET bought = bought - :q WHERE offer_id = :o AND buyer_ref = :b"
                ),
                {"q": q, "o": offer_id, "b": buyer},
            )
        for (offer_id, bucket), q in sorted(stock.items()):
            conn.execute(
                text(
                    "UPDATE live_stock_buckets SET available = available + :q"
                    " WHERE offer_id = :o AND bucket = :bk"
                ),
                {"q": q, "o": offer_id, "bk": bucket},
            )
        return len(rows)


@dataclass(frozen=True)
class Reconciliation:
    offer_id: str
    quantity_cap: int
    available: int
    held: int
    paid: int
    buyer_mismatches: list[str]

    @property
    def balanced(self) -> bool:
        return self.available + self.held + self.paid == self.quantity_cap and not self.buyer_mismatches


def reconcile(database: Database, tenant_id: str, offer_id: str) -> Reconciliation:
    """Prove the ledger: buckets + held + paid == cap, and every buyer counter == their units."""
    with database.engine.connect() as conn:
        cap = conn.execute(
            text("SELECT quantity_cap FROM live_offers WHERE id = :o AND tenant_id = :t"),
            {"o": offer_id, "t": tenant_id},
        ).scalar()
        if cap is None:
            raise NotFoundError("offer", offer_id)
        available = conn.execute(
            text("SELECT coalesce(sum(available), 0) FROM live_stock_buckets WHERE offer_id = :o"),
            {"o": offer_id},
        ).scalar_one()
        by_status: dict[str, int] = dict(
            conn.execute(
                text(
                    "SELECT status, coalesce(sum(quantity), 0) FROM live_reservations"
                    " WHERE offer_id = :o GROUP BY status"
                ),
                {"o": offer_id},
            ).all()
        )
        mismatches = [
            r.buyer_ref
            for r in conn.execute(
                text(
                    "SELECT c.buyer_ref FROM live_buyer_counts c LEFT JOIN (SELECT buyer_ref, sum(quantity) AS q"
                    " FROM live_reservations WHERE offer_id = :o AND status IN ('held', 'paid')"
                    " GROUP BY buyer_ref) r ON r.buyer_ref = c.buyer_ref"
                    " WHERE c.offer_id = :o AND c.bought <> coalesce(r.q, 0)"
                ),
                {"o": offer_id},
            )
        ]
    return Reconciliation(
        offer_id,
        int(cap),
        int(available),
        int(by_status.get("held", 0)),
        int(by_status.get("paid", 0)),
        mismatches,
    )

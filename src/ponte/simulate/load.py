"""Bulk loading of a simulated corpus into the database, in one transaction.

Sellers become tenants (slug `<prefix>-<n>`), the park operator is added,
and every row goes in through the models' column types, so personal data is
encrypted exactly as when an order arrives through the API.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa
from sqlalchemy import insert

from ponte.accounts.core import ALL_TENANT_SCOPES
from ponte.accounts.store import ApiKeyRepository, Tenant, TenantRepository
from ponte.catalog.store import Booth, Product
from ponte.live.store.tables import LiveSession, Streamer
from ponte.orders.store import Buyer, Order, OrderEvent, OrderLine
from ponte.platform.db import Database
from ponte.simulate.core import Tables

BATCH = 5_000
#: The orders' columns the loader fills itself (the rest come from the corpus' orders table).
ORDER_COLUMNS_OF_LOADER = ("created_at", "ship_address", "ship_phone", "ship_email")


@dataclass(frozen=True)
class LoadedCorpus:
    counts: dict[str, int]
    keys: dict[str, str]  # tenant slug -> API key (shown once)


def _rows(table: pa.Table) -> Iterator[dict[str, Any]]:
    for batch in table.to_batches(max_chunksize=BATCH):
        yield from batch.to_pylist()


def _insert(session: Any, model: Any, rows: Iterator[dict[str, Any]]) -> int:
    count, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= BATCH:
            session.execute(insert(model), chunk)
            count, chunk = count + len(chunk), []
    if chunk:
        session.execute(insert(model), chunk)
        count += len(chunk)
    return count


def load_corpus(
    database: Database, tables: Tables, slug_prefix: str = "demo", issue_keys: bool = True
) -> LoadedCorpus:
    """Load every table; all or nothing."""
    now = datetime.now(UTC)
    keys: dict[str, str] = {}
    counts: dict[str, int] = {}
    with database.unit_of_work() as uow:
        session = uow.session
        tenants = TenantRepository(session)
        operator = tenants.add("Park operator", f"{slug_prefix}-park", "operator", "CN")
        sellers = list(_rows(tables.sellers))
        session.execute(
            insert(Tenant),
            [
                {
                    "id": s["id"],
                    "slug": f"{slug_prefix}-{n:03d}",
                    "name": s["name_en"],
                    "legal_name": s["name"],
                    "enterprise_code": s["uscc"],
                    "kind": "seller",
                    "country": "CN",
                    "created_at": now,
                }
                for n, s in enumerate(sellers, start=1)
            ],
        )
        counts["tenants"] = len(sellers) + 1
        if issue_keys:
            api_keys = ApiKeyRepository(session)
            _, keys[f"{slug_prefix}-park"] = api_keys.issue(
                operator.id, "demo", [*ALL_TENANT_SCOPES, "park:operate"]
            )
            for n, s in enumerate(sellers, start=1):
                _, keys[f"{slug_prefix}-{n:03d}"] = api_keys.issue(s["id"], "demo", ALL_TENANT_SCOPES)
        counts["booths"] = _insert(
            session,
            Booth,
            (
                {k: r[k] for k in ("id", "tenant_id", "code", "hall", "categories")}
                for r in _rows(tables.booths)
            ),
        )
        product_columns = [
            c.name for c in Product.__table__.columns if c.name not in ("attributes", "created_at")
        ]
        counts["products"] = _insert(
            session,
            Product,
            (
                {
                    **{k: r[k] for k in product_columns},
                    "tariff_codes": json.loads(r["tariff_codes"] or "{}"),
                    "perishable": bool(r["perishable"]),
                    "temperature": r["temperature"] or "ambient",
                    "attributes": {},
                    "created_at": now,
                }
                for r in _rows(tables.products)
            ),
        )
        delivery: dict[str, dict[str, Any]] = {}  # a simulated buyer gives one address with every order

        def buyer_rows() -> Iterator[dict[str, Any]]:
            for r in _rows(tables.buyers):
                row = {
                    "id": r["id"],
                    "tenant_id": r["tenant_id"],
                    "country": r["country"],
                    "kind": r["kind"],
                    "name": r["name"],
                    "tax_id_kind": r["tax_id_kind"],
                    "tax_id": r["tax_id"],
                    "tax_id_index": Buyer.index_for(r["country"], r["tax_id"]),
                    "phone": r["phone"],
                    "email": None,
                    "address": json.dumps(
                        {
                            "line1": r["street"],
                            "city": r["city"],
                            "region": r["region"],
                            "postal_code": r["postal_code"],
                            "country": r["country"],
                        },
                        ensure_ascii=False,
                    ),
                    "region": r["region"],
                    "created_at": now,
                }
                delivery[r["id"]] = {
                    "ship_address": row["address"],
                    "ship_phone": r["phone"],
                    "ship_email": None,
                }
                yield row

        counts["buyers"] = _insert(session, Buyer, buyer_rows())
        order_columns = [c.name for c in Order.__table__.columns if c.name not in ORDER_COLUMNS_OF_LOADER]
        counts["orders"] = _insert(
            session,
            Order,
            (
                {**{k: r[k] for k in order_columns}, **delivery[r["buyer_id"]], "created_at": now}
                for r in _rows(tables.orders)
            ),
        )
        line_columns = [c.name for c in OrderLine.__table__.columns if c.name not in ("id", "description")]
        titles = {
            r["id"]: r["titles"].get("en", r["sku"])
            for r in _rows(tables.products.select(["id", "titles", "sku"]))
        }
        counts["order_lines"] = _insert(
            session,
            OrderLine,
            (
                {**{k: r[k] for k in line_columns}, "description": titles.get(r["product_id"], r["sku"])}
                for r in _rows(tables.lines)
            ),
        )
        counts["live_sessions"] = _live_sessions(session, tables, now)
        _insert(
            session,
            OrderEvent,
            (
                {
                    "order_id": r["id"],
                    "tenant_id": r["tenant_id"],
                    "at": r["placed_at"],
                    "kind": "placed",
                    "detail": r["channel"],
                }
                for r in _rows(tables.orders.select(["id", "tenant_id", "placed_at", "channel"]))
            ),
        )
        uow.commit()
    return LoadedCorpus(counts, keys)


STREAMERS = ("Lia Chen", "Mateo Wang", "Bruna Li", "Sofía Zhao", "Ana Liu", "Diego Sun")


def _live_sessions(session: Any, tables: Tables, now: datetime) -> int:
    """The live sessions the corpus' live orders came from: one per session id, around its orders, by a
    streamer of the seller, at one of the seller's booths (ended; the demo adds a running one)."""
    spans: dict[str, list[Any]] = {}
    for r in _rows(tables.orders.select(["live_session_id", "tenant_id", "placed_at"])):
        sid = r["live_session_id"]
        if sid is None:
            continue
        span = spans.setdefault(sid, [r["tenant_id"], r["placed_at"], r["placed_at"]])
        span[1], span[2] = min(span[1], r["placed_at"]), max(span[2], r["placed_at"])
    booths: dict[str, list[str]] = {}
    for b in _rows(tables.booths.select(["id", "tenant_id"])):
        booths.setdefault(b["tenant_id"], []).append(b["id"])
    streamers: dict[str, str] = {}
    for n, tenant in enumerate(sorted({t for t, _, _ in spans.values()})):
        streamers[tenant] = f"str_sim_{n:04d}"
    _insert(
        session,
        Streamer,
        (
            {"id": sid, "tenant_id": t, "name": STREAMERS[n % len(STREAMERS)], "languages": ["zh-CN", "pt-BR", "es"],
             "created_at": now}
            for n, (t, sid) in enumerate(sorted(streamers.items()))
        ),
    )  # fmt: skip
    rows = []
    for n, (sid, (tenant, first, last)) in enumerate(sorted(spans.items())):
        starts = _utc(first) - timedelta(minutes=5)
        ends = max(_utc(last) + timedelta(minutes=5), starts + timedelta(minutes=30))
        ends = min(ends, starts + timedelta(hours=23))
        own = booths.get(tenant, [])
        route = [{"booth_id": own[0], "at": (starts + timedelta(minutes=1)).isoformat()}] if own else []
        rows.append(
            {"id": sid, "tenant_id": tenant, "title": f"Live #{n + 1}", "streamer_id": streamers[tenant],
             "starts_at": starts, "ends_at": ends, "status": "ended", "route": route,
             "pinned_offer_id": None, "created_at": now}
        )  # fmt: skip
    return _insert(session, LiveSession, iter(rows))


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)

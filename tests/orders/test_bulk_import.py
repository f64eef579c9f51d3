"""CSV orders placed in bulk store exactly what placing each order alone stores; a large file runs as a
background import, chunk by chunk, with progress and a per-row error report.

The differential tests place the same seeded orders (every market of the simulator's buyers, returning
buyers, multi-line orders, catalogue and file prices) into two tenants: one by the bulk path, the other
order by order through ``journey.place``; the stored orders, lines, buyers, histories, frozen quotes and
webhook deliveries must be the same but for ids.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from bulk_files import PRODUCTS, product, rows, to_csv
from sqlalchemy import select

from ponte.bootstrap import Platform
from ponte.journey import imports
from ponte.journey import service as journey
from ponte.journey.store import OrderQuote
from ponte.orders import csv_stream, csv_upload
from ponte.orders.store import Buyer, Order, OrderEvent, OrderLine
from ponte.platform.db import Database
from ponte.platform.settings import Settings
from ponte.webhooks import service as webhooks
from ponte.webhooks.store import WebhookDelivery

AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
KINDS = ["order.quoted", "order.held"]


def _setup(api, database: Database, tenants) -> journey.Context:  # type: ignore[no-untyped-def]
    for key in (tenants.key_a, tenants.key_b):
        for p in PRODUCTS:
            assert api.post("/products", json=product(*p), headers=tenants.headers(key)).status_code == 201
    with database.unit_of_work() as uow:
        for tenant in (tenants.a, tenants.b):
            webhooks.subscribe(uow, tenant, "https://hooks.example.com/p", KINDS, AT, KINDS, allow_private=True)
        uow.commit()
    return Platform(Settings(database_url=database.url), _database=database).journey


def _place_alone(database: Database, tenant: str, data: bytes, ctx: journey.Context) -> None:
    parsed, errors = csv_upload.group(r for chunk in csv_stream.chunks(data, 10**6) for r in chunk)
    assert not errors
    with database.unit_of_work() as uow:
        for item in parsed:
            journey.place(uow, tenant, item.order, ctx, AT)
        uow.commit()


def stored(database: Database, tenant: str) -> dict[str, Any]:
    """Everything an order upload stores for the tenant, keyed by external reference, ids left out."""
    with database.unit_of_work(readonly=True) as uow:
        s = uow.session
        orders = list(s.scalars(select(Order).where(Order.tenant_id == tenant).order_by(Order.external_ref)))
        buyers = {b.id: b for b in s.scalars(select(Buyer).where(Buyer.tenant_id == tenant))}
        ref = {o.id: o.external_ref for o in orders}
        skip = {"id", "tenant_id", "buyer_id"}
        out: dict[str, Any] = {}
        for o in orders:
            b = buyers[o.buyer_id]
            out[o.external_ref] = {
                "order": {c: getattr(o, c) for c in _names(Order) if c not in skip},
                "buyer": {c: getattr(b, c) for c in _names(Buyer) if c not in {"id", "tenant_id"}},
                "lines": [
                    {c: getattr(ln, c) for c in _names(OrderLine)
                     if c not in {"id", "order_id", "tenant_id", "product_id"}}
                    for ln in o.lines
                ],
                "events": [
                    (e.kind, e.detail, e.at)
                    for e in s.scalars(select(OrderEvent).where(OrderEvent.order_id == o.id).order_by(OrderEvent.id))
                ],
            }  # fmt: skip
        for q in s.scalars(select(OrderQuote).where(OrderQuote.tenant_id == tenant)):
            frozen = q.frozen
            assert frozen["order_id"] == q.order_id
            frozen["order_id"] = "-"
            out[ref[q.order_id]].setdefault("quotes", []).append(
                (q.revision, q.verdict, q.rules_version, frozen, q.created_at)
            )
        for d in s.scalars(select(WebhookDelivery).where(WebhookDelivery.tenant_id == tenant)):
            body = json.loads(d.body)
            data = body["data"]
            assert data["order_id"] in ref and body["id"] == d.event_id
            out[data["external_ref"]].setdefault("deliveries", []).append(
                (d.kind, d.status, data["status"], data["note"], body["created_at"])
            )
        out["#buyers"] = len(buyers)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bulk_stores_what_placing_each_order_alone_stores(api, database: Database, tenants, seed: int) -> None:  # type: ignore[no-untyped-def]
    ctx = _setup(api, database, tenants)
    data = to_csv(rows(seed, 70))
    with database.unit_of_work() as uow:
        done = imports.place_file(uow, tenants.a, data, ctx, AT)
        assert not done.errors, done.errors[:3]
        uow.commit()
    _place_alone(database, tenants.b, data, ctx)
    bulk, alone = stored(database, tenants.a), stored(database, tenants.b)
    assert len(bulk) == 71 and bulk["#buyers"] < 70  # returning buyers are found again, not duplicated
    for ref in alone:
        if bulk[ref] != alone[ref]:
            _diff(bulk[ref], alone[ref])
        assert bulk[ref] == alone[ref], ref
    verdicts = {v["quotes"][0][1] for k, v in bulk.items() if k != "#buyers"}
    statuses = {v["order"]["status"] for k, v in bulk.items() if k != "#buyers"}
    assert statuses == {"quoted", "held"} and len(verdicts) >= 2, (statuses, verdicts)  # both outcomes met


def test_a_background_import_stores_what_placing_alone_stores(api, database: Database, tenants) -> None:  # type: ignore[no-untyped-def]
    ctx = _setup(api, database, tenants)
    data = to_csv(rows(9, 90))
    with database.unit_of_work() as uow:
        job = imports.submit(uow, tenants.a, data, AT, chunk_rows=40)
        uow.commit()
    assert imports.run_due(database, ctx, AT, claimant="w1") >= 4  # several chunks of about 40 rows
    _place_alone(database, tenants.b, data, ctx)
    with database.unit_of_work(readonly=True) as uow:
        done = imports.get(uow, tenants.a, job.id)
        report = [(e.row, e.field, e.rule) for e in imports.errors(uow, tenants.a, job.id)]
        assert (done.state, done.rows_done, done.orders_stored, report) == ("done", done.rows_total, 90, [])
        assert done.rows_failed == 0 and done.content is None  # the file's personal data is not kept
    bulk, alone = stored(database, tenants.a), stored(database, tenants.b)
    assert bulk.keys() == alone.keys()
    for ref in alone:
        assert bulk[ref] == alone[ref], ref


def _diff(a: Any, b: Any, path: str = "") -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in set(a) | set(b):
            _diff(a.get(k), b.get(k), f"{path}.{k}")
    elif isinstance(a, list | tuple) and isinstance(b, list | tuple) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _diff(x, y, f"{path}[{i}]")
    elif a != b:
        print("DIFF", path, repr(a)[:300], repr(b)[:300])


def _names(model: Any) -> list[str]:
    return [c.name for c in model.__table__.columns]

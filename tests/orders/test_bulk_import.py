"""CSV orders placed in bulk store exactly what placing each order alone stores; a large file runs as a
background import, chunk by chunk, with progress and a per-row error report.

The differential tests place the same seeded orders (every market of the simulator's buyers, returning
buyers, multi-line orders, catalogue and file prices) into two tenants: one by the bulk path, the other
order by order through ``journey.place``; the stored orders, lines, buyers, histories, frozen quotes and
webhook deliveries must be the same but for ids.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from bulk_files import PRODUCTS, product, rows, to_csv
from sqlalchemy import select, text

from ponte.background import Worker
from ponte.bootstrap import Platform
from ponte.journey import imports
from ponte.journey import service as journey
from ponte.journey.import_store import OrderImport
from ponte.journey.store import OrderQuote
from ponte.orders import csv_stream, csv_upload
from ponte.orders.store import Buyer, Order, OrderEvent, OrderLine
from ponte.platform.db import Database
from ponte.platform.settings import Settings
from ponte.webhooks import service as webhooks
from ponte.webhooks.store import WebhookDelivery

AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
#: Markets whose orders the test FX tables quote on any day (the API places at the time of the request).
SAFE = ("BR", "MX", "CL", "CO", "PE", "AR")
KINDS = ["order.quoted", "order.held"]


def _setup(api, database: Database, tenants) -> journey.Context:  # type: ignore[no-untyped-def]
    for key in (tenants.key_a, tenants.key_b):
        for p in PRODUCTS:
            assert api.post("/products", json=product(*p), headers=tenants.headers(key)).status_code == 201
    with database.unit_of_work() as uow:
        for tenant in (tenants.a, tenants.b):
            webhooks.subscribe(
                uow, tenant, "https://hooks.example.com/p", KINDS, AT, KINDS, allow_private=True
            )
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
def test_bulk_stores_what_placing_each_order_alone_stores(
    api, database: Database, tenants, seed: int
) -> None:  # type: ignore[no-untyped-def]
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


# --- the background import through the API ------------------------------------------------------------


def _csv_headers(tenants, key: str | None = None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {**tenants.headers(key or tenants.key_a), "Content-Type": "text/csv"}


def _bad_rows() -> bytes:
    good = rows(5, 12, "MIX", markets=SAFE)
    bad = [
        dict(_only(rows(6, 5, "BAD", markets=SAFE), f"BAD-6-{n:05d}")[0]) for n in range(5)
    ]  # one line each
    bad[0]["sku"] = "NOPE-1"  # not in the catalogue
    bad[1]["quantity"] = "0"
    bad[2]["unit_price"] = "1e400"
    bad[3]["buyer_tax_id"] = "111.444.777-00" if bad[3]["destination"] == "BR" else "X-1"
    bad[4]["buyer_name"] = ""
    return to_csv(good + bad)


def _only(records: list[dict[str, str]], ref: str) -> list[dict[str, str]]:
    return [r for r in records if r["external_ref"] == ref]


def test_a_large_file_is_a_background_job_with_progress_and_a_row_error_report(
    api, database, tenants
) -> None:  # type: ignore[no-untyped-def]
    ctx = _setup(api, database, tenants)
    data = _bad_rows()
    queued = api.post("/orders/imports", content=data, headers=_csv_headers(tenants))
    assert queued.status_code == 202, queued.text
    job = queued.json()
    assert (
        job["state"] == "queued"
        and job["progress"] == 0
        and queued.headers["Location"] == job["links"]["self"]
    )
    assert api.get(f"/orders/imports/{job['id']}", headers=tenants.headers(tenants.key_b)).status_code == 404
    assert (
        api.get(f"/orders/imports/{job['id']}/errors", headers=tenants.headers(tenants.key_b)).status_code
        == 404
    )
    imports.run_due(database, ctx, AT)
    done = api.get(f"/orders/imports/{job['id']}", headers=tenants.headers(tenants.key_a)).json()
    lines = data.decode().count("\n") - 1
    assert (done["state"], done["rows_total"], done["rows_done"], done["progress"]) == (
        "done",
        lines,
        lines,
        1.0,
    )
    assert done["orders_stored"] == 12 and done["rows_failed"] == 5
    report = api.get(f"/orders/imports/{job['id']}/errors", headers=tenants.headers(tenants.key_a))
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/csv")
    got = {(int(r["row"]), r["field"], r["rule"]) for r in csv_rows(report.text)}
    first_bad = (
        len(rows(5, 12, "MIX", markets=SAFE)) + 2
    )  # the file row of the first bad order (the header is row 1)
    assert (first_bad, "sku", "known-sku") in got
    rules = {field: rule for _, field, rule in got}
    assert rules["quantity"] == "greater-than-equal" and rules["buyer_name"] == "required"
    assert rules["unit_price"] in ("decimal-max-digits", "less-than-equal", "finite-number")
    assert "buyer_tax_id" in rules
    listed = api.get("/orders?limit=500", headers=tenants.headers(tenants.key_a)).json()["items"]
    assert sorted(o["external_ref"] for o in listed) == sorted(
        {r["external_ref"] for r in rows(5, 12, "MIX")}
    )
    assert (
        api.get("/orders", headers=tenants.headers(tenants.key_b)).json()["items"] == []
    )  # tenant B: nothing


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(text.splitlines()))


def test_re_sending_a_file_stores_no_order_twice(api, database, tenants) -> None:  # type: ignore[no-untyped-def]
    ctx = _setup(api, database, tenants)
    data = to_csv(rows(4, 15, markets=SAFE))
    first = api.post("/orders/import", content=data, headers=_csv_headers(tenants))
    assert first.status_code == 201 and len(first.json()["orders"]) == 15, first.text
    again = api.post("/orders/import", content=data, headers=_csv_headers(tenants))
    assert again.status_code == 422 and again.json()["stored"] is False
    assert {e["rule"] for e in again.json()["errors"]} == {"unique-per-seller"}
    job = api.post("/orders/imports", content=data, headers=_csv_headers(tenants)).json()
    imports.run_due(database, ctx, AT)
    done = api.get(f"/orders/imports/{job['id']}", headers=tenants.headers(tenants.key_a)).json()
    assert done["orders_stored"] == 0 and done["rows_failed"] == done["rows_total"]
    with database.unit_of_work(readonly=True) as uow:
        assert len(list(uow.session.scalars(select(Order.id).where(Order.tenant_id == tenants.a)))) == 15


def test_prefer_respond_async_queues_a_small_file(api, database, tenants) -> None:  # type: ignore[no-untyped-def]
    _setup(api, database, tenants)
    r = api.post(
        "/orders/import",
        content=to_csv(rows(3, 2)),
        headers={**_csv_headers(tenants), "Prefer": "respond-async"},
    )
    assert r.status_code == 202 and r.json()["state"] == "queued" and r.json()["rows_total"] > 0


def test_a_chunk_that_fails_midway_stores_nothing_of_itself(api, database, tenants, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ctx = _setup(api, database, tenants)
    data = to_csv(rows(8, 40))
    with database.unit_of_work() as uow:
        job = imports.submit(uow, tenants.a, data, AT, chunk_rows=30)
        uow.commit()
    real, calls = webhooks.notify_many, []

    def fails_second_time(*args: Any, **kwargs: Any) -> int:  # the last step of a chunk, after every insert
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr("ponte.journey.bulk_place.webhooks.notify_many", fails_second_time)
    imports.run_due(database, ctx, AT)
    with database.unit_of_work(readonly=True) as uow:
        failed = imports.get(uow, tenants.a, job.id)
        kept = failed.content
        s = uow.session
        orders = list(s.scalars(select(Order).where(Order.tenant_id == tenants.a)))
        stored_refs = {o.external_ref for o in orders}
        lines = sum(len(o.lines) for o in orders)
        counts = {
            m.__tablename__: len(list(s.scalars(select(m.id).where(m.tenant_id == tenants.a))))
            for m in (OrderQuote, OrderEvent, OrderLine, WebhookDelivery)
        }
    assert failed.state == "failed" and "went away" in failed.message and kept is None
    assert 0 < failed.orders_stored == len(orders) < 40 and failed.rows_done < failed.rows_total
    assert counts["order_quotes"] == len(orders) and counts["order_events"] == 2 * len(orders)
    assert counts["webhook_deliveries"] == len(orders)
    assert counts["order_lines"] == lines
    first_chunk = {r["external_ref"] for _, r in next(csv_stream.chunks(data, 30))}
    assert stored_refs == first_chunk  # the first chunk whole, nothing of the second


def test_a_stopped_worker_s_import_is_taken_up_where_it_stopped(api, database, tenants) -> None:  # type: ignore[no-untyped-def]
    ctx = _setup(api, database, tenants)
    data = to_csv(rows(11, 50))
    with database.unit_of_work() as uow:
        job = imports.submit(uow, tenants.a, data, AT, chunk_rows=25)
        uow.commit()
    assert imports.run_due(database, ctx, AT, claimant="w1", budget=0) == 1  # one chunk, then it stops
    assert imports.run_due(database, ctx, AT, claimant="w2") == 0  # w1's lease still runs
    later = AT + imports.LEASE * 2
    assert imports.run_due(database, ctx, later, claimant="w2") >= 1
    with database.unit_of_work(readonly=True) as uow:
        done = imports.get(uow, tenants.a, job.id)
        refs = list(uow.session.scalars(select(Order.external_ref).where(Order.tenant_id == tenants.a)))
    assert done.state == "done" and done.orders_stored == 50 and sorted(refs) == sorted(set(refs))
    assert len(refs) == 50


@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", "file", None),
        ("external_ref,destination\nçà,BR\n".encode("latin-1"), "file", "utf-8"),
        (b"external_ref,destination,currency\nA-1,BR,USD\n", "header", "csv-columns"),
        (b"", "file", None),
        (to_csv(rows(2, 2)) + b"A-9,BR\n", "file", "csv-column-count"),
    ],
)
def test_a_malformed_file_is_a_422_naming_the_rule_never_a_500(
    api, database, tenants, body, field, rule
) -> None:  # type: ignore[no-untyped-def]
    _setup(api, database, tenants)
    for path in ("/orders/import", "/orders/imports"):
        r = api.post(path, content=body, headers=_csv_headers(tenants))
        assert r.status_code == 422, (path, r.status_code, r.text[:300])
        problem = r.json()
        errors = problem.get("errors", [])
        assert errors and all(e.get("rule") for e in errors), problem
        if field is not None:
            assert errors[0]["field"].strip("/") == field and (rule is None or errors[0]["rule"] == rule), (
                problem
            )
    assert api.get("/orders", headers=tenants.headers(tenants.key_a)).json()["items"] == []
    with database.unit_of_work(readonly=True) as uow:
        assert list(uow.session.scalars(select(OrderImport.id))) == []


def test_control_characters_in_a_large_file_are_row_errors(api, database, tenants) -> None:  # type: ignore[no-untyped-def]
    ctx = _setup(api, database, tenants)
    records = rows(12, 3, markets=SAFE)
    records[0]["buyer_name"] = "Maria\x00Silva"
    first = records[0]["external_ref"]
    sync = api.post("/orders/import", content=to_csv(records), headers=_csv_headers(tenants))
    assert sync.status_code == 422 and ("buyer_name", "no-control-characters") in {
        (e["field"], e["rule"]) for e in sync.json()["errors"]
    }
    job = api.post("/orders/imports", content=to_csv(records), headers=_csv_headers(tenants)).json()
    imports.run_due(database, ctx, AT)
    report = api.get(f"/orders/imports/{job['id']}/errors", headers=tenants.headers(tenants.key_a)).text
    assert [(r["row"], r["field"], r["rule"]) for r in csv_rows(report)] == [
        ("2", "buyer_name", "no-control-characters")
    ]
    refs = {
        o["external_ref"] for o in api.get("/orders", headers=tenants.headers(tenants.key_a)).json()["items"]
    }
    assert first not in refs and len(refs) == 2


def test_the_file_and_the_report_are_encrypted_at_rest(api, database, tenants) -> None:  # type: ignore[no-untyped-def]
    ctx = _setup(api, database, tenants)
    data = _bad_rows()
    name = rows(5, 12, "MIX", markets=SAFE)[0]["buyer_name"]
    job = api.post("/orders/imports", content=data, headers=_csv_headers(tenants)).json()
    with database.engine.connect() as conn:
        raw = conn.execute(
            text("SELECT content FROM order_imports WHERE id = :i"), {"i": job["id"]}
        ).scalar_one()
    assert name not in raw and "Avenida" not in raw and len(raw) > len(data)
    with database.unit_of_work(readonly=True) as uow:
        assert imports.get(uow, tenants.a, job["id"]).content == data.decode()
    Worker(database, imports=lambda at, who: imports.run_due(database, ctx, AT, who)).round()
    with database.engine.connect() as conn:
        buyers = conn.execute(text("SELECT name, tax_id, address FROM buyers")).all()
        messages = conn.execute(text("SELECT message FROM order_import_errors")).scalars().all()
        content = conn.execute(text("SELECT content FROM order_imports")).scalar_one()
    assert buyers and messages and content is None  # the worker's round placed it, then dropped the file
    clear = {r["buyer_name"] for r in rows(5, 12, "MIX", markets=SAFE)} | {"Avenida", "Rua", "Calle"}
    assert not [v for row in buyers for v in row if any(c in v for c in clear)]
    with database.unit_of_work(readonly=True) as uow:
        readable = {e.message for e in imports.errors(uow, tenants.a, job["id"])}
    assert readable and not readable & set(messages)  # the report's messages are stored encrypted


def test_an_import_refuses_a_file_whose_orders_rows_are_apart(api, database, tenants) -> None:  # type: ignore[no-untyped-def]
    _setup(api, database, tenants)
    records = [r for r in rows(13, 6, markets=SAFE) if r["sku"] != "PHONE-9"]
    two = next(ref for ref in {r["external_ref"] for r in records} if len(_only(records, ref)) == 2)
    apart = [r for r in records if r["external_ref"] != two] + _only(records, two)[:1]
    apart = _only(records, two)[1:] + apart  # the order's second line first, its first line last
    job = api.post("/orders/imports", content=to_csv(apart), headers=_csv_headers(tenants))
    assert job.status_code == 422 and job.json()["errors"][0]["rule"] == "order-rows-together", job.text
    assert two in job.json()["detail"]
    placed = api.post("/orders/import", content=to_csv(apart), headers=_csv_headers(tenants))  # one request
    assert placed.status_code == 201, placed.text  # reads the whole file: rows of one order may be apart
    order = next(o for o in placed.json()["orders"] if o["external_ref"] == two)
    assert len(api.get(f"/orders/{order['id']}", headers=tenants.headers(tenants.key_a)).json()["lines"]) == 2

"""`ponte process --database`: a tenant's orders read from the store, run through the job, and their journey
written back, on SQLite and PostgreSQL.

A few hundred multi-line orders of every market and trade mode of a simulated corpus are placed through the
journey service (each quoted at once: quoted, or held with its reasons). The same orders are placed in a
second store and walked through the journey service one step at a time (``fulfil`` each, then ``ship`` the
air parcels together): that is what the batch must have stored. After the run every order's status, trade
mode, history, frozen quote revisions and parcel equal the journey's, every booked order has its shipment,
house and master waybill as the job's plan says, a rerun changes nothing, and a run killed during the
write-back of its second partition leaves the first partition's orders moved and the others untouched.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from ponte import schema
from ponte.accounts import service as accounts
from ponte.batch import database as database_mode
from ponte.bootstrap import Platform
from ponte.cli import app as cli
from ponte.journey import service as journey
from ponte.kernel.errors import PonteError
from ponte.logistics import service as logistics
from ponte.logistics.awb import StockRange
from ponte.logistics.network import sample_flights
from ponte.orders import bulk as orders_bulk
from ponte.orders import service as orders
from ponte.orders.intake import OrderIn
from ponte.platform.db import Database
from ponte.platform.settings import Settings
from ponte.simulate import simulate
from ponte.simulate.load import load_corpus
from ponte.webhooks import service as webhooks

START = date(2026, 3, 2)
SLUG = "dbm-001"
AT = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def _stock() -> list[tuple[str, int, int]]:
    carriers = sorted({f.carrier for f in sample_flights(date(2026, 1, 5), 7)})
    return [(c, 1000000, 1999999) for c in carriers]


def _stock_args() -> list[str]:
    return [a for prefix, lo, hi in _stock() for a in ("--awb-stock", f"{prefix}:{lo}-{hi}")]


def _corpus() -> Any:
    return simulate(17, 1400, START, 2, 3)


def _payloads(tables: Any, n: int) -> list[dict[str, Any]]:
    """``n`` orders of the first seller (every market and mode it sells), as the API takes them; one in
    twenty worth more than any market lets through a simplified regime (held when placed)."""
    seller = tables.sellers["id"][0].as_py()
    buyers = {b["id"]: b for b in tables.buyers.to_pylist()}
    lines: dict[str, list[dict[str, Any]]] = {}
    for ln in tables.lines.to_pylist():
        lines.setdefault(ln["order_id"], []).append(ln)
    out = []
    for o in tables.orders.to_pylist():
        if o["tenant_id"] != seller or len(out) == n:
            continue
        b = buyers[o["buyer_id"]]
        out.append(
            {
                "external_ref": f"DBM-{len(out):04d}",
                "channel": "api",
                "trade_mode": o["trade_mode"],
                "destination": o["destination"],
                "destination_region": o["destination_region"],
                "currency": o["currency"],
                "placed_at": o["placed_at"].isoformat(),
                "freight": str(o["freight"]),
                "discount": str(o["discount"]),
                "buyer": {
                    "name": b["name"],
                    "kind": b["kind"],
                    "tax_id": b["tax_id"],
                    "tax_id_kind": b["tax_id_kind"],
                    "phone": b["phone"],
                    "address": {
                        "line1": b["street"],
                        "city": b["city"],
                        "region": b["region"],
                        "postal_code": b["postal_code"],
                        "country": b["country"],
                    },
                },
                "lines": [
                    {"sku": ln["sku"], "quantity": ln["quantity"], "unit_price": str(ln["unit_price"])}
                    for ln in lines[o["id"]]
                ],
            }
        )
    for body in out[::20]:  # over every market's simplified limit: quoted as an ordinary import, held
        body["lines"][0]["unit_price"] = "9000"
    again = out[-1]["buyer"] = json.loads(json.dumps(out[1]["buyer"]))  # a returning buyer ...
    again["address"]["line1"] = "Outra Rua 99"  # ... who gives another address
    out[-1]["destination"], out[-1]["currency"] = out[1]["destination"], out[1]["currency"]
    out[-1]["destination_region"] = out[1]["destination_region"]
    return out


def _place(database: Database, tables: Any, payloads: list[dict[str, Any]]) -> journey.Context:
    """The corpus loaded (tenants, catalogue, buyers) and the orders placed through the journey service."""
    load_corpus(database, tables, slug_prefix="dbm", issue_keys=False)
    ctx = Platform(Settings(database_url=database.url), _database=database).journey
    with database.unit_of_work() as uow:
        tenant = accounts.tenant_id_of(uow, SLUG)
        for body in payloads:
            journey.place(uow, tenant, OrderIn.model_validate(body), ctx, AT)
        uow.commit()
    return ctx


def _reference(tmp_path: Path, tables: Any, payloads: list[dict[str, Any]]) -> Database:
    """The same orders walked through the journey service step by step, in a store of their own."""
    ref = Database(f"sqlite:///{tmp_path / 'journey.db'}")
    schema.create_all(ref.engine)
    ctx = _place(ref, tables, payloads)
    with ref.unit_of_work() as uow:
        tenant = accounts.tenant_id_of(uow, SLUG)
        for prefix, lo, hi in _stock():
            logistics.add_awb_range(uow, tenant, StockRange(prefix, lo, hi), AT)
        uow.commit()
        quoted = [o.id for o in orders.page(uow, tenant, None, 500, status="quoted").items]
    for order_id in quoted:
        with ref.unit_of_work() as uow:
            try:
                journey.fulfil(uow, tenant, order_id, ctx, AT)
            except PonteError:  # no fulfilment option: the order stays quoted
                continue
            uow.commit()
    with ref.unit_of_work() as uow:
        packed = orders.page(uow, tenant, None, 500, status="packed").items
        air = [o.id for o in packed if o.trade_mode in journey.AIR_MODES]
        journey.ship(uow, tenant, air, ctx, AT)
        uow.commit()
    return ref


def _state(database: Database) -> dict[str, dict[str, Any]]:
    """Every order of the tenant by its external ref: what the store says of its journey."""
    out = {}
    with database.unit_of_work(readonly=True) as uow:
        tenant = accounts.tenant_id_of(uow, SLUG)
        rows = orders.search(uow, tenant, None, 500, text="DBM-")[0].items
        for row in rows:
            parcel = logistics.parcel(uow, tenant, row.id)
            waybill = logistics.waybill(uow, tenant, row.id)
            quotes = [(q.revision, q.verdict, q.frozen) for q in _quotes(uow, tenant, row.id)]
            out[row.external_ref] = {
                "id": row.id,
                "status": row.status,
                "trade_mode": row.trade_mode,
                "events": [e.kind for e in orders.history(uow, tenant, row.id)],
                "quotes": quotes,
                "parcel": parcel,
                "waybill": waybill,
            }
    return out


def _quotes(uow: Any, tenant: str, order_id: str) -> list[Any]:
    latest = journey.frozen_quote(uow, tenant, order_id)
    return [journey.frozen_quote(uow, tenant, order_id, r) for r in range(latest.revision + 1)]


def _same_quote(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two frozen quotes of the same order in two stores say the same (its id and when apart)."""
    apart = ("order_id", "quoted_at")
    return {k: v for k, v in a.items() if k not in apart} == {k: v for k, v in b.items() if k not in apart}


def _counts(database: Database) -> dict[str, Any]:
    with database.engine.connect() as c:
        return {
            t: c.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar()
            for t in (
                "order_events", "order_quotes", "logistics_parcels", "logistics_shipments",
                "logistics_house_waybills", "logistics_shipment_parcels", "logistics_awb_issued",
                "webhook_deliveries",
            )
        } | {"status": sorted(c.execute(text("SELECT id, status, trade_mode FROM orders")).all())}  # fmt: skip


def _process(database: Database, out: Path) -> Any:
    return CliRunner().invoke(
        cli,
        ["process", "--database", database.url, "--tenant", SLUG, "--out", str(out), "--engine", "local",
         "--json", *_stock_args()],
    )  # fmt: skip


def _results(out: Path) -> dict[str, dict[str, Any]]:
    return {
        r["order_id"]: r for f in out.glob("results/*/*/part.parquet") for r in pq.read_table(f).to_pylist()
    }


@pytest.mark.slow
def test_the_store_gets_the_journey_of_every_order(database: Database, tmp_path: Path) -> None:
    tables = _corpus()
    payloads = _payloads(tables, 260)
    _place(database, tables, payloads)
    before = _state(database)
    assert len(before) == 260
    assert {p["destination"] for p in payloads} >= {"BR", "MX", "CL", "ES", "PT"}
    assert len({p["trade_mode"] for p in payloads}) >= 3

    with database.unit_of_work() as uow:  # the seller listens to its orders' bookings
        tenant = accounts.tenant_id_of(uow, SLUG)
        hook = "https://seller.example/hooks"
        webhooks.subscribe(uow, tenant, hook, ["order.booked"], AT, {"order.booked"}, allow_private=True)
        uow.commit()

    with database.unit_of_work(readonly=True) as uow:  # read in bulk: what `ponte export` writes
        tenant = accounts.tenant_id_of(uow, SLUG)
        bulk, exported = (
            orders_bulk.read_tables(uow, tenant, status="quoted"),
            orders.export_tables(uow, tenant, status="quoted"),
        )
    for name, table in exported.items():
        key = "order_id" if name == "lines" else "id"
        by = [(key, "ascending")] + ([("line_no", "ascending")] if name == "lines" else [])
        assert bulk[name].sort_by(by).equals(table.sort_by(by)), name
    assert any("-" in b[4:] for b in bulk["buyers"]["id"].to_pylist())  # the other address is its own row

    ran = _process(database, tmp_path / "out")
    assert ran.exit_code == 0, ran.output
    written = json.loads(ran.output)["database"]
    after = _state(database)
    expected = _state(_reference(tmp_path, tables, payloads))
    assert set(after) == set(expected)
    moved = Counter(o["status"] for o in after.values())
    assert moved["booked"] >= 100 and moved["held"] >= 1, moved
    assert written["moved"].get("booked") == moved["booked"]
    with database.engine.connect() as c:
        told = c.execute(text("SELECT kind, COUNT(*) FROM webhook_deliveries GROUP BY kind")).all()
    assert told == [("order.booked", moved["booked"])]
    results = _results(tmp_path / "out")
    for ref, got in after.items():
        want = expected[ref]
        assert got["status"] == want["status"], (ref, got["events"], want["events"])
        assert got["trade_mode"] == want["trade_mode"], ref
        assert got["events"] == want["events"], ref
        assert [(r, v) for r, v, _ in got["quotes"]] == [(r, v) for r, v, _ in want["quotes"]], ref
        assert all(
            _same_quote(g, w) for (_, _, g), (_, _, w) in zip(got["quotes"], want["quotes"], strict=True)
        )
        if got["status"] == "held":  # held at placement: untouched, its reasons kept
            assert got == before[ref]
            assert got["quotes"][-1][2]["verdict"]["reasons"]
        assert (got["parcel"] is None) == (want["parcel"] is None), ref
        if got["parcel"] is not None:
            for name in ("gross", "net", "box", "handling_class", "dangerous_goods", "shc", "origin",
                         "destination", "perishable", "cargo_aircraft_only"):  # fmt: skip
                assert getattr(got["parcel"], name) == getattr(want["parcel"], name), (ref, name)
        assert (got["waybill"] is None) == (want["waybill"] is None), ref
        if got["waybill"] is not None:  # the shipment the job's plan put it on
            row = results[got["id"]]
            assert (got["waybill"].house, got["waybill"].master) == (row["house"], row["master"])
            assert got["waybill"].destination == want["waybill"].destination
            assert got["waybill"].departs == row["departs"]

    stored = _counts(database)
    again = _process(database, tmp_path / "out")
    assert again.exit_code == 0, again.output
    assert _counts(database) == stored
    fresh = _process(database, tmp_path / "another")  # nothing quoted is left to take
    assert fresh.exit_code == 0, fresh.output
    assert json.loads(fresh.output)["orders"] == 0
    assert _counts(database) == stored


@pytest.mark.slow
def test_a_run_killed_during_a_write_back_leaves_whole_partitions(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = _corpus()
    _place(database, tables, _payloads(tables, 200))
    before = _state(database)
    apply = database_mode.WriteBack.apply
    calls: list[int] = []

    def dies_on_the_second(self: database_mode.WriteBack, uow: Any, plan: Any) -> set[str]:
        calls.append(1)
        moved = apply(self, uow, plan)  # everything of the partition is staged in its transaction
        if len(calls) == 2:
            raise RuntimeError("killed")
        return moved

    monkeypatch.setattr(database_mode.WriteBack, "apply", dies_on_the_second)
    out = tmp_path / "out"
    killed = _process(database, out)
    assert killed.exit_code != 0 and isinstance(killed.exception, RuntimeError)
    markers = sorted(out.glob("database/*/*.json"))
    assert len(markers) == 1
    day, dest = markers[0].parent.name, markers[0].stem
    first = {
        r["order_id"]
        for r in pq.read_table(out / "results" / f"day={day}" / f"dest={dest}" / "part.parquet").to_pylist()
    }
    mid = _state(database)
    for ref, got in mid.items():
        if got["id"] in first:
            assert got["status"] != "quoted" or got == before[ref], ref
        else:
            assert got == before[ref], ref
    assert any(got != before[ref] for ref, got in mid.items())

    monkeypatch.setattr(database_mode.WriteBack, "apply", apply)
    resumed = _process(database, out)
    assert resumed.exit_code == 0, resumed.output
    final = _state(database)
    for ref, got in final.items():
        if got["id"] in first:
            assert got == mid[ref], ref  # not moved twice
        assert len(got["events"]) == len(set(got["events"])), ref
    assert sum(o["status"] == "booked" for o in final.values()) > sum(
        o["status"] == "booked" for o in mid.values()
    )


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--tenant", SLUG, "--status", "booked"], "--status"),
        (["--status", "quoted"], "--tenant"),
        (["--tenant", SLUG, "--day", "2026-03-02", "--since", "2026-03-01"], "--day"),
        (["--tenant", SLUG, "--since", "March"], "--since"),
        (["--tenant", "nobody"], "tenant"),
    ],
)
def test_a_bad_selection_is_refused_naming_the_option(
    sqlite_database: Database, tmp_path: Path, args: list[str], field: str
) -> None:
    ran = CliRunner().invoke(
        cli, ["process", "--database", sqlite_database.url, "--out", str(tmp_path / "out"), *args, "--json"]
    )
    assert ran.exit_code == 2, ran.output
    assert field in ran.output
    assert not (tmp_path / "out").exists()

"""`ponte process` on a few thousand simulated orders, checked against the capabilities' own functions."""

from __future__ import annotations

import zipfile
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from lxml import etree
from pipeline_job import XSD

from ponte.batch.context import JobContext
from ponte.customs.china.kinds import SIGNED_KINDS
from ponte.customs.china.verify import verify_message
from ponte.duties import service as duties
from ponte.duties.registrations import SellerRegistrations
from ponte.orders import dataset
from ponte.orders.core import Order


def _results(out: Path) -> list[dict]:
    return pq.read_table(out / "results", partitioning=None).to_pylist()


def _orders(corpus: Path) -> list[Order]:
    return [r for r in dataset.records(dataset.read_tables(corpus)) if isinstance(r, Order)]


def test_the_corpus_has_every_market_mode_and_class(corpus: Path, done: Path) -> None:
    orders = pq.read_table(corpus).to_pylist()
    assert {o["destination"] for o in orders} >= {"BR", "MX", "CL", "CO", "PE", "AR", "PT", "ES", "MO", "CN"}
    assert {o["trade_mode"] for o in orders} == {"9610", "9710", "9810", "1210"}
    chosen = {
        r["chosen_by"].split(":")[0]
        for f in (done / "parts").rglob("fulfilment.parquet")
        for r in pq.read_table(f).to_pylist()
    }
    assert "fulfilment" in chosen  # the fulfilment capability chose
    lines = pq.read_table(dataset.companion(corpus, "lines")).to_pylist()
    assert max(Counter(ln["order_id"] for ln in lines).values()) > 1  # multi-line orders
    classes = {r["handling_class"] for r in _results(done) if r["handling_class"]}
    assert classes >= {"GEN", "PER", "CAO", "ELI", "ELM"}


def test_every_order_is_accounted_for(corpus: Path, done: Path) -> None:
    ids = pq.read_table(corpus, columns=["id"])["id"].to_pylist()
    results = _results(done)
    assert sorted(r["order_id"] for r in results) == sorted(ids)
    for r in results:
        if r["parcel_id"] is not None:  # every parcel placed, or the reason it is not
            assert r["placed"] or r["not_shipped"], r
        if r["placed"]:
            assert r["flight"] and r["house"] and r["master"] and r["departs"]
        assert r["customs"] in ("valid", "unsigned", "waiting", "invalid", "not-declared")
        if r["customs"] != "valid":
            assert r["customs_problems"], r


def test_quotes_equal_the_services_line_by_line(corpus: Path, done: Path, ctx: JobContext) -> None:
    """The batch's columnar path gives each order the quote the API and the journey freeze
    (``duties.service.quote_order``, the scalar engine, the order's own mapping)."""
    folder = done / "parts"
    quotes: dict[str, dict] = {}
    for f in folder.rglob("quotes.parquet"):
        quotes.update({r["order_id"]: r for r in pq.read_table(f).to_pylist()})
    lines: dict[str, list] = {}
    for f in folder.rglob("lines.parquet"):
        for ln in pq.read_table(f).to_pylist():
            lines.setdefault(ln["order_id"], []).append(
                (ln["line_no"], ln["kind"], Decimal(ln["amount"]), ln["currency"])
            )
    modes = {}
    for f in folder.rglob("fulfilment.parquet"):
        modes.update(
            dict(zip(*pq.read_table(f, columns=["order_id", "trade_mode"]).to_pydict().values(), strict=True))
        )
    at = datetime(2026, 3, 4, tzinfo=UTC)
    checked = Counter()
    for sold in _orders(corpus):
        order = replace(sold, trade_mode=modes[sold.id])  # quoted under the mode its fulfilment chose
        frozen = duties.quote_order(
            order, rules=ctx.rules, fx=ctx.fx, seller=SellerRegistrations(), quoted_at=at
        )
        want = frozen.as_dict()["response"]
        got = quotes[order.id]
        assert got["status"] == frozen.status, order.id
        checked[got["path"]] += 1
        if frozen.status == "blocked" or got["status"] == "error":
            continue
        assert Decimal(got["total_tax"]) == Decimal(want["total_tax"]["amount"]), order.id
        assert Decimal(got["landed_cost"]) == Decimal(want["landed_cost"]["amount"]), order.id
        expected = [
            (group["line_no"], ln["kind"], Decimal(ln["amount"]), ln.get("currency", got["currency"]))
            for group in frozen.as_dict()["per_line"]
            for ln in group["lines"]
        ]
        assert sorted(lines.get(order.id, []), key=str) == sorted(expected, key=str), order.id
    assert checked["fast"] > 0 and sum(checked.values()) > 2500


@pytest.fixture(scope="module")
def schemas() -> dict[str, etree.XMLSchema]:
    if not (XSD / "ceb-export-202205.xsd").exists():
        pytest.skip("official CEB XSDs not found in /work/shared/ceb/xsd")
    return {d: etree.XMLSchema(etree.parse(str(XSD / f"ceb-{d}-202205.xsd"))) for d in ("export", "import")}


def test_messages_are_xsd_valid_signed_and_name_the_real_flight(done: Path, schemas: dict) -> None:
    results = {r["order_id"]: r for r in _results(done)}
    seen = Counter()
    for archive in sorted((done / "messages").rglob("*.zip")):
        with zipfile.ZipFile(archive) as zf:
            for name in zf.namelist():
                if not name.endswith(".xml"):
                    continue
                order_id, file = name.split("/")
                kind = file[3:6]
                raw = zf.read(name)
                r = results[order_id]
                direction = "export" if r["direction"] == "export" else "import"
                schema = schemas[direction]
                ok = schema.validate(etree.fromstring(raw))
                assert ok, (name, [str(e) for e in schema.error_log][:3])
                if kind in SIGNED_KINDS:
                    assert verify_message(raw).ok, name
                text = raw.decode()
                if kind in ("505", "511", "603", "621"):
                    assert f"<ceb:logisticsNo>{r['house']}<" in text, name  # the house waybill
                if kind in ("511", "603", "621"):
                    assert f"<ceb:billNo>{r['master'].replace('-', '')}<" in text, name  # the master
                if kind in ("603", "621"):
                    assert f"<ceb:voyageNo>{r['flight'].split('/')[0]}<" in text, name  # the flight
                seen[kind] += 1
    assert seen["303"] and seen["603"] and seen["311"] and seen["621"]
    valid = [r for r in results.values() if r["customs"] == "valid"]
    assert len(valid) == sum(1 for r in results.values() if r["messages"]) and valid

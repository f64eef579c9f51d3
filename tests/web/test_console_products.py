"""Products from the console: titles of the four languages side by side, every error at once in plain
words, local number formats, HS suggestions as a fragment, CSV export and import."""

from __future__ import annotations

import re

from console_data import sign_in
from fastapi.testclient import TestClient

from ponte.web.i18n import Locale

GOOD = {
    "sku": "LIP-777",
    "category": "beauty",
    "titles.zh-CN": "哑光口红",
    "titles.en": "Matte lipstick",
    "titles.pt-BR": "Batom matte",
    "titles.es": "Labial mate",
    "hs_code": "330410",
    "origin_country": "CN",
    "price": "12,90",
    "currency": "USD",
    "weight_kg": "0,05",
    "length_cm": "8",
    "width_cm": "2",
    "height_cm": "2",
    "tariff_codes.BR": "33041000",
}


def errors_of(html: str) -> dict[str, str]:
    return dict(re.findall(r'class="error" data-field="([^"]+)">([^<]+)<', html))


def test_a_product_with_translations_is_added_and_edited(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    loc = Locale("pt-BR")
    bad = dict(
        GOOD, **{"sku": "no spaces", "titles.en": "", "hs_code": "999999", "price": "abc", "weight_kg": "0"}
    )
    page = client.post("/catalogue/new", data=bad, params={"lang": "pt-BR"})
    assert page.status_code == 422
    found = errors_of(page.text)
    assert set(found) == {"sku", "titles.en", "hs_code", "price", "weight_kg"}, found
    assert found["titles.en"] == loc.gettext("This field is required.")
    assert found["price"] == loc.gettext("Enter a number.")
    assert not any("(" in m or "hs6" in m for m in found.values())
    assert 'value="Batom matte"' in page.text  # nothing typed is lost
    saved = client.post("/catalogue/new", data=GOOD, params={"lang": "pt-BR"})
    assert saved.status_code == 200 and "Batom matte" in saved.text
    assert "US$\xa012,90" in saved.text
    again = client.post("/catalogue/new", data=GOOD, params={"lang": "en"})
    assert errors_of(again.text)["sku"] == "You already have a product with this SKU."
    zh = client.get("/catalogue", params={"lang": "zh-CN"}).text
    assert "哑光口红" in zh and "美妆" in zh  # the category in the viewer's language
    edit_ids = re.findall(r'/catalogue/(prd[^/"]+)/edit', zh)
    forms = [client.get(f"/catalogue/{i}/edit", params={"lang": "es"}).text for i in edit_ids]
    mine = next(f for f in forms if 'value="LIP-777"' in f)
    assert 'value="12,9"' in mine or 'value="12,90"' in mine  # numbers as the viewer writes them
    edit_id = next(i for i, f in zip(edit_ids, forms, strict=True) if f is mine)
    changed = client.post(f"/catalogue/{edit_id}/edit", data=dict(GOOD, **{"titles.es": "Labial mate rojo"}))
    assert (
        changed.status_code == 200
        and "Labial mate rojo" in client.get("/catalogue", params={"lang": "es"}).text
    )


def test_hs_suggestions_and_csv_round_trip(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    fragment = client.get("/catalogue/hs-suggestions", params={"title": "lipstick", "title_lang": "en"})
    assert fragment.status_code == 200 and 'data-hs-code="3304' in fragment.text
    exported = client.get("/catalogue/export.csv")
    assert exported.status_code == 200 and "BEAUTY-001" in exported.text
    header = exported.text.splitlines()[0]
    row = exported.text.splitlines()[1].replace("BEAUTY-001", "BEAUTY-901")
    added = client.post(
        "/catalogue/import",
        files={"file": ("more.csv", f"{header}\n{row}\n", "text/csv")},
        params={"lang": "en"},
    )
    assert added.status_code == 200 and "Products added: 1" in added.text
    twice = client.post(
        "/catalogue/import",
        files={"file": ("more.csv", f"{header}\n{row}\n", "text/csv")},
        params={"lang": "en"},
    )
    assert twice.status_code == 422 and "Line 2, sku" in twice.text

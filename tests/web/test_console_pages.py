"""Every console page in every language, signed in as a seller and as the park operator."""

from __future__ import annotations

import re

import pytest
from console_data import LANGS, sign_in
from fastapi.testclient import TestClient

from ponte.platform.crypto import mask
from ponte.web.i18n import Locale

# A word of each page that must appear translated (message id -> the page that shows it).
PAGES = {
    "/": "Orders and value over time",
    "/sellers": "Booths",
    "/catalogue": "Catalogue",
    "/orders": "Trade mode",
    "/orders/new": "Place order",
}


def html_lang(text: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', text)
    assert found
    return found.group(1)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_in_every_language(client: TestClient, park, path: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    response = client.get(path, params={"lang": lang})
    assert response.status_code == 200
    assert html_lang(response.text) == lang
    assert response.headers["content-language"] == lang
    assert Locale(lang).gettext(PAGES[path]) in response.text
    if lang != "en":
        assert f">{PAGES[path]}<" not in response.text


@pytest.mark.parametrize("lang", LANGS)
def test_order_detail_shows_the_seller_its_address_and_masks_it_for_others(
    client: TestClient, park, lang: str
) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    response = client.get(f"/orders/{park.seller_order_ids[0]}", params={"lang": lang})
    assert response.status_code == 200
    loc = Locale(lang)
    assert "GLOW-0000" in response.text
    # the seller ships to the buyer: its own order shows the shipping address whole
    assert loc.gettext("Shipping address") in response.text and "Av. Paulista 1000" in response.text
    assert "Maria Souza 0" in response.text
    assert "11144477735" not in response.text and "111.444.777-35" not in response.text  # the ID stays masked
    client.post("/logout")
    sign_in(client, park.operator_key)
    operator = client.get(f"/orders/{park.seller_order_ids[0]}", params={"lang": lang}).text
    assert loc.gettext("Personal data is masked.") in operator
    assert "Maria Souza" not in operator and "Av. Paulista" not in operator
    assert mask("Maria Souza 0", 1) in operator  # one letter kept at each end


def test_money_numbers_and_dates_follow_the_locale(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    en = client.get("/catalogue", params={"lang": "en"}).text
    pt = client.get("/catalogue", params={"lang": "pt-BR"}).text
    es = client.get("/catalogue", params={"lang": "es"}).text
    assert "$12.50" in en and "US$\xa012,50" in pt and "12,50\xa0US$" in es
    orders_zh = client.get("/orders", params={"lang": "zh-CN"}).text
    assert "2026年9月" in orders_zh and "GMT+08:00" in orders_zh  # the language's zone until the browser's
    orders_pt = client.get("/orders", params={"lang": "pt-BR"}).text
    assert " de set. de 2026" in orders_pt
    # newest first: the latest order heads the list
    assert orders_pt.index("GLOW-0029") < orders_pt.index("GLOW-0020")
    tz = client.get("/orders", params={"lang": "en"}, cookies={"ponte_tz": "America/Lima"}).text
    assert "GMT-05:00" in tz


def test_catalogue_falls_back_to_english_visibly(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    page = client.get("/catalogue", params={"lang": "pt-BR"}).text
    assert "Sérum de ácido hialurônico" in page
    assert 'lang="en">Silicone kitchen set <mark class="fallback"' in page
    assert "em inglês" in page
    zh = client.get("/catalogue", params={"lang": "zh-CN"}).text
    assert "硅胶厨具套装" in zh and "fallback" not in zh


def test_language_from_cookie_then_accept_language(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/login", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert html_lang(response.text) == "es"
    response = client.get("/login", headers={"Accept-Language": "fr, pt;q=0.8"})
    assert html_lang(response.text) == "pt-BR"
    client.get("/login", params={"lang": "zh-CN"})
    assert client.cookies.get("ponte_lang") == "zh-CN"
    response = client.get("/login", headers={"Accept-Language": "es"})
    assert html_lang(response.text) == "zh-CN"
    response = client.get("/login", params={"lang": "xx"}, headers={"Accept-Language": "es"})
    assert html_lang(response.text) == "zh-CN"


def test_language_switch_links_keep_the_page(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    page = client.get("/orders", params={"status": "placed", "lang": "en"}).text
    assert 'href="/orders?status=placed&amp;lang=es"' in page
    assert "Español" in page and "中文" in page and "Português" in page


def test_dashboard_figures_of_the_seller_only(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    page = client.get("/", params={"lang": "en", "period": "latest"}).text
    assert 'data-figure="orders">30<' in page
    assert page.count('class="chart"') == 3  # over time, by trade mode, by direction
    markets = client.get("/", params={"lang": "en", "period": "latest", "view": "markets"}).text
    assert "Brazil" in markets


def test_dashboard_of_the_operator_covers_the_park(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.operator_key)
    page = client.get("/", params={"lang": "en", "period": "latest"}).text
    assert 'data-figure="orders">60<' in page
    one = client.get("/", params={"lang": "en", "period": "latest", "seller": park.seller_id}).text
    assert 'data-figure="orders">30<' in one


def test_navigation_lists_the_pages(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    page = client.get("/orders", params={"lang": "es"}).text
    nav = page.split("</nav>")[0]
    for label in ("Panel", "Vendedores", "Catálogo", "Pedidos"):
        assert label in nav
    assert '<a href="/orders" aria-current="page">Pedidos</a>' in nav

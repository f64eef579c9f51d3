"""The dashboard page: no inline script, ECharts served from the package with its licence, every view
for the operator, the orders behind a figure scoped to the viewer, exports and the report."""

from __future__ import annotations

import html
import itertools
import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from console_data import T0, sign_in
from fastapi.testclient import TestClient

from ponte.web.dashboard import VIEWS

LATEST = {"lang": "en", "period": "latest"}


def test_no_inline_script_and_echarts_is_vendored(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.operator_key)
    page = client.get("/", params=LATEST).text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
    assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts)
    assert "/static/vendor/echarts/echarts.min.js" in page and "cdn" not in page.lower()
    assert client.get("/static/vendor/echarts/echarts.min.js").status_code == 200
    assert "Apache License" in client.get("/static/vendor/echarts/LICENSE").text
    assert "6.1.0" in client.get("/static/vendor/echarts/VERSION").text


def test_every_view_renders_for_the_operator_in_every_language(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.operator_key)
    for lang in ("zh-CN", "en", "pt-BR", "es"):
        for view in VIEWS:
            response = client.get("/", params={"lang": lang, "period": "latest", "view": view})
            assert response.status_code == 200, (lang, view)
    stock = client.get("/", params={**LATEST, "view": "stock"}).text
    assert 'id="stock-cover"' in stock  # the platform's figures read its warehouses


def test_the_orders_behind_a_figure_are_the_viewers_own(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    page = client.get("/", params={**LATEST, "view": "markets"}).text
    link = re.search(r'href="(/analytics/orders\?[^"]*by=destination[^"]*)"', page)
    assert link is not None
    drill = client.get(link.group(1).replace("&amp;", "&") + f"&seller={park.other_id}").text
    refs = re.findall(r'<a href="/orders/(ord_[^"]+)">', drill)
    assert sorted(refs) == sorted(park.seller_order_ids)


def test_period_errors_are_named(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    response = client.get("/", params={"lang": "en", "start": "2026-09-30", "end": "2026-09-01"})
    assert response.status_code == 422 and "The period ends before it starts." in response.text
    response = client.get("/", params={"lang": "pt-BR", "start": "2026-09-30", "end": "2026-09-01"})
    assert response.status_code == 422 and "O período termina antes de começar." in response.text


def test_exports_and_report_from_the_console(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    period = {"start": "2026-08-01", "end": "2026-09-30"}
    csv = client.get("/analytics/export.csv", params={**period, "dimension": "destination"})
    assert csv.status_code == 200 and csv.text.startswith("bucket,key,orders,value,currency")
    assert sum(int(line.split(",")[2]) for line in csv.text.splitlines()[1:]) == 30
    parquet = client.get("/analytics/export.parquet", params=period)
    assert parquet.status_code == 200 and parquet.content[:4] == b"PAR1"
    pdf = client.get("/analytics/report.pdf", params={**period, "lang": "zh-CN"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


@pytest.fixture(scope="module")
def stocked(app_and_park) -> None:  # type: ignore[no-untyped-def]
    """The seller keeps BEAUTY-001 in a São Paulo warehouse, 2 units of it reserved for an order."""
    app, park = app_and_park
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {park.seller_key}"}

        def post(path: str, body: dict[str, Any]) -> None:
            response = client.post(f"/api/v1{path}", headers=headers, json=body)
            assert response.status_code in (200, 201), response.text

        post("/warehouses", {"code": "GRU-1", "name": "São Paulo", "operator": "Armazém", "country": "BR",
                             "time_zone": "America/Sao_Paulo", "currency": "BRL", "trade_mode": "9810"})  # fmt: skip
        post("/warehouses/GRU-1/locations", {"code": "A-01"})
        post(
            "/warehouses/GRU-1/receipts",
            {"sku": "BEAUTY-001", "quantity": 40, "lot_code": "L1", "location": "A-01"},
        )
        post("/warehouses/GRU-1/reservations", {"order_id": park.seller_order_ids[0],
                                                 "lines": [{"sku": "BEAUTY-001", "quantity": 2}]})  # fmt: skip


def _rows(page: str, chart: str) -> list[tuple[list[str], str]]:
    """A chart's table: each row's cells and the address of the orders behind it."""
    figure = page[page.index(f'id="chart-{chart}"') :]
    body = figure[figure.index("<tbody>") : figure.index("</tbody>")]
    out = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        cells = [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", row, flags=re.S)]
        link = html.unescape(re.search(r'href="([^"]+)"', row).group(1))  # type: ignore[union-attr]
        out.append((cells[:-1], link))
    return out


def test_stock_cover_in_the_dashboard_drills_to_the_orders_of_the_sku(
    client: TestClient, park, stocked
) -> None:  # type: ignore[no-untyped-def]
    for key in (park.seller_key, park.operator_key):
        sign_in(client, key)
        for lang in ("zh-CN", "en", "pt-BR", "es"):
            assert (
                client.get("/", params={"lang": lang, "period": "latest", "view": "stock"}).status_code == 200
            )
        page = client.get("/", params={**LATEST, "view": "stock"}).text
        assert 'id="stock-cover"' in page and 'id="chart-stock"' in page
        [(cells, link)] = _rows(page, "stock")
        # 40 received, 2 reserved: 38 available, 40 on hand, 2 units over 28 days of demand
        assert cells[:4] == ["GRU-1", "BEAUTY-001", "38", "40"] and cells[5] == "532"
        assert parse_qs(urlsplit(link).query)["by"] == ["sku"] and "key=BEAUTY-001" in link
        refs = re.findall(r'<a href="/orders/(ord_[^"]+)">', client.get(link).text)
        assert refs and set(refs) <= set(park.seller_order_ids)
    sign_in(client, park.other_key)
    page = client.get("/", params={**LATEST, "view": "stock"}).text
    assert "BEAUTY-001" not in page and "GRU-1" not in page


def _drilled(client: TestClient, link: str) -> list[str]:
    """Every order the drill-down lists, page after page."""
    refs: list[str] = []
    for page in range(1, 50):
        text = client.get(f"{link}&page={page}").text
        refs += re.findall(r'<a href="/orders/(ord_[^"]+)">', text)
        if "Older" not in text:
            return refs
    raise AssertionError("too many pages")


@pytest.mark.parametrize("who", ["operator", "seller"])
def test_every_chart_drills_down_to_exactly_the_orders_it_counts(client: TestClient, park, who: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.operator_key if who == "operator" else park.seller_key)
    own = set(park.seller_order_ids) | (set(park.other_order_ids) if who == "operator" else set())
    charts = {"overview": ("timeline", "trade-mode", "direction"), "markets": ("destination", "category"),
              "sellers": ("sellers", "products")}  # fmt: skip
    periods = [{"period": "latest"}] + [  # and periods starting and ending inside a week
        {
            "start": (T0 + timedelta(days=d)).date().isoformat(),
            "end": (T0 + timedelta(days=d + 3)).date().isoformat(),
        }
        for d in (3, 4)
    ]
    for view, ids in charts.items():
        for grain, period in itertools.product(("day", "week"), periods):
            params = {"lang": "en", **period, "view": view, "grain": grain, "market": "BR"}
            page = client.get("/", params=params).text
            for chart in ids:
                rows = _rows(page, chart)
                assert rows, (view, chart)
                for cells, link in rows:
                    q = parse_qs(urlsplit(link).query)
                    assert q["market"] == ["BR"] and "start" in q and "end" in q, link
                    refs = _drilled(client, link)
                    assert len(refs) == len(set(refs)) == int(cells[1].replace(",", "")), (view, chart, cells)
                    assert set(refs) <= own

"""The dashboard page: no inline script, ECharts served from the package with its licence, every view
for the operator, the orders behind a figure scoped to the viewer, exports and the report."""

from __future__ import annotations

import re

from console_data import sign_in
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
    assert 'id="stock-gap"' in stock


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

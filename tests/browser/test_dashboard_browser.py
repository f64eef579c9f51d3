"""The park operator's dashboard in a real Chromium: charts drawn by the static script (SVG), a click on a
chart's bar opens the orders behind it, no console errors, and axe-core finds nothing serious."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_console_browser import demo_sign_in

from ponte.web.i18n import Locale

pytestmark = pytest.mark.browser


def serious(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def click_bar(page: Any, chart: str, index: int) -> None:
    """Click the centre of bar ``index`` of the first series of a chart, where ECharts drew it."""
    x, y = page.evaluate(
        """([sel, i]) => {
            const el = document.querySelector(sel);
            el.scrollIntoView({block: "center"});
            const chart = echarts.getInstanceByDom(el);
            const opt = chart.getOption();
            const value = opt.series[0].data[i];
            const [px, py] = chart.convertToPixel({seriesIndex: 0}, [i, value / 2]);
            const box = el.getBoundingClientRect();
            return [box.left + px, box.top + py];
        }""",
        [chart, index],
    )
    page.mouse.click(x, y)


@pytest.mark.parametrize("lang", ["zh-CN", "en", "pt-BR", "es"])
# The demo park's orders are in September 2026; other browser tests add today's orders to the same server,
# so the period is named, not "the latest 30 days".
def test_the_operator_drills_down_from_a_chart_to_orders(
    browser: Any, live_console: Any, screenshots: Path, lang: str
) -> None:
    base, _park = live_console
    loc = Locale(lang)
    context = browser.new_context(
        locale=lang, timezone_id="America/Sao_Paulo", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    demo_sign_in(page, base, lang, "Qianhai Park")

    page.goto(f"{base}/?start=2026-09-01&end=2026-09-30&view=overview&lang={lang}")
    page.wait_for_selector(".chart[data-drawn] svg")
    charts = page.locator(".chart")
    assert charts.count() == 3
    for i in range(charts.count()):
        assert charts.nth(i).locator("svg").count() >= 1  # drawn, with axes and a legend
    assert page.locator('[data-figure="orders"]').inner_text() == loc.number(24)
    assert loc.gettext("Orders and value over time") in page.locator("h2").all_inner_texts()
    page.screenshot(path=str(screenshots / f"dashboard-{lang}.png"), full_page=True)
    assert serious(page) == []

    page.goto(f"{base}/?start=2026-09-01&end=2026-09-30&view=markets&lang={lang}")
    page.wait_for_selector("#chart-destination[data-drawn] svg")
    click_bar(page, "#chart-destination", 0)  # Brazil: every order of the demo goes there
    page.wait_for_url("**/analytics/orders?**")
    assert "by=destination" in page.url and "key=BR" in page.url
    assert page.locator("h1").inner_text() == loc.gettext("Orders behind a figure")
    rows = page.locator("#drill-orders tbody tr")
    assert rows.count() == 24
    assert "America/Sao_Paulo" in rows.first.inner_text()  # times in the viewer's zone
    page.screenshot(path=str(screenshots / f"drill-{lang}.png"), full_page=True)
    assert serious(page) == []
    rows.first.locator("a").click()
    page.wait_for_url("**/orders/ord_*")
    assert errors == []
    context.close()


def test_a_seller_sees_only_its_own_figures(browser: Any, live_console: Any) -> None:
    base, park = live_console
    context = browser.new_context(locale="en")
    page = context.new_page()
    demo_sign_in(page, base, "en", "Shenzhen Glow Beauty")
    page.goto(f"{base}/?start=2026-09-01&end=2026-09-30&seller={park.other_id}")
    page.wait_for_selector(".chart[data-drawn] svg")
    assert page.locator('[data-figure="orders"]').inner_text() == "12"
    page.goto(f"{base}/analytics/orders?start=2026-09-01&end=2026-09-30&seller={park.other_id}")
    refs = page.locator("#drill-orders tbody tr td:first-child").all_inner_texts()
    assert refs and all(r.startswith("GLOW-") for r in refs)
    context.close()

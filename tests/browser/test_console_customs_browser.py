"""The customs message check in a real headless Chromium: paste a message, see its violations."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from test_console_browser import demo_sign_in

from ponte.web.i18n import Locale

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "customs"))

from customs_factory import NOW, TRANSFER, make_order

from ponte.customs.china.build import build
from ponte.customs.china.declare import build_order

pytestmark = pytest.mark.browser


def test_check_form_shows_each_violation(browser: Any, live_console: Any, screenshots: Path) -> None:
    base, _park = live_console
    loc = Locale("pt-BR")
    context = browser.new_context(locale="pt-BR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    demo_sign_in(page, base, "pt-BR", "Shenzhen Glow Beauty")
    page.goto(f"{base}/customs")
    assert page.locator("h1").inner_text() == loc.gettext("Declarations")
    page.get_by_role("button", name=loc.gettext("Check messages")).click()
    page.wait_for_url(f"{base}/customs/check")
    msgs = build_order(make_order(11, "import", "9610"), TRANSFER, now=NOW)
    msgs["311"]["Order"][0]["OrderHead"]["goodsValue"] = "1.00"
    page.locator("#xml").fill(build("311", msgs["311"]).decode())
    page.get_by_role("button", name=loc.gettext("Check"), exact=True).click()
    row = page.locator("table.violations tbody tr").filter(has_text="goods-value-total")
    row.wait_for()
    assert "CEB311Message/Order[1]/OrderHead/goodsValue" in row.inner_text()
    page.locator("#xml").fill("<ceb:CEB311Message")
    page.get_by_role("button", name=loc.gettext("Check"), exact=True).click()
    page.locator(".read-error").wait_for()
    assert (
        loc.gettext("The file could not be read as a CEB message:")
        in page.locator(".read-error").inner_text()
    )
    page.screenshot(path=str(screenshots / "pt-BR_customs_check.png"), full_page=True)
    assert not errors
    context.close()

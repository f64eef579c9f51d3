"""A streamer on a 390×844 phone runs a session and sells through a flash sale while buyers buy, in every
language: figures move over server-sent events, paid and held apart, the countdown in mm:ss, sold out
announced; every error of a bad offer at once; axe-core finds nothing serious; no English left."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from quality import axe_violations, overflows, untranslated

from ponte.catalog import service as catalog
from ponte.kernel.errors import PonteError
from ponte.live import panel as live_panel
from ponte.live import service as live
from ponte.live.sessions import Visit
from ponte.web.i18n import Locale

pytestmark = pytest.mark.browser

LANGS = ["zh-CN", "en", "pt-BR", "es"]
PHONE = {"width": 390, "height": 844}
CAP = 12


def _stage(database: Any, tenant_id: str, lang: str) -> str:
    at = datetime.now(UTC)
    with database.unit_of_work() as uow:
        booths = catalog.booths(uow, tenant_id)
        streamer = live.add_streamer(uow, tenant_id, f"Lia {lang}", [lang], at)
        route = [Visit(booths[0], at + timedelta(minutes=1))]
        session = live.add_session(
            uow, tenant_id, f"Glow tour {lang}", streamer, at - timedelta(minutes=1), at + timedelta(hours=1),
            route, at,
        )  # fmt: skip
        uow.commit()
        return session.id


def _buyer(n: int, lang: str) -> dict[str, Any]:
    return {
        "external_ref": f"LIVE-{lang}-{n:03d}",
        "destination": "BR",
        "destination_region": "BR-SP",
        "buyer": {
            "name": f"Compradora {n}",
            "tax_id": "111.444.777-35",
            "address": {"line1": "Rua Augusta 10", "city": "São Paulo", "region": "SP",
                        "postal_code": "01305-000", "country": "BR"},
        },
        "payment": {"transaction_id": f"TX{lang}{n:010d}"},
    }  # fmt: skip


def _buy(database: Any, tenant_id: str, offer_id: str, lang: str, tally: dict[str, int]) -> None:
    """The load: buyers reserve one unit each until the offer sells out; two in three pay."""
    for n in range(CAP + 5):
        try:
            held = live.reserve(database, tenant_id, offer_id, f"viewer-{lang}-{n}", 1, datetime.now(UTC))
        except PonteError:
            tally["refused"] += 1
            continue
        tally["held"] += 1
        if n % 3:
            with database.unit_of_work() as uow:
                live.pay_reservation(uow, tenant_id, held, _buyer(n, lang), datetime.now(UTC))
                uow.commit()
            tally["paid"] += 1


@pytest.mark.parametrize("lang", LANGS)
def test_streamer_sells_through_a_flash_sale_on_a_phone(
    browser: Any, live_console: Any, console_database: Any, screenshots: Path, lang: str
) -> None:
    base, park = live_console
    loc = Locale(lang)
    session_id = _stage(console_database, park.seller_id, lang)
    context = browser.new_context(locale=lang, viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" and "422" not in msg.text else None,
    )
    page.goto(f"{base}/login?lang={lang}")
    page.get_by_role("button", name=loc.gettext("Sign in as %(name)s", name="Shenzhen Glow Beauty")).click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/live/{session_id}")

    # a phone: the menu folds away behind its button, nothing scrolls sideways
    menu = page.locator("#main-menu")
    assert not menu.is_visible()
    page.get_by_role("button", name=loc.gettext("Menu")).click()
    assert menu.is_visible()
    page.get_by_role("button", name=loc.gettext("Menu")).click()
    assert overflows(page) == 0

    page.get_by_role("button", name=loc.gettext("Start the session")).click()
    expect_text(page, "#session-state", loc.gettext("on air"))

    # every error of a bad offer at once, beside its field, in plain words
    page.select_option("#sku", "BEAUTY-001")
    page.fill("#price", "abc")
    page.fill("#quantity_cap", "0")
    page.fill("#per_buyer_limit", "")
    page.get_by_role("button", name=loc.gettext("Open and pin")).click()
    page.wait_for_selector("small.error")
    shown = {e.get_attribute("data-field"): e.inner_text() for e in page.locator("small.error").all()}
    assert set(shown) == {"price", "quantity_cap", "per_buyer_limit"}, shown
    assert shown["per_buyer_limit"] == loc.gettext("This field is required.")
    assert not any(re.search(r"\(|\d\.\.\d|[a-z]+[.:][a-z]+", t) for t in shown.values()), shown

    # the offer, written as the viewer writes numbers
    price = "5,00" if lang in ("pt-BR", "es") else "5.00"
    page.fill("#price", price)
    page.fill("#quantity_cap", str(CAP))
    page.fill("#per_buyer_limit", "2")
    page.fill("#minutes", "10")
    page.get_by_role("button", name=loc.gettext("Open and pin")).click()
    expect_text(page, "#stock-left", loc.number(CAP))
    assert re.fullmatch(r"(09:5\d|10:00)", page.locator("#countdown").inner_text()), page.locator(
        "#countdown"
    ).inner_text()
    assert page.locator(".pinned-title").inner_text() == park_title(lang)
    assert page.locator(".pinned-price").inner_text() == loc.money(__import__("decimal").Decimal("5"), "USD")
    page.screenshot(path=str(screenshots / f"streamer-{lang}-open.png"), full_page=True)

    # buyers buy while the panel watches
    with console_database.unit_of_work() as uow:
        offer_id = live_panel.panel(uow, park.seller_id, session_id, datetime.now(UTC)).offers[0].id
    tally = {"held": 0, "paid": 0, "refused": 0}
    load = threading.Thread(target=_buy, args=(console_database, park.seller_id, offer_id, lang, tally))
    load.start()
    load.join(60)
    assert tally["held"] == CAP and tally["refused"] == 5
    expect_text(page, '[data-fig="paid-orders"]', loc.number(tally["paid"]))
    expect_text(page, '[data-fig="held-orders"]', loc.number(tally["held"] - tally["paid"]))
    expect_text(page, "#stock-left", loc.number(0))
    page.wait_for_selector("#notices .notice-sold-out")
    assert page.locator("#chart-orders rect.bar").count() >= 1
    assert loc.gettext("Sold out") in page.locator("#notices").inner_text()
    page.screenshot(path=str(screenshots / f"streamer-{lang}-sold-out.png"), full_page=True)
    assert overflows(page) == 0
    assert not axe_violations(page), axe_violations(page)
    assert not untranslated(page, lang), untranslated(page, lang)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=loc.gettext("End the session")).click()
    page.wait_for_selector("#report-figures")
    expect_text(page, '#report-figures [data-fig="paid-orders"]', loc.number(tally["paid"]))
    page.screenshot(path=str(screenshots / f"streamer-{lang}-report.png"), full_page=True)
    assert not axe_violations(page), axe_violations(page)
    assert not untranslated(page, lang), untranslated(page, lang)
    assert not errors, errors
    context.close()


def expect_text(page: Any, selector: str, text: str, timeout: float = 10_000) -> None:
    page.wait_for_function(
        "([s, t]) => { const e = document.querySelector(s); return e && e.textContent.trim() === t; }",
        arg=[selector, text],
        timeout=timeout,
    )


def park_title(lang: str) -> str:
    return {
        "zh-CN": "玻尿酸精华液",
        "en": "Hyaluronic serum",
        "pt-BR": "Sérum de ácido hialurônico",
        "es": "Sérum de ácido hialurónico",
    }[lang]

"""A customs broker, in every language, in a real headless Chromium: signs in with a password, sees the
unread notification of a refused declaration, finds the rejected declaration by its order, opens it (the
documents' states, the rejection's reason, the message contents as fields), selects it in the list and
declares it again, and sees the result. axe-core finds nothing serious, nothing is left in English,
nothing scrolls sideways; screenshots are kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from broker_data import Declared, declare_park
from quality import axe_violations, overflows, untranslated

from ponte.accounts import service_members as members
from ponte.api.app import create_app
from ponte.kernel.clock import now
from ponte.platform.settings import Settings
from ponte.web.i18n import Locale

pytestmark = pytest.mark.browser

LANGS = ["zh-CN", "en", "pt-BR", "es"]
EMAIL = "broker.browser@glow.example"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def refused(console_database: Any, live_console: Any, tmp_path_factory: pytest.TempPathFactory) -> Declared:
    """A customs broker of the first seller, and that seller's declarations in every state."""
    _base, park = live_console
    with console_database.unit_of_work() as uow:
        members.create_user(uow, park.seller_id, EMAIL, "Bruna Broker", PASSWORD, ["customs_broker"], now())
        uow.commit()
    settings = Settings(
        env="development",
        database_url=str(console_database.engine.url.render_as_string(hide_password=False)),
        log_level="WARNING",
        customs_exchange_dir=tmp_path_factory.mktemp("broker-exchange"),
    )
    ctx = create_app(settings, console_database).state.platform.journey
    return declare_park(console_database, park, ctx)


def check(page: Any, lang: str) -> None:
    assert not axe_violations(page), page.url
    assert not untranslated(page, lang), page.url
    assert overflows(page) <= 1, page.url


@pytest.mark.parametrize("lang", LANGS)
def test_a_broker_finds_a_rejected_declaration_by_order_and_resends_it(
    browser: Any, live_console: Any, refused: Declared, screenshots: Path, lang: str
) -> None:
    base, park = live_console
    loc = Locale(lang)
    target = refused.ids[park.seller_id]["rejected"][LANGS.index(lang)]
    ref = refused.refs[target]
    context = browser.new_context(locale=lang, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{base}/login?lang={lang}")
    page.get_by_label(loc.gettext("E-mail address")).fill(EMAIL)
    page.get_by_label(loc.gettext("Password"), exact=True).fill(PASSWORD)
    page.locator("#login-form").get_by_role("button", name=loc.gettext("Sign in")).click()
    page.wait_for_url(f"{base}/")
    assert page.locator("#notifications-link").is_visible()

    page.goto(f"{base}/notifications")
    assert page.locator("h1").inner_text() == loc.gettext("Notifications")
    assert ref in page.locator("#notifications").inner_text()
    check(page, lang)
    page.screenshot(path=str(screenshots / f"broker-{lang}-notifications.png"), full_page=True)

    page.goto(f"{base}/customs")
    page.get_by_label(loc.gettext("Order (id or reference)")).fill(ref)
    page.select_option("#state", "rejected")
    page.locator("#declaration-search").get_by_role("button", name=loc.gettext("Filter")).click()
    page.wait_for_url(lambda url: f"order={ref}" in url)
    rows = page.locator("#declarations tbody tr")
    assert rows.count() == 1
    row = rows.first
    assert loc.gettext("rejected") in row.inner_text()
    assert row.locator('[data-doc="inventory"][data-state="rejected"]').count() == 1
    check(page, lang)
    page.screenshot(path=str(screenshots / f"broker-{lang}-found.png"), full_page=True)

    row.get_by_role("link", name=ref).click()
    page.wait_for_url(f"{base}/customs/{target}")
    assert page.locator("#current-state").get_attribute("data-state") == "rejected"
    assert "商品名称与申报不符" in page.locator("#receipts").inner_text()
    page.locator("details.contents").first.locator("summary").click()
    assert page.locator("details.contents").first.locator("dl.fields-head").is_visible()
    check(page, lang)
    page.screenshot(path=str(screenshots / f"broker-{lang}-declaration.png"), full_page=True)

    page.go_back()
    page.wait_for_url(lambda url: f"order={ref}" in url)
    page.get_by_label(loc.gettext("Select the declaration of order %(ref)s") % {"ref": ref}).check()
    page.get_by_role("button", name=loc.gettext("Declare the selected again")).click()
    page.wait_for_url(f"{base}/customs/resend")
    assert page.locator("h1").inner_text() == loc.gettext("Declared again")
    summary = loc.gettext("%(done)s of %(total)s declarations declared again.") % {"done": 1, "total": 1}
    assert page.locator("#resend-summary").inner_text() == summary
    result = page.locator(f'#resend-results tr[data-declaration="{target}"]')
    assert result.get_attribute("data-ok") == "yes"
    assert loc.gettext("Revision %(revision)s declared") % {"revision": 1} in result.inner_text()
    check(page, lang)
    page.screenshot(path=str(screenshots / f"broker-{lang}-resent.png"), full_page=True)

    result.get_by_role("link").click()
    page.wait_for_url(lambda url: "/customs/dcl_" in url and target not in url)
    assert page.locator("#current-state").get_attribute("data-state") in ("queued", "sent")
    assert not errors, errors
    context.close()


def test_on_a_phone_the_list_fits_and_reads_as_cards(
    browser: Any, live_console: Any, refused: Declared, screenshots: Path
) -> None:
    base, _park = live_console
    loc = Locale("pt-BR")
    context = browser.new_context(locale="pt-BR", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{base}/login?lang=pt-BR")
    page.get_by_label(loc.gettext("E-mail address")).fill(EMAIL)
    page.get_by_label(loc.gettext("Password"), exact=True).fill(PASSWORD)
    page.locator("#login-form").get_by_role("button", name=loc.gettext("Sign in")).click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/customs?state=released")
    assert page.locator("#declarations tbody tr").count() >= 1
    check(page, "pt-BR")
    page.screenshot(path=str(screenshots / "broker-pt-BR-phone.png"), full_page=True)
    context.close()

"""A forwarder on a phone, in every language: signs in with a password, opens the flights, a flight leg with its
load against capacity, a ULD with its bags and parcels, downloads the flight manifest (a PDF in the page's
language) and follows a parcel's tracking timeline. Every page: axe finds nothing serious, nothing is left in
English, nothing scrolls sideways, no script error."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from quality import axe_violations, overflows, untranslated

from ponte.accounts import service_members as members
from ponte.bootstrap import Platform
from ponte.kernel.measures import Box, Weight
from ponte.logistics import service as logistics
from ponte.logistics.awb import StockRange
from ponte.logistics.shipping import OrderParcel
from ponte.platform.settings import Settings
from ponte.simulate.demo_logistics import track
from ponte.web.i18n import Locale

pytestmark = pytest.mark.browser

LANGS = ["zh-CN", "en", "pt-BR", "es"]
PASSWORD = "correct horse battery"
EMAIL = "rui.forwarder@glow.example"
TITLES = {
    "zh-CN": "航班舱单",
    "en": "Flight manifest",
    "pt-BR": "Manifesto de voo",
    "es": "Manifiesto de vuelo",
}
AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _parcel(tenant: str, n: int) -> OrderParcel:
    lithium = n % 5 == 2
    return OrderParcel(
        id=f"GLOW-AIR-{n:02d}",
        order_id="",
        tenant_id=tenant,
        gross=Weight(Decimal("1.3") + Decimal(n % 4) / 10),
        net=Weight(Decimal("1.1")),
        box=Box(Decimal(32), Decimal(22), Decimal(10 + n % 3)),
        dangerous_goods="lithium-ion/contained-in" if lithium else "",
        perishable=False,
        origin="CAN",
        destination="GRU",
        ready_at=datetime(2026, 3, 2, tzinfo=UTC),
        handling_class="ELI" if lithium else "GEN",
        shc=("ELI",) if lithium else (),
        shipper="深圳格洛美妆" if n % 2 else "Glow Beauty Brasil",
        goods="Sérum de ácido hialurônico" if n % 2 else "玻尿酸精华液",
        hs_codes=("330499",),
    )


@pytest.fixture(scope="module")
def flown(console_database: Any, live_console: Any) -> dict[str, Any]:
    """A forwarder of the demo seller (a person with the forwarder role), and twenty of the seller's parcels
    consolidated on CAN-GRU flights, their masters tracked at several stages."""
    _base, park = live_console
    database = console_database
    flights = Platform(Settings(database_url=database.url), _database=database).flights(date(2026, 3, 2), 3)
    with database.unit_of_work() as uow:
        members.create_user(uow, park.seller_id, EMAIL, "Rui Costa", PASSWORD, ["forwarder"], AT)
        logistics.add_awb_range(uow, park.seller_id, StockRange("784", 60_000, 60_099), AT)
        ids = logistics.add_parcels(uow, park.seller_id, [_parcel(park.seller_id, n) for n in range(20)], AT)
        shipments = logistics.consolidate_and_issue(uow, park.seller_id, ids, flights, AT).shipments
        uow.commit()
    track(database, park.seller_id, datetime.now(UTC), only={s["id"] for s in shipments})
    return {"shipments": shipments}


def _check(page: Any, lang: str) -> None:
    assert overflows(page) == 0, overflows(page)
    assert not axe_violations(page), axe_violations(page)
    assert not untranslated(page, lang), untranslated(page, lang)


def _pdf_text(path: Path) -> str:
    doc = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


@pytest.mark.parametrize("lang", LANGS)
def test_a_forwarder_opens_a_flight_a_uld_the_manifest_and_the_tracking(
    browser: Any, live_console: Any, flown: dict[str, Any], screenshots: Path, tmp_path: Path, lang: str
) -> None:
    base, _park = live_console
    loc = Locale(lang)
    ship = flown["shipments"][0]
    context = browser.new_context(locale=lang, viewport={"width": 390, "height": 844}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{base}/login?lang={lang}")
    page.get_by_label(loc.gettext("E-mail address")).fill(EMAIL)
    page.get_by_label(loc.gettext("Password"), exact=True).fill(PASSWORD)
    page.locator("#login-form").get_by_role("button", name=loc.gettext("Sign in")).click()
    page.wait_for_url(f"{base}/")

    page.get_by_role("button", name=loc.gettext("Menu")).click()  # the phone's collapsed menu
    page.get_by_role("navigation", name=loc.gettext("Main menu")).get_by_role(
        "link", name=loc.gettext("Flights"), exact=True
    ).click()
    page.wait_for_url(f"{base}/flights")
    assert page.locator("h1").inner_text() == loc.gettext("Flights")
    assert page.locator("#flights tbody tr").count() >= 1
    _check(page, lang)
    page.screenshot(path=str(screenshots / f"forwarder-{lang}-flights.png"), full_page=True)

    page.locator(f'#flights a[href="/flights/{ship["flight"]}"]').click()
    page.wait_for_url(f"{base}/flights/{ship['flight']}")
    assert (
        page.locator("h1")
        .inner_text()
        .startswith(loc.gettext("Flight %(flight)s", flight=ship["flight"].split("/")[0]))
    )
    assert page.get_by_text(ship["mawb"]).first.is_visible()
    assert page.locator("#dangerous-goods").get_by_text("UN3481").first.is_visible()
    _check(page, lang)
    page.screenshot(path=str(screenshots / f"forwarder-{lang}-flight.png"), full_page=True)

    with page.expect_download() as download:
        page.locator("#manifest-pdf").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.endswith(f"-flight-manifest-{lang}.pdf")
    text = _pdf_text(saved)
    assert TITLES[lang] in text and ship["mawb"] in text and "UN3481" in text

    uld = page.locator("#flight-ulds tbody tr").first.locator("a").first
    uld_id = uld.inner_text()
    uld.click()
    page.wait_for_url(f"{base}/shipments/*/ulds/{uld_id}")
    assert page.locator("h1").inner_text().startswith(loc.gettext("ULD %(uld)s", uld=uld_id))
    assert page.locator("details summary code").first.inner_text().startswith("B")  # a bag
    _check(page, lang)
    page.screenshot(path=str(screenshots / f"forwarder-{lang}-uld.png"), full_page=True)

    parcel = page.locator("details[open] tbody tr").first.locator("a").first
    ref = parcel.inner_text()
    parcel.click()
    page.wait_for_url(f"{base}/tracking?ref={ref}")
    assert page.locator("h2 code").inner_text() == ref
    assert (
        page.locator("#tracking-summary").get_by_text(ship["mawb"]).count()
        + page.locator("#tracking-summary a").count()
        >= 1
    )
    _check(page, lang)
    page.screenshot(path=str(screenshots / f"forwarder-{lang}-tracking.png"), full_page=True)
    assert not errors, errors
    context.close()

"""A seller, in every language: adds a product with its four titles (every error at once first), places
an order for it, records the payment, packs, books it on a flight and declares it to customs, from the
console's buttons; the order shows its quote explained, its timeline and its documents."""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from quality import axe_violations, overflows, untranslated

from ponte.accounts.store import Tenant
from ponte.customs import service as customs
from ponte.customs.china.profile import CustomsProfile
from ponte.customs.china.signer import demo_credentials
from ponte.logistics import service as logistics
from ponte.logistics.awb import StockRange
from ponte.web.i18n import Locale

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "journey"))
from journey_profile import profile_body

pytestmark = pytest.mark.browser

LANGS = ["zh-CN", "en", "pt-BR", "es"]
TITLES = {"zh-CN": "哑光口红", "en": "Matte lipstick", "pt-BR": "Batom matte", "es": "Labial mate"}


@pytest.fixture(scope="module")
def ready_to_declare(console_database: Any, live_console: Any) -> None:
    """The seller's customs profile with its signing key, and air waybill stock."""
    _base, park = live_console
    key, cert = demo_credentials()
    at = datetime.now(UTC)
    with console_database.unit_of_work() as uow:
        seller = uow.session.get(Tenant, park.seller_id)
        seller.legal_name, seller.enterprise_code = "深圳格洛美妆有限公司", "4403960GLW"
        profile = CustomsProfile.model_validate(profile_body(cert.decode()))
        customs.put_profile(uow, park.seller_id, profile, at, signing_key=key.decode())
        for n, prefix in enumerate(("784", "999", "160", "675", "071", "075", "996", "047", "157")):
            logistics.add_awb_range(
                uow, park.seller_id, StockRange(prefix, 3000 + n * 100, 3099 + n * 100), at
            )
        uow.commit()


def cpf(n: int) -> str:
    """A valid Brazilian CPF (its two check digits computed), one per buyer."""
    digits = [int(d) for d in f"{n:09d}"]
    for size in (9, 10):
        total = sum(d * w for d, w in zip(digits, range(size + 1, 1, -1), strict=False))
        digits.append(0 if total % 11 < 2 else 11 - total % 11)
    text = "".join(map(str, digits))
    return f"{text[:3]}.{text[3:6]}.{text[6:9]}-{text[9:]}"


def check(page: Any, lang: str) -> None:
    assert overflows(page) == 0
    assert not axe_violations(page), axe_violations(page)
    assert not untranslated(page, lang), untranslated(page, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_seller_adds_a_product_then_places_declares_and_ships_an_order(
    browser: Any, live_console: Any, ready_to_declare: None, screenshots: Path, lang: str
) -> None:
    base, _park = live_console
    loc = Locale(lang)
    context = browser.new_context(locale=lang, viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "422" not in m.text else None)
    page.goto(f"{base}/login?lang={lang}")
    page.get_by_role("button", name=loc.gettext("Sign in as %(name)s", name="Shenzhen Glow Beauty")).click()
    page.wait_for_url(f"{base}/")

    # a product: an empty form shows every error at once, in plain words
    page.goto(f"{base}/catalogue/new")
    page.get_by_role("button", name=loc.gettext("Save the product")).click()
    page.wait_for_selector("small.error")
    fields = {e.get_attribute("data-field") for e in page.locator("small.error").all()}
    assert {"sku", "category", "titles.en", "hs_code", "price", "weight_kg"} <= fields, fields
    check(page, lang)
    sku = f"LIP-{lang}"
    page.fill("#sku", sku)
    page.select_option("#category", "beauty")
    for code, title in TITLES.items():
        page.fill(f"#titles-{code}", title)
    page.fill("#hs_code", "330410")
    page.fill("#cn_code", "3304100090")
    page.fill("#cn_name", "唇用化妆品（其他）")
    page.fill("#cn_elements", "1|0|唇膏|无品牌|3.5g")
    page.fill("#cn_unit", "007")
    page.fill("#cn_unit1", "035")
    page.fill("#cn_qty1", f"0{',' if lang in ('pt-BR', 'es') else '.'}0035")
    page.fill("#origin_country", "CN")
    decimal = "," if lang in ("pt-BR", "es") else "."
    page.fill("#price", f"12{decimal}90")
    page.fill("#currency", "USD")
    page.fill("#weight_kg", f"0{decimal}05")
    for name in ("length_cm", "width_cm", "height_cm"):
        page.fill(f"#{name}", "8")
    page.get_by_role("button", name=loc.gettext("Save the product")).click()
    page.wait_for_url(f"{base}/catalogue")
    assert TITLES[lang] in page.locator("#products").inner_text()
    page.screenshot(path=str(screenshots / f"seller-{lang}-catalogue.png"), full_page=True)

    # an order for it
    page.goto(f"{base}/orders/new")
    values = {
        "external_ref": f"WEB-{lang}", "destination_region": "BR-SP", "buyer-name": "João Silva",
        "buyer-tax_id": cpf(123456780 + LANGS.index(lang)), "buyer-address-line1": "Rua Augusta 500",
        "buyer-address-city": "São Paulo", "buyer-address-region": "SP",
        "buyer-address-postal_code": "01305-000", "lines-0-quantity": "2", "buyer-phone": "+55 11 98765-4321",
    }  # fmt: skip
    page.select_option("#destination", "BR")
    page.select_option("#currency", "USD")
    page.select_option("#lines-0-sku", sku) if page.locator("select#lines-0-sku").count() else page.fill(
        "#lines-0-sku", sku
    )
    for field, value in values.items():
        page.fill(f"#{field}", value)
    page.get_by_role("button", name=loc.gettext("Place order")).click()
    page.wait_for_url(re.compile(r".*/orders/ord"))
    assert page.locator("#order-status").inner_text() == loc.gettext("quoted")
    assert page.locator("#quote-regime").inner_text() == loc.gettext(
        "Brazil: simplified regime for parcels (RTS)"
    )
    assert TITLES[lang] in page.locator("#lines").inner_text()
    assert "Rua Augusta 500" in page.locator("#shipping-address").inner_text()
    check(page, lang)

    page.fill("#transaction_id", f"PAY-{lang}-0001")
    page.get_by_role("button", name=loc.gettext("Record the payment")).click()
    page.get_by_role("button", name=loc.gettext("Fulfil: pack the parcel")).click()
    expect(page, "#order-status", loc.gettext("packed"))
    page.get_by_role("button", name=loc.gettext("Ship: book a flight")).click()
    expect(page, "#order-status", loc.gettext("booked"))
    page.get_by_role("button", name=loc.gettext("Declare to customs")).click()
    expect(page, "#order-status", loc.gettext("declared"))
    assert page.get_by_role("button", name=loc.gettext("CN 23 (PDF)")).is_visible()
    timeline = page.locator("#timeline").inner_text()
    for state in ("placed", "quoted", "packed", "booked", "declared"):
        assert loc.gettext(state) in timeline
    page.screenshot(path=str(screenshots / f"seller-{lang}-declared.png"), full_page=True)
    check(page, lang)
    assert not errors, errors
    context.close()


def expect(page: Any, selector: str, text: str) -> None:
    try:
        page.wait_for_function(
            "([s, t]) => { const e = document.querySelector(s); return e && e.textContent.trim() === t; }",
            arg=[selector, text],
        )
    except Exception as exc:
        problem = page.locator("#problem").all_inner_texts()
        raise AssertionError(f"{selector} is not {text!r}: {problem}") from exc

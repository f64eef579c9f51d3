"""Destination documents an officer accepts: rendered to images (kept under ``test-artifacts/documents``),
read back through their text layer, in the destination's language with its accents, over as many pages
as the lines need, and the H7 dataset with its data-element numbers."""

from __future__ import annotations

import dataclasses
import json
import logging
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from journey_factory import orders, parcel_of, profile, waybill_of

from ponte.customs.china.profile import Address, Documents
from ponte.customs.documents.content import document_data
from ponte.customs.documents.h7 import h7_dataset
from ponte.customs.documents.render import render
from ponte.customs.documents.s10 import check_digit, is_s10
from ponte.kernel.errors import ValidationError
from ponte.platform.pdf_fonts import find_fonts

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"
RECORDS = orders(11, 160)
DOCS = Documents(
    sender_address=Address(
        street="深圳市南山区科技园路1号 华盛大厦 18层 1801室", postcode="518057", city="深圳市 Shenzhen"
    ),
    signatory="李雷 (Li Lei)",
    ioss_number="IM7240000001",
)
#: Accented words each language's documents must print (title and labels).
WORDS = {
    "pt-BR": [
        "DECLARAÇÃO ALFANDEGÁRIA",
        "Descrição detalhada do conteúdo",
        "Número de volumes",
        "País de origem",
    ],
    "es": [
        "DECLARACIÓN DE ADUANA",
        "Descripción detallada del contenido",
        "Número de bultos",
        "País de origen",
    ],
}


@pytest.fixture(scope="module")
def fonts():  # type: ignore[no-untyped-def]
    try:
        return find_fonts()
    except ValidationError as exc:
        pytest.skip(str(exc))


def _order(country: str):  # type: ignore[no-untyped-def]
    return next(o for o in RECORDS if o.destination == country and o.direction == "export")


def _data(order, **kw):  # type: ignore[no-untyped-def]
    p = profile().model_copy(update={"documents": DOCS})
    return document_data(order, parcel_of(order), kw.get("waybill") or waybill_of(order), p)


def _pages(pdf: bytes, name: str) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    texts = []
    for i in range(len(doc)):
        page = doc[i]
        image = page.render(scale=1.2).to_pil()
        image.save(ARTIFACTS / f"{name}-p{i + 1}.png")
        assert image.convert("L").getextrema()[0] < 50  # ink on the page
        texts.append(page.get_textpage().get_text_range())
        width = page.get_width()
        tp = page.get_textpage()
        for c in range(tp.count_chars()):
            _left, _, right, _ = tp.get_charbox(c)
            assert right <= width - 20, (name, i, tp.get_text_range(c, 1))  # nothing runs off the page
    return texts


@pytest.mark.parametrize(("country", "lang"), [("BR", "pt-BR"), ("PT", "pt-BR"), ("MX", "es"), ("ES", "es")])
@pytest.mark.parametrize("kind", ["invoice", "cn23", "packing-list"])
def test_each_document_prints_its_language_with_its_accents(fonts, country, lang, kind, caplog) -> None:  # type: ignore[no-untyped-def]
    order = _order(country)
    d = _data(order)
    assert d.language == lang
    with caplog.at_level(logging.WARNING):
        pdf = render(kind, d, fonts)
    assert not [
        r for r in caplog.records if "glyph" in r.getMessage().lower()
    ]  # every character has its glyph
    text = " ".join("\n".join(_pages(pdf, f"{country}-{kind}")).split())
    if kind == "cn23":
        assert "DÉCLARATION EN DOUANE CN 23" in text and WORDS[lang][0] in text
    for word in WORDS[lang][1:2] + WORDS[lang][3:] if kind != "packing-list" else WORDS[lang][1:2]:
        assert word in text, (word, kind)
    assert "深圳市南山区科技园路1号" in text  # the sender's Chinese address in the CJK font
    for ln in order.lines:
        assert ln.product.title(lang) in text
    if kind == "invoice":
        assert order.buyer.tax_id in text and "DAP" in text
        assert ("IM7240000001" in text) is (country in ("PT", "ES"))


def test_numbers_follow_the_destination_locale(fonts) -> None:  # type: ignore[no-untyped-def]
    mx, es = _data(_order("MX")), _data(_order("ES"))
    big = Decimal("1234.5")
    mx = dataclasses.replace(mx, freight=big)
    es = dataclasses.replace(es, freight=big)
    assert "1,234.50" in "\n".join(_pages(render("invoice", mx, fonts), "MX-locale"))
    assert "1234,50" in "\n".join(_pages(render("invoice", es, fonts), "ES-locale")).replace(".", "")


def test_a_sixty_line_order_runs_over_pages_with_totals_on_the_last(fonts) -> None:  # type: ignore[no-untyped-def]
    order = _order("BR")
    many = tuple(dataclasses.replace(order.lines[i % len(order.lines)], line_no=i + 1) for i in range(60))
    order = dataclasses.replace(order, lines=many)
    for kind, total in (
        ("invoice", "Valor total"),
        ("cn23", "Valor total"),
        ("packing-list", "Peso bruto total"),
    ):
        pages = _pages(render(kind, _data(order), fonts), f"BR-60-{kind}")
        assert len(pages) >= 2
        assert total in pages[-1] and all(total not in p for p in pages[:-1])
        assert all(f"Página {i} de {len(pages)}" in p for i, p in enumerate(pages, 1))
        assert all("Descrição" in p for p in pages)  # the table header on every page
        rows = sum(p.count(order.lines[0].product.title("pt-BR")) for p in pages)
        assert rows == sum(
            1 for ln in many if ln.product.title("pt-BR") == order.lines[0].product.title("pt-BR")
        )
    assert "Certifico" in pages[-1] or kind == "packing-list"


def test_the_cn23_carries_the_postal_items_s10_barcode(fonts) -> None:  # type: ignore[no-untyped-def]
    assert check_digit("47312482") == 9 and is_s10("RR473124829CN") and not is_s10("RR473124828CN")
    order = _order("BR")
    w = dataclasses.replace(waybill_of(order), house="RR473124829CN")
    d = _data(order, waybill=w)
    assert d.s10 == "RR473124829CN"
    text = "\n".join(_pages(render("cn23", d, fonts), "BR-cn23-s10"))
    assert "RR473124829CN" in text


def test_h7_numbers_its_elements_and_keeps_the_eur_150_limit() -> None:
    order = _order("ES")
    rate = lambda amount, currency, day: amount * Decimal("0.92")  # noqa: E731
    small = dataclasses.replace(order, lines=order.lines[:1])
    h7 = h7_dataset(_data(small), to_eur=rate)
    assert h7["lrn"]["de"] == "12 09 000 000" and h7["lrn"]["value"] == small.external_ref
    assert h7["additional_fiscal_references"]["value"][0] == {
        "role": "FR5",
        "vat_identification_number": "IM7240000001",
    }
    consignee = h7["consignee"]["value"]
    assert (
        consignee["address"]["city"] == small.buyer.address.city and consignee["address"]["country"] == "ES"
    )
    assert h7["goods_items"][0]["description"]["value"] == small.lines[0].product.title("es")
    json.dumps(h7, ensure_ascii=False)
    expensive = dataclasses.replace(
        small, lines=(dataclasses.replace(small.lines[0], unit_price=Decimal("200")),)
    )
    with pytest.raises(ValidationError) as exc:
        h7_dataset(_data(expensive), to_eur=rate)
    assert exc.value.violations[0].rule == "h7-threshold"
    with pytest.raises(ValidationError) as exc:
        h7_dataset(_data(_order("BR")), to_eur=rate)
    assert exc.value.violations[0].rule == "h7-country"


def test_documents_need_the_senders_address_and_signatory() -> None:
    order = _order("BR")
    with pytest.raises(ValidationError) as exc:
        document_data(order, parcel_of(order), waybill_of(order), profile())
    assert {v.field for v in exc.value.violations} == {"documents.sender_address", "documents.signatory"}

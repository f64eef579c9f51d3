"""Commercial invoice and CN23 as PDF (reportlab), with a Code 128 barcode of the waybill number
(python-barcode) and labels in the language of the destination (pt, es, else en)."""

from __future__ import annotations

import io
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import barcode
import yaml
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from ponte.customs.china.orders import CustomsOrder

FONT = "STSong-Light"  # Adobe CID font shipped with reportlab: Latin and Chinese without embedding
_PT = {"BR", "PT", "AO", "MZ", "CV", "MO"}
_ES = {
    "ES",
    "MX",
    "CL",
    "CO",
    "PE",
    "AR",
    "UY",
    "PY",
    "BO",
    "EC",
    "VE",
    "CR",
    "PA",
    "GT",
    "DO",
    "HN",
    "SV",
    "NI",
    "CU",
}


def language_for(country: str) -> str:
    return "pt" if country in _PT else "es" if country in _ES else "en"


@cache
def _labels() -> dict[str, dict[str, str]]:
    return yaml.safe_load(resources.files(__package__).joinpath("labels.yaml").read_text("utf-8"))  # type: ignore[no-any-return]


@cache
def _font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _barcode(
    c: Canvas, value: str, x: float, y: float, height: float = 12 * mm, module: float = 0.3 * mm
) -> None:
    modules = barcode.get("code128", value).build()[0]
    for i, bit in enumerate(modules):
        if bit == "1":
            c.rect(x + i * module, y, module, height, stroke=0, fill=1)
    c.setFont(_font(), 8)
    c.drawString(x, y - 4 * mm, value)


def _doc(order: CustomsOrder, title_key: str, extra: list[tuple[str, str]]) -> bytes:
    lang = language_for(order.country)
    t = _labels()[lang]
    font = _font()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(f"{t[title_key]} {order.order_no}")
    w, h = A4
    y = h - 20 * mm
    c.setFont(font, 16)
    c.drawString(20 * mm, y, t[title_key])
    _barcode(c, order.logistics_no, w - 90 * mm, y - 8 * mm)
    c.setFont(font, 9)
    y -= 14 * mm
    rows = [
        (t["order"], order.order_no),
        (t["waybill"], order.logistics_no),
        (t["date"], order.created_at.date().isoformat()),
        (t["seller"], f"{order.seller.name} ({order.seller.code})"),
        (t["buyer"], f"{order.consignee.name}, {order.consignee.address}, {order.country}"),
        *extra,
    ]
    for label, value in rows:
        c.drawString(20 * mm, y, f"{label}: {value}")
        y -= 5 * mm
    y -= 4 * mm
    cols = [
        (20, t["description"]),
        (95, t["hs"]),
        (120, t["origin"]),
        (138, t["qty"]),
        (155, t["unit_price"]),
        (180, t["total"]),
    ]
    for x, label in cols:
        c.drawString(x * mm, y, label)
    y -= 6 * mm
    for ln in order.lines:
        values = [
            ln.name[:40],
            ln.hs_code[:6],
            ln.origin_country,
            f"{ln.qty.normalize():f}",
            f"{ln.price:f}",
            f"{ln.total:f}",
        ]
        for (x, _), v in zip(cols, values, strict=True):
            c.drawString(x * mm, y, v)
        y -= 5 * mm
    y -= 4 * mm
    total = order.goods_value + order.freight + order.insured_fee
    for label, amount in (
        (t["freight"], order.freight),
        (t["insurance"], order.insured_fee),
        (t["grand_total"], total),
        (t["gross_weight"], order.gross_weight),
    ):
        c.drawString(
            130 * mm, y, f"{label}: {amount:f} {'' if label == t['gross_weight'] else order.currency}"
        )
        y -= 5 * mm
    c.drawString(20 * mm, y - 8 * mm, t["certify"])
    c.showPage()
    c.save()
    return buf.getvalue()


def commercial_invoice(order: CustomsOrder) -> bytes:
    return _doc(order, "invoice", [])


def cn23(order: CustomsOrder) -> bytes:
    t = _labels()[language_for(order.country)]
    return _doc(order, "cn23", [(t["category"], t["sale"])])


def totals(order: CustomsOrder) -> dict[str, Any]:
    return {
        "goods": order.goods_value,
        "freight": order.freight,
        "insurance": order.insured_fee,
        "total": order.goods_value + order.freight + order.insured_fee,
        "currency": order.currency,
        "weight": Decimal(order.gross_weight),
    }

"""The parcel's documents as PDF (fpdf2): commercial invoice, CN 23 customs declaration and packing list.

Fonts are embedded (subset): Noto Sans for Latin text (Debian ``fonts-noto-core``) and Noto Sans CJK for
Chinese (``fonts-noto-cjk``), the latter only when the document holds Chinese text. Documents run over
as many A4 pages as their lines need: the table header repeats on every page, each page says "page n
of m", and the totals, the certification and the signature come after the last line. Numbers, money
and dates are written in the destination's locale (Babel); the item's S10 identifier (CN 23) or the
waybill number is printed as a Code 128 barcode.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, time
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import barcode
import yaml
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from ponte.customs.documents.content import DocumentData, Party
from ponte.customs.errors import CustomsCode
from ponte.kernel.errors import ValidationError
from ponte.platform.pdf_fonts import FontFiles, add_fonts, has_cjk
from ponte.reference.countries import country_name

__all__ = ["KINDS", "render"]

KINDS = ("invoice", "cn23", "packing-list")


@cache
def labels() -> dict[str, Any]:
    text = resources.files("ponte.customs.documents").joinpath("labels.yaml").read_text("utf-8")
    return yaml.safe_load(text)  # type: ignore[no-any-return]


class _Pdf(FPDF):
    cjk: bool = False

    def face(self, text: str, bold: bool = False, size: float = 9) -> None:
        """Noto Sans for Latin text, Noto Sans CJK (which has Latin too) for text holding Chinese: one
        font per run, so no glyph falls back mid-line."""
        if self.cjk and has_cjk((text,)):
            self.set_font("cjk", "", size)
        else:
            self.set_font("noto", "B" if bold else "", size)

    def __init__(self, d: DocumentData, title: str, fonts: FontFiles, cjk: bool) -> None:
        super().__init__(format="A4")
        self.d, self.title_text = d, title
        self.t = labels()[d.language]
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        add_fonts(self, fonts, cjk)
        self.cjk = cjk
        self.set_title(f"{title} {d.order_ref}")
        self.set_creator("Ponte")
        self.set_creation_date(
            datetime.combine(d.invoice_date, time(0), tzinfo=UTC)
        )  # same order, same bytes

    def header(self) -> None:
        code = self.d.s10 or self.d.waybill
        _barcode(self, code, 140, 10)
        self.set_xy(15, 12)
        self.face(self.title_text, bold=True, size=13)
        self.multi_cell(118, 6.5, self.title_text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        self.set_font("noto", "", 8)
        self.set_y(max(self.get_y(), 27) + 3)

    def footer(self) -> None:
        self.set_y(-13)
        text = self.t["page"].format(page=self.page_no(), pages="{nb}")
        self.face(text, size=8)
        self.cell(0, 5, f"{self.d.order_ref} · {text}", align="R")


def _barcode(pdf: FPDF, value: str, x: float, y: float, height: float = 11, module: float = 0.26) -> None:
    modules = barcode.get("code128", value).build()[0]
    run = 0
    for i, bit in enumerate(modules + "0"):
        if bit == "1":
            run += 1
        elif run:
            pdf.rect(x + (i - run) * module, y, run * module, height, style="F")
            run = 0
    pdf.set_xy(x, y + height + 0.5)
    pdf.set_font("noto", "", 8)
    pdf.cell(len(modules) * module, 4, value, align="C")


class _Fmt:
    def __init__(self, d: DocumentData) -> None:
        self.locale, self.currency = d.locale, d.currency

    def money(self, v: Decimal) -> str:
        return str(format_currency(v, self.currency, locale=self.locale))

    def amount(self, v: Decimal) -> str:
        return str(format_decimal(v, format="#,##0.00", locale=self.locale))

    def kg(self, v: Decimal) -> str:
        return str(format_decimal(v, format="#,##0.000", locale=self.locale))

    def count(self, v: int | Decimal) -> str:
        return str(format_decimal(v, format="#,##0", locale=self.locale))


def _party(pdf: _Pdf, label: str, p: Party, x: float, y0: float, w: float, tax_label: str) -> float:
    pdf.set_xy(x, y0)
    pdf.face(label, bold=True)
    pdf.cell(w, 5, label, new_x=XPos.LEFT, new_y=YPos.NEXT)
    lines = [p.name, *p.address_lines, country_name(p.country, pdf.d.language)]
    if p.tax_id:
        lines.append(f"{tax_label}: {p.tax_id}")
    if p.phone:
        lines.append(f"{pdf.t['phone']}: {p.phone}")
    for line in lines:
        pdf.set_x(x)
        pdf.face(line)
        pdf.multi_cell(w, 4.5, line, new_x=XPos.LEFT, new_y=YPos.NEXT, align="L")
    return pdf.get_y()


def _facts(pdf: _Pdf, rows: Sequence[tuple[str, str]]) -> None:
    for label, value in rows:
        y = pdf.get_y()
        pdf.face(label, bold=True)
        pdf.multi_cell(60, 5, label, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        below = pdf.get_y()
        pdf.set_xy(75, y)
        pdf.face(value)
        pdf.multi_cell(0, 5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        pdf.set_y(max(below, pdf.get_y()))


def _table(pdf: _Pdf, widths: Sequence[int], head: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    family = "cjk" if pdf.cjk else "noto"
    pdf.set_font(family, "", 8)
    align = ["LEFT"] + ["RIGHT"] * (len(widths) - 1)
    heading = FontFace(family=family, emphasis=None if pdf.cjk else "BOLD", size_pt=8)
    with pdf.table(
        col_widths=widths,
        text_align=align,
        line_height=4.2,
        repeat_headings=1,
        first_row_as_headings=True,
        headings_style=heading,
    ) as table:
        header = table.row()
        for h in head:
            header.cell(h)
        for r in rows:
            row = table.row()
            for cell in r:
                row.cell(cell)


def _totals(pdf: _Pdf, rows: Sequence[tuple[str, str]]) -> None:
    pdf.ln(3)
    for label, value in rows:
        pdf.set_x(110)
        pdf.face(label, bold=label == rows[-1][0])
        pdf.cell(50, 5, label)
        pdf.cell(35, 5, value, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _sign(pdf: _Pdf, text: str) -> None:
    pdf.ln(4)
    pdf.face(text, size=8)
    pdf.multi_cell(0, 4, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(6)
    when = f"{pdf.t['signature']}: {format_date(pdf.d.invoice_date, 'medium', locale=pdf.d.locale)}"
    pdf.face(when, size=8)
    pdf.cell(90, 5, when)
    pdf.face(pdf.d.signatory, size=8)
    pdf.cell(0, 5, pdf.d.signatory, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.line(105, pdf.get_y() + 6, 195, pdf.get_y() + 6)


def _head(pdf: _Pdf, sender: str, addressee: str) -> None:
    d, t = pdf.d, pdf.t
    y0 = pdf.get_y()
    y = max(
        _party(pdf, sender, d.seller, 15, y0, 85, "USCC"),
        _party(pdf, addressee, d.buyer, 110, y0, 85, t["tax_id"]),
    )
    pdf.set_xy(15, y + 3)


def render(kind: str, d: DocumentData, fonts: FontFiles) -> bytes:
    """The PDF of one document of the parcel."""
    if kind not in KINDS:
        raise ValidationError(f"documents are {', '.join(KINDS)}", field="kind", rule=CustomsCode.WRONG_ORDER)
    t = labels()[d.language]
    title = {
        "invoice": t["invoice"],
        "cn23": f"{labels()['cn23_upu']} · {t['cn23']}",
        "packing-list": t["packing_list"],
    }
    texts = [d.seller.name, *d.seller.address_lines, d.buyer.name, *d.buyer.address_lines, d.signatory,
             *(ln.description for ln in d.lines), *t.values()]  # fmt: skip
    pdf = _Pdf(d, title[kind], fonts, has_cjk(texts))
    pdf.alias_nb_pages("{nb}")
    pdf.add_page()
    f = _Fmt(d)
    date_text = format_date(d.invoice_date, "medium", locale=d.locale)
    if kind == "invoice":
        _head(pdf, t["seller"], t["buyer"])
        facts = [(t["invoice_no"], d.order_ref), (t["date"], date_text), (t["waybill"], d.waybill),
                 (t["incoterm"], d.incoterm)]  # fmt: skip
        if d.master_waybill:
            facts.append((t["master_waybill"], f"{d.master_waybill} · {t['flight']} {d.flight or ''}"))
        if d.ioss_number:
            facts.append((t["ioss"], d.ioss_number))
        _facts(pdf, facts)
        pdf.ln(2)
        _table(pdf, (56, 22, 16, 18, 22, 24, 22),
               (t["description"], t["hs"], t["origin"], t["qty"], t["unit_price"], t["total"], t["net_weight"]),
               ((ln.description, ln.tariff_code, ln.origin, f.count(ln.quantity), f.amount(ln.unit_price),
                 f.amount(ln.total), f.kg(ln.net_weight)) for ln in d.lines))  # fmt: skip
        rows = [(t["goods_value"], f.money(d.goods_value)), (t["freight"], f.money(d.freight)),
                (t["insurance"], f.money(d.insurance))]  # fmt: skip
        if d.discount:
            rows.append((t["discount"], f"-{f.money(d.discount)}"))
        rows += [(t["packages"], f.count(d.packages)), (t["gross_weight"], f.kg(d.gross_weight)),
                 (t["grand_total"], f.money(d.total))]  # fmt: skip
        _totals(pdf, rows)
        _sign(pdf, t["certify_invoice"])
    elif kind == "cn23":
        _head(pdf, t["sender"], t["addressee"])
        _facts(pdf, [(t["item"], d.s10 or d.waybill), (t["importer_ref"], d.buyer.tax_id),
                     (t["category"], f"[X] {t['sale']}"), (t["invoice_no"], d.order_ref)]
               + ([(t["ioss"], d.ioss_number)] if d.ioss_number else []))  # fmt: skip
        pdf.ln(2)
        _table(pdf, (70, 16, 24, 26, 24, 22),
               (t["description"], t["qty"], t["net_each"], t["total"], t["hs"], t["origin"]),
               ((ln.description, f.count(ln.quantity), f.kg(ln.net_weight_each), f.amount(ln.total),
                 ln.tariff_code, country_name(ln.origin, d.language)) for ln in d.lines))  # fmt: skip
        _totals(pdf, [(t["net_weight"], f.kg(d.net_weight)), (t["gross_weight"], f.kg(d.gross_weight)),
                      (t["postal_charges"], f.money(d.freight)), (t["grand_total"], f.money(d.goods_value))])  # fmt: skip
        _sign(pdf, t["certify"])
    else:
        _head(pdf, t["sender"], t["addressee"])
        facts = [(t["order"], d.order_ref), (t["waybill"], d.waybill), (t["date"], date_text),
                 (t["packages"], f.count(d.packages))]  # fmt: skip
        if d.dimensions_cm is not None:
            facts.append((t["dimensions"], " × ".join(f.count(x) for x in d.dimensions_cm)))
        _facts(pdf, facts)
        pdf.ln(2)
        _table(pdf, (24, 76, 18, 30, 32),
               ("SKU", t["description"], t["qty"], t["net_each"], t["net_weight"]),
               ((ln.sku, ln.description, f.count(ln.quantity), f.kg(ln.net_weight_each), f.kg(ln.net_weight))
                for ln in d.lines))  # fmt: skip
        _totals(pdf, [(t["net_weight"], f.kg(d.net_weight)), (t["gross_weight"], f.kg(d.gross_weight)),
                      (t["packages"], f.count(d.packages))])  # fmt: skip
    out = io.BytesIO()
    pdf.output(out)
    return out.getvalue()

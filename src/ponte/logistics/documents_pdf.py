"""A forwarder's ``Document`` printed as PDF (fpdf2, landscape A4), with the Noto fonts Ponte's documents embed:
Noto Sans for Latin text (Portuguese and Spanish accents included) and Noto Sans CJK for a document that holds
Chinese (labels in zh-CN, or a Chinese shipper or goods description in any language). Tables run over as many
pages as they need, their header repeated; every page names the document's reference and "page n of m".

fpdf2 rather than reportlab: reportlab reads TrueType outlines only, and Noto Sans CJK is an OpenType/CFF
collection (``NotoSansCJK-Regular.ttc``), which fpdf2 embeds and subsets.
"""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from ponte.logistics.documents import Document, Table
from ponte.platform.pdf_fonts import FontFiles, add_fonts, has_cjk

__all__ = ["render_pdf"]

_WIDTH = 267.0  # landscape A4 less the margins, mm


class _Pdf(FPDF):
    def __init__(self, doc: Document, fonts: FontFiles) -> None:
        super().__init__(orientation="landscape", format="A4")
        self.doc = doc
        self.cjk = has_cjk(doc.texts())
        self.set_margins(15, 12, 15)
        self.set_auto_page_break(True, margin=16)
        add_fonts(self, fonts, self.cjk)
        self.family = "cjk" if self.cjk else "noto"
        self.set_title(f"{doc.title} {doc.reference}")
        self.set_creator("Ponte")
        self.set_creation_date(doc.generated)  # the same shipment printed at the same time, the same bytes

    def face(self, size: float = 9, bold: bool = False) -> None:
        """Noto Sans CJK (which has Latin too) for the whole document when it holds Chinese, so no glyph falls
        back mid-line; the CJK face has no bold, so headings stay regular there."""
        self.set_font(self.family, "B" if bold and not self.cjk else "", size)

    def header(self) -> None:
        self.face(14, bold=True)
        self.cell(180, 8, self.doc.title)
        self.face(10)
        self.cell(0, 8, self.doc.reference[:80], align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.face(8)
        page = self.doc.page_label.format(page=self.page_no(), pages="{nb}")
        self.cell(0, 5, f"Ponte · {self.doc.reference[:80]} · {page}", align="R")

    def facts(self, rows: tuple[tuple[str, str], ...]) -> None:
        for label, value in rows:
            self.face(9, bold=True)
            self.cell(60, 5.5, label)
            self.face(9)
            self.multi_cell(0, 5.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        self.ln(2)

    def grid(self, table: Table) -> None:
        self.face(11, bold=True)
        self.multi_cell(0, 7, table.heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        if not table.rows:
            self.face(9)
            self.cell(0, 6, table.empty, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(2)
            return
        total = sum(table.widths)
        widths = [_WIDTH * w / total for w in table.widths]
        self.face(8)
        heading = FontFace(family=self.family, emphasis=None if self.cjk else "BOLD", size_pt=8)
        with self.table(
            col_widths=widths,
            width=_WIDTH,
            text_align="LEFT",
            line_height=4.4,
            repeat_headings=1,
            first_row_as_headings=True,
            headings_style=heading,
        ) as grid:
            head = grid.row()
            for text in table.columns:
                head.cell(text)
            for values in table.rows:
                row = grid.row()
                for text in values:
                    row.cell(text)
            if table.totals:
                row = grid.row(style=heading)
                for text in table.totals:
                    row.cell(text)
        self.ln(3)


def render_pdf(doc: Document, fonts: FontFiles) -> bytes:
    """The document as PDF bytes: its facts and tables, then each of its later pages (a flight leg each)."""
    pdf = _Pdf(doc, fonts)
    pdf.alias_nb_pages()
    pdf.add_page()
    if doc.facts:
        pdf.facts(doc.facts)
    for table in doc.tables:
        pdf.grid(table)
    for n, page in enumerate(doc.pages):
        if n or doc.facts or doc.tables:
            pdf.add_page()
        for table in page:
            pdf.grid(table)
    return bytes(pdf.output())

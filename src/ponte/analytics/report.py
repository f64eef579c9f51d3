"""The printable corridor report for a period (fpdf2 with embedded Noto fonts, as the customs documents),
in zh-CN, en, pt-BR or es; numbers, money and dates formatted by Babel for the language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from ponte.analytics.core import Filters
from ponte.kernel import package_data
from ponte.kernel.languages import CLDR, check_language
from ponte.platform.pdf_fonts import FontFiles, add_fonts
from ponte.reference.countries import country_name

__all__ = ["render_report"]


def labels(lang: str) -> dict[str, str]:
    return dict(package_data.load_yaml("ponte.analytics", "report_labels.yaml")[lang])


class _Fmt:
    def __init__(self, lang: str, currency: str) -> None:
        self.cldr, self.currency = CLDR[lang], currency

    def n(self, value: int | str | None) -> str:
        return "—" if value is None else format_decimal(Decimal(value), locale=self.cldr)

    def money(self, value: str | None) -> str:
        return "—" if value is None else format_currency(Decimal(value), self.currency, locale=self.cldr)

    def pct(self, value: str | None) -> str:
        return "—" if value is None else format_percent(Decimal(value), "#,##0.0%", locale=self.cldr)


class _Pdf(FPDF):
    def __init__(self, fonts: FontFiles, cjk: bool, title: str, footer: str) -> None:
        super().__init__(format="A4")
        self.footer_text = footer
        self.family = "cjk" if cjk else "noto"
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        add_fonts(self, fonts, cjk, cjk_bold=True)
        self.set_title(title)
        self.set_creator("Ponte")

    def face(self, size: float = 9, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)

    def footer(self) -> None:
        self.set_y(-13)
        self.face(8)
        self.cell(0, 5, self.footer_text.format(page=self.page_no(), pages="{nb}"), align="R")

    def heading(self, text: str) -> None:
        self.ln(3)
        self.face(12, bold=True)
        self.cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(
        self, head: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], none: str
    ) -> None:
        if not rows:
            self.face(9)
            self.cell(0, 6, none, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            return
        self.face(9, bold=True)
        for text, w in zip(head, widths, strict=True):
            self.cell(w, 6, text, border="B", align="L" if w == widths[0] else "R")
        self.ln()
        self.face(9)
        for row in rows:
            for text, w in zip(row, widths, strict=True):
                self.cell(w, 5.5, text, align="L" if w == widths[0] else "R")
            self.ln()


def render_report(
    views: dict[str, dict[str, Any]],
    f: Filters,
    scope_name: str,
    lang: str,
    fonts: FontFiles,
    generated_at: datetime,
) -> bytes:
    """The report of ``views`` (overview, markets, sellers, customs, air, live, partners) as PDF bytes."""
    lang = check_language(lang)
    t, fmt = labels(lang), _Fmt(lang, f.currency)
    pdf = _Pdf(fonts, lang == "zh-CN", t["title"], t["page"])
    pdf.set_creation_date(generated_at.astimezone(UTC))
    pdf.add_page()
    pdf.face(16, bold=True)
    pdf.cell(0, 10, t["title"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.face(9)
    period = (
        f"{format_date(f.start, 'long', locale=fmt.cldr)} – {format_date(f.end, 'long', locale=fmt.cldr)}"
    )
    for label, value in (
        (t["period"], period),
        (t["scope"], scope_name or t["all_tenants"]),
        (t["currency"], f.currency),
        (t["generated"], format_datetime(generated_at, "medium", tzinfo=UTC, locale=fmt.cldr) + " UTC"),
    ):
        pdf.cell(45, 5.5, label)
        pdf.cell(0, 5.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.face(8)
    pdf.multi_cell(0, 4.5, t["fx_note"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    o = views["overview"]
    pdf.heading(t["totals"])
    pdf.grid(
        ["", t["orders"], t["value"]],
        [
            [t["period"], fmt.n(o["totals"]["orders"]), fmt.money(o["totals"]["value"])],
            [t["previous"], fmt.n(o["previous"]["orders"]), fmt.money(o["previous"]["value"])],
            [t["growth"], fmt.pct(o["growth"]["orders"]), fmt.pct(o["growth"]["value"])],
        ],
        [80, 40, 60],
        t["none"],
    )

    def breakdown(title: str, head: str, rows: list[dict[str, Any]], name: Any) -> None:
        pdf.heading(title)
        pdf.grid(
            [head, t["orders"], t["value"]],
            [[name(r["key"]), fmt.n(r["orders"]), fmt.money(r["value"])] for r in rows],
            [80, 40, 60],
            t["none"],
        )

    def country(code: str) -> str:
        try:
            return f"{country_name(code, lang)} ({code})"
        except Exception:
            return code

    breakdown(t["by_market"], t["market"], views["markets"]["destination"], country)
    breakdown(t["by_mode"], t["mode"], o["trade_mode"], str)
    breakdown(t["by_direction"], t["direction"], o["direction"], lambda k: t.get(k, k))
    pdf.heading(t["top_sellers"])
    pdf.grid(
        [t["seller"], t["orders"], t["value"]],
        [[r["label"][:48], fmt.n(r["orders"]), fmt.money(r["value"])] for r in views["sellers"]["sellers"]],
        [100, 30, 50],
        t["none"],
    )
    c = views["customs"]["funnel"]
    pdf.heading(t["funnel"])
    pdf.grid(
        [t["declared"], t["accepted"], t["released"], t["rejected"]],
        [[fmt.n(c["declared"]), fmt.n(c["accepted"]), fmt.n(c["released"]), fmt.n(c["rejected"])]],
        [45, 45, 45, 45],
        t["none"],
    )
    hours = [c["hours_p50"], c["hours_p90"]]
    pdf.face(9)
    pdf.cell(0, 6, f"{t['clearance']}: " + " / ".join("—" if h is None else format_decimal(round(h, 1), locale=fmt.cldr) for h in hours),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
    pdf.heading(t["air"])
    pdf.grid(
        [t["route"], t["flights"], t["parcels"], t["kg"], t["load_factor"]],
        [[r["key"], fmt.n(r["flights"]), fmt.n(r["parcels"]), fmt.n(r["kg"]), fmt.pct(r["load_factor"])]
         for r in views["air"]["routes"]],
        [50, 30, 30, 40, 30],
        t["none"],
    )  # fmt: skip
    live = views["live"]
    pdf.heading(t["live"])
    pdf.grid(
        ["", t["orders"], t["gmv"]],
        [[s["label"][:48], fmt.n(s["paid_orders"]), fmt.money(s["gmv"])] for s in live["sessions"][:10]],
        [100, 30, 50],
        t["none"],
    )
    p = views["partners"]
    pdf.heading(t["partners"])
    pdf.grid(
        [t["market"], t["orders"], t["value"]],
        [[country(r["key"]), fmt.n(r["orders"]), fmt.money(r["value"])] for r in p["destination"]],
        [80, 40, 60],
        t["none"],
    )
    pdf.face(8)
    pdf.multi_cell(
        0, 4.5, f"{t['share']}: {fmt.pct(p['share'])}. {p['list']['authority']}, {p['list']['as_of']}.",
        new_x=XPos.LMARGIN, new_y=YPos.NEXT,
    )  # fmt: skip
    return bytes(pdf.output())

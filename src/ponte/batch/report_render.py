"""The report rendered for people: an HTML page with bar charts (inline SVG, no script) and a PDF (fpdf2, the
Noto fonts Ponte's documents embed), in one of the four languages, numbers formatted by Babel."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from functools import cache
from html import escape
from importlib import resources
from typing import Any

import yaml
from babel.numbers import format_decimal
from fpdf import FPDF

from ponte.kernel.languages import CLDR
from ponte.platform.pdf_fonts import DEFAULT_FONT_DIRS, find_fonts

__all__ = ["labels", "render_html", "render_pdf"]


@cache
def labels() -> dict[str, dict[str, str]]:
    text = resources.files("ponte.batch").joinpath("report_labels.yaml").read_text("utf-8")
    return yaml.safe_load(text)  # type: ignore[no-any-return]


def _n(value: Any, lang: str) -> str:
    return format_decimal(value, locale=CLDR[lang]) if value is not None else "-"


def _sections(
    doc: Mapping[str, Any], times: Mapping[str, float], lang: str
) -> list[tuple[str, list[str], list[list[str]]]]:
    t = labels()[lang]
    count = t["count"]
    out: list[tuple[str, list[str], list[list[str]]]] = []
    for key in ("verdicts", "fulfilment", "customs", "shipping", "not_shipped", "rejects"):
        rows = [[k, _n(v, lang)] for k, v in (doc.get(key) or {}).items()]
        out.append((t[key], ["", count], rows))
    out.append(
        (
            t["markets"],
            [t["market"], t["currency"], t["orders"], t["goods"], t["tax"]],
            [
                [m["market"], m["currency"], _n(m["orders"], lang), _n(m["goods"], lang), _n(m["tax"], lang)]
                for m in doc.get("markets", [])
            ],
        )
    )
    out.append(
        (
            t["loads"],
            [t["flight"], t["ulds"], "kg", t["load"]],
            [
                [
                    f["flight"],
                    _n(f["ulds"], lang),
                    _n(f["gross_kg"], lang),
                    f"{_n(round(100 * (f['load_factor'] or 0), 1), lang)} %",
                ]
                for f in doc.get("flight_loads", [])
            ],
        )
    )
    out.append(
        (t["timings"], [t["stage"], t["seconds"]], [[k, _n(round(v, 2), lang)] for k, v in times.items()])
    )
    return out


def _bars(data: Mapping[str, int]) -> str:
    if not data:
        return ""
    top = max(data.values()) or 1
    rows = []
    for i, (k, v) in enumerate(data.items()):
        w = int(320 * v / top)
        y = i * 22
        rows.append(
            f'<text x="0" y="{y + 15}" font-size="12">{escape(str(k))[:48]}</text>'
            f'<rect x="300" y="{y + 3}" width="{w}" height="15" fill="#2b6cb0"/>'
            f'<text x="{305 + w}" y="{y + 15}" font-size="12">{v}</text>'
        )
    return f'<svg role="img" width="700" height="{22 * len(data) + 4}" xmlns="http://www.w3.org/2000/svg">{"".join(rows)}</svg>'


def render_html(doc: Mapping[str, Any], times: Mapping[str, float], lang: str) -> str:
    t = labels()[lang]
    parts = [
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(t["title"])}</title>'
        "<style>body{font-family:'Noto Sans',sans-serif;max-width:60rem;margin:auto;padding:1rem}"
        "table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.2rem .6rem;text-align:left}"
        "svg{max-width:100%}</style></head><body>",
        f"<h1>{escape(t['title'])}</h1>",
        f"<p>{escape(t['orders'])}: <b>{_n(doc.get('orders', 0), lang)}</b> · {escape(t['partitions'])}: "
        f"{_n(doc.get('partitions', 0), lang)} · {escape(t['days'])}: {_n(doc.get('days', 0), lang)}</p>",
    ]
    if doc.get("unsigned_messages"):
        parts.append(
            f"<p><strong>{escape(t['unsigned_note'])}</strong> ({_n(doc['unsigned_messages'], lang)})</p>"
        )
    charts = {t[k]: doc.get(k) or {} for k in ("verdicts", "customs", "shipping", "not_shipped")}
    for title, head, rows in _sections(doc, times, lang):
        parts.append(f"<h2>{escape(title)}</h2>")
        if title in charts:
            parts.append(_bars(charts[title]))
        parts.append("<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>")
        parts += ["<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows]
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "".join(parts)


def render_pdf(doc: Mapping[str, Any], times: Mapping[str, float], lang: str) -> bytes:
    t = labels()[lang]
    pdf = FPDF()
    last = doc.get("last_day") or "2000-01-01"
    pdf.set_creation_date(
        datetime.combine(date.fromisoformat(last), time(0), tzinfo=UTC)
    )  # same run, same bytes
    face = "helvetica"  # the Latin languages fit the PDF core font (Latin-1): nothing to embed

    def text(value: str) -> str:
        return value if face != "helvetica" else value.encode("latin-1", "replace").decode("latin-1")

    if lang == "zh-CN":
        fonts = find_fonts(DEFAULT_FONT_DIRS)
        if fonts.cjk is not None:
            pdf.add_font("cjk", "", str(fonts.cjk), collection_font_number=2)
            face = "cjk"
    pdf.add_page()
    pdf.set_font(face, "", 16)
    pdf.cell(0, 10, text(t["title"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(face, "", 10)
    pdf.cell(0, 6, text(f"{t['orders']}: {_n(doc.get('orders', 0), lang)}"), new_x="LMARGIN", new_y="NEXT")
    charts = {
        t[k]: doc.get(k) or {} for k in ("verdicts", "fulfilment", "customs", "shipping", "not_shipped")
    }
    for title, head, rows in _sections(doc, times, lang):
        pdf.ln(3)
        pdf.set_font(face, "", 12)
        pdf.cell(0, 8, text(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(face, "", 8)
        values = list((charts.get(title) or {}).values())
        top = max(values, default=0) or 1
        width = 180 / len(head)
        for i, r in enumerate(rows[:60]):
            for c in r:
                pdf.cell(width, 5, text(str(c)[:60]))
            if title in charts and i < len(values):
                pdf.set_fill_color(43, 108, 176)
                pdf.rect(pdf.l_margin + 2 * width + 5, pdf.get_y() + 1, 60 * values[i] / top, 3, style="F")
            pdf.ln(5)
    return bytes(pdf.output())

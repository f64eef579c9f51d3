"""The fonts every printed document embeds (subset): Noto Sans for Latin text (Debian ``fonts-noto-core``;
Portuguese and Spanish accents included) and Noto Sans CJK for text holding Chinese (``fonts-noto-cjk``),
found once and registered in an fpdf2 document the same way by the customs documents, the airline's
documents and the reports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

from ponte.kernel.errors import ValidationError

__all__ = ["DEFAULT_FONT_DIRS", "FontFiles", "add_fonts", "find_fonts", "has_cjk"]

DEFAULT_FONT_DIRS = ("/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto")
_FILES = {"regular": "NotoSans-Regular.ttf", "bold": "NotoSans-Bold.ttf", "cjk": "NotoSansCJK-Regular.ttc"}
_CJK_SC = 2  # the Simplified Chinese face inside NotoSansCJK-Regular.ttc (JP, KR, SC, TC, HK)


@dataclass(frozen=True)
class FontFiles:
    regular: Path
    bold: Path
    cjk: Path | None


def find_fonts(dirs: Iterable[str | Path] = DEFAULT_FONT_DIRS) -> FontFiles:
    """The Noto files in ``dirs``; an error naming the missing font and the package that has it."""
    dirs = list(dirs)
    found: dict[str, Path] = {}
    for d in dirs:
        for key, name in _FILES.items():
            p = Path(d) / name
            if key not in found and p.is_file():
                found[key] = p
    for key in ("regular", "bold"):
        if key not in found:
            raise ValidationError(
                f"{_FILES[key]} not found in {', '.join(map(str, dirs))} (install fonts-noto-core)",
                field="fonts",
                rule="document-fonts",
            )
    return FontFiles(found["regular"], found["bold"], found.get("cjk"))


def has_cjk(texts: Iterable[str]) -> bool:
    """Whether any text holds CJK ideographs, punctuation or full-width forms."""
    return any("\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef"
               for t in texts for ch in t)  # fmt: skip


def add_fonts(pdf: FPDF, fonts: FontFiles, cjk: bool, cjk_bold: bool = False) -> None:
    """Register ``noto`` (regular and bold) and, for a document holding Chinese, ``cjk`` (its bold the same
    face when ``cjk_bold``: Noto Sans CJK's collection has no bold); refused, naming the package to
    install, when the CJK font is needed and missing."""
    pdf.add_font("noto", "", str(fonts.regular))
    pdf.add_font("noto", "B", str(fonts.bold))
    if not cjk:
        return
    if fonts.cjk is None:
        raise ValidationError(
            "the document holds Chinese text and NotoSansCJK-Regular.ttc was not found (install fonts-noto-cjk)",
            field="fonts",
            rule="document-fonts",
        )
    pdf.add_font("cjk", "", str(fonts.cjk), collection_font_number=_CJK_SC)
    if cjk_bold:
        pdf.add_font("cjk", "B", str(fonts.cjk), collection_font_number=_CJK_SC)

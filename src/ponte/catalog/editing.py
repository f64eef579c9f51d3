"""A product as a seller writes it (titles in four languages, customs data, the box): every rule it
breaks, found together (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ponte.catalog.core import ChinaCustoms, LegalQuantity, check_china_customs
from ponte.kernel.errors import PonteError, Violation
from ponte.kernel.languages import LANGUAGES
from ponte.kernel.money import check_currency
from ponte.reference import countries, hs

SKU = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
MEASURES = ("weight_kg", "length_cm", "width_cm", "height_cm", "price")


@dataclass
class ProductDraft:
    sku: str
    titles: dict[str, str]
    category: str
    hs_code: str
    origin_country: str
    currency: str
    measures: dict[str, Decimal | None] = field(default_factory=dict)  # None: not a number
    tariff_codes: dict[str, str] = field(default_factory=dict)
    #: China customs: cn_code, cn_name, cn_elements, cn_unit, cn_unit1 (text) and cn_qty1 (in measures)
    china: dict[str, str] = field(default_factory=dict)

    def china_customs(self) -> ChinaCustoms | None:
        """The China customs data when the seller gave any of it."""
        if not any(v.strip() for v in self.china.values()):
            return None
        return ChinaCustoms(
            code=self.china.get("cn_code", "").strip(),
            name=self.china.get("cn_name", "").strip(),
            elements=self.china.get("cn_elements", "").strip(),
            unit=self.china.get("cn_unit", "").strip(),
            first=LegalQuantity(
                self.china.get("cn_unit1", "").strip(), self.measures.get("cn_qty1") or Decimal(1)
            ),
        )


#: Fields of China customs data as the form names them.
CHINA_FIELDS = {
    "china.code": "cn_code",
    "china.name": "cn_name",
    "china.elements": "cn_elements",
    "china.unit": "cn_unit",
    "china.first.unit": "cn_unit1",
    "china.first.per_unit": "cn_qty1",
}


def problems(draft: ProductDraft) -> list[Violation]:
    """Every rule the draft breaks, each naming its field."""
    found: list[Violation] = []
    if not SKU.match(draft.sku or ""):
        found.append(
            Violation("sku", "sku-format" if draft.sku else "required", "SKU: letters, digits . _ -")
        )
    if not (draft.titles.get("en") or "").strip():
        found.append(Violation("titles.en", "required", "an English title is required"))
    for lang, text in draft.titles.items():
        if lang not in LANGUAGES:
            found.append(Violation("titles", "language", f"unknown language {lang}"))
        elif len(text) > 300:
            found.append(Violation(f"titles.{lang}", "string_too_long", "at most 300 characters"))
    if not draft.category.strip():
        found.append(Violation("category", "required", "a category is required"))
    for name, check in (
        ("hs_code", lambda v: hs.validate_hs6(v[:6] if len(v) >= 6 else v, "hs_code")),
        ("origin_country", lambda v: countries.country(v, "origin_country")),
        ("currency", lambda v: check_currency(v.upper(), "currency")),
    ):
        value = getattr(draft, name).strip()
        if not value:
            found.append(Violation(name, "required", f"{name} is required"))
            continue
        try:
            check(value)
        except PonteError as exc:
            found.append(Violation(name, "hs6" if name == "hs_code" else exc.rule, exc.message))
    for name in MEASURES:
        value = draft.measures.get(name)
        if value is None:
            continue  # the form already said it is not a number
        if value <= 0:
            found.append(Violation(name, "positive", f"{name} must be above zero"))
    china = draft.china_customs()
    if china is not None:
        for v in check_china_customs(china, draft.hs_code):
            found.append(Violation(CHINA_FIELDS.get(v.field, v.field), v.rule, v.message))
    for market, code in draft.tariff_codes.items():
        if code and not re.fullmatch(r"\d{6,12}", code):
            found.append(Violation(f"tariff_codes.{market}", "tariff-code", "6 to 12 digits"))
    return found

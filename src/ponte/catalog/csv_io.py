"""Products in and out as CSV, with every broken rule reported by row and column.

Pure: parsing gives products as dictionaries and row errors; storing is the caller's.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ponte.kernel.cells import neutralise
from ponte.kernel.errors import ValidationError
from ponte.kernel.limits import parse_amount, text_violation
from ponte.kernel.money import check_currency
from ponte.reference import countries, hs

COLUMNS = (
    "sku", "title_zh", "title_en", "title_pt", "title_es", "category", "hs_code", "origin_country",
    "weight_kg", "length_cm", "width_cm", "height_cm", "price", "currency", "market_prices", "image_urls",
)  # fmt: skip
TITLE_COLUMNS = {"title_zh": "zh-CN", "title_en": "en", "title_pt": "pt-BR", "title_es": "es"}
REQUIRED = ("sku", "title_en", "category", "hs_code", "origin_country", "weight_kg", "price", "currency")
MAX_ROWS = 50_000


@dataclass(frozen=True)
class RowError:
    row: int  # line in the file (the header is line 1)
    field: str
    rule: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "rule": self.rule, "message": self.message}


def _decimal(value: str, field: str, positive: bool = True) -> Decimal:
    """An exact number within the bounds of every intake (kernel.limits): ``1e400`` and ``1e-400`` are refused."""
    return parse_amount(value, field, positive=positive)


def _market_prices(value: str) -> dict[str, dict[str, str]]:
    """`BR:BRL:59.90|MX:MXN:199` → {"BR": {"currency": "BRL", "amount": "59.90"}, ...}."""
    prices: dict[str, dict[str, str]] = {}
    for part in filter(None, (p.strip() for p in value.split("|"))):
        pieces = part.split(":")
        if len(pieces) != 3:
            raise ValidationError(
                f"{part!r} must be MARKET:CURRENCY:AMOUNT", field="market_prices", rule="market-price-format"
            )
        market, currency, amount = pieces
        countries.country(market, "market_prices")
        check_currency(currency, "market_prices")
        prices[market.upper()] = {
            "currency": currency.upper(),
            "amount": str(_decimal(amount, "market_prices")),
        }
    return prices


def parse_row(raw: dict[str, str]) -> dict[str, Any]:
    """One CSV row as a product's fields; raises with every broken rule of the row."""
    problems: list[ValidationError] = []
    get = {k: (raw.get(k) or "").strip() for k in COLUMNS}
    broken: set[str] = set()
    for column in COLUMNS:  # NUL and control characters: PostgreSQL refuses NUL, logs and exports are forged
        bad = text_violation(get[column], column)
        if bad is not None:
            problems.append(ValidationError(bad.message, field=column, rule=bad.rule))
            get[column] = ""
            broken.add(column)
    if any(len(get[c]) > 500 for c in COLUMNS if c != "image_urls"):
        for c in COLUMNS:
            if c != "image_urls" and len(get[c]) > 500:
                problems.append(ValidationError("at most 500 characters", field=c, rule="max-length"))
                get[c] = ""
                broken.add(c)
    for column in REQUIRED:
        if not get[column] and column not in broken:
            problems.append(ValidationError(f"{column} is required", field=column, rule="required"))
    out: dict[str, Any] = {"sku": get["sku"], "category": get["category"]}

    def attempt(field: str, fn: Any) -> None:
        if not get[field] and field in REQUIRED:
            return
        try:
            fn()
        except ValidationError as exc:
            problems.append(exc)

    if get["sku"] and (len(get["sku"]) > 64 or not all(c.isalnum() or c in "._-" for c in get["sku"])):
        problems.append(
            ValidationError("letters, digits, '.', '_' or '-' only", field="sku", rule="sku-format")
        )
    out["titles"] = {lang: get[col] for col, lang in TITLE_COLUMNS.items() if get[col]}
    attempt("hs_code", lambda: out.__setitem__("hs_code", hs.validate_hs6(get["hs_code"], "hs_code")))
    attempt(
        "origin_country",
        lambda: out.__setitem__(
            "origin_country", countries.country(get["origin_country"], "origin_country").alpha2
        ),
    )
    attempt("currency", lambda: out.__setitem__("currency", check_currency(get["currency"], "currency")))
    for column in ("weight_kg", "price"):
        attempt(column, lambda c=column: out.__setitem__(c, _decimal(get[c], c)))
    for column in ("length_cm", "width_cm", "height_cm"):
        if get[column]:
            attempt(column, lambda c=column: out.__setitem__(c, _decimal(get[c], c)))
        else:
            out[column] = Decimal(1)
    attempt("market_prices", lambda: out.__setitem__("market_prices", _market_prices(get["market_prices"])))
    urls = [u.strip() for u in get["image_urls"].split("|") if u.strip()]
    for url in urls:
        if not url.startswith(("https://", "http://")):
            problems.append(ValidationError(f"{url!r} is not an http(s) URL", field="image_urls", rule="url"))
    out["image_urls"] = urls
    if problems:
        raise ValidationError.of([v for p in problems for v in p.violations])
    return out


def read_products(text: str) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError]]:
    """Every good row (with its line number) and every error of the bad ones."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = reader.fieldnames or []
    unknown = [c for c in header if c not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown or missing:
        parts = ([f"unknown columns {', '.join(unknown)}"] if unknown else []) + (
            [f"missing columns {', '.join(missing)}"] if missing else []
        )
        raise ValidationError("; ".join(parts) + f"; columns are {', '.join(COLUMNS)}", field="header",
                              rule="csv-columns")  # fmt: skip
    good: list[tuple[int, dict[str, Any]]] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            raise ValidationError(f"at most {MAX_ROWS} rows per file", field="file", rule="max-rows")
        try:
            row = parse_row(raw)
        except ValidationError as exc:
            errors.extend(RowError(number, v.field, v.rule, v.message) for v in exc.violations)
            continue
        if row["sku"] in seen:
            errors.append(RowError(number, "sku", "unique-in-file", f"SKU also on line {seen[row['sku']]}"))
            continue
        seen[row["sku"]] = number
        good.append((number, row))
    return good, errors


def write_products(products: Iterable[Any]) -> str:
    """CSV of stored products (objects with the Product attributes), readable by `read_products`; a text cell
    a spreadsheet would take for a formula is written with a leading apostrophe (``kernel.cells``)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for p in products:
        attrs = p.attributes or {}
        prices = attrs.get("market_prices", {})
        writer.writerow(
            {
                column: neutralise(value)
                for column, value in {
                    "sku": p.sku,
                    **{col: p.titles.get(lang, "") for col, lang in TITLE_COLUMNS.items()},
                    "category": p.category,
                    "hs_code": p.hs_code,
                    "origin_country": p.origin_country,
                    "weight_kg": p.weight_kg,
                    "length_cm": p.length_cm,
                    "width_cm": p.width_cm,
                    "height_cm": p.height_cm,
                    "price": p.price,
                    "currency": p.currency,
                    "market_prices": "|".join(
                        f"{m}:{v['currency']}:{v['amount']}" for m, v in sorted(prices.items())
                    ),
                    "image_urls": "|".join(attrs.get("image_urls", [])),
                }.items()
            }
        )
    return buffer.getvalue()

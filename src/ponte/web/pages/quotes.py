"""Landed cost: a form that quotes duties and taxes with the same engine as the API.

Form field names follow the request's JSON pointers (``/items/0/unit_price``
is the field ``items.0.unit_price``), so an error lands beside its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from ponte.duties import service
from ponte.duties.regimes import REGIMES
from ponte.kernel.errors import PonteError, Violation
from ponte.web import forms
from ponte.web.auth import Viewer, require_viewer
from ponte.web.i18n import N_, Locale
from ponte.web.nav import NavEntry, register
from ponte.web.pages.catalogue import require
from ponte.web.render import locale_of, render

router = APIRouter()
register(NavEntry("/quotes", N_("Landed cost"), scope="quotes:read", order=45))

ITEM_ROWS = 3
SCOPE = "quotes:read"
CURRENCIES = ("USD", "EUR", "CNY", "BRL", "MXN", "CLP", "COP", "PEN", "ARS", "MOP")
FLAGS = {
    "seller.remessa_conforme": N_("Seller in Remessa Conforme (Brazil)"),
    "seller.ioss": N_("Seller registered for IOSS (EU)"),
    "seller.sii_registered": N_("Seller registered with the SII (Chile)"),
}
ITEM_FIELDS = ("description", "category", "hs_code", "quantity", "unit_price")

#: Rules of the quote request and engine, with a message in every console language.
RULE_MESSAGES: dict[str, str] = {
    "required": N_("This field is required."),
    "length": N_("This field is required."),
    "integer": N_("Enter a whole number."),
    "decimal": N_("Enter a number."),
    "range": N_("The number is out of range."),
    "value": N_("This value is not accepted."),
    "allowed-values": N_("Choose one of the options."),
    "date": N_("Enter a date as YYYY-MM-DD."),
    "iso4217": N_("Unknown currency code (ISO 4217)."),
    "supported-destination": N_("Ponte has no rules for this destination."),
    "rule-in-force": N_("No rule is in force on this date."),
    "covered-date": N_("Ponte has no rules for this market on this date."),
    "territory": N_("Not a region of this market."),
    "channel": N_("Ponte has no rules for this channel in this market."),
    "rate-available": N_("No exchange rate for this date: give one, e.g. USD/BRL=5.52."),
    "br-state": N_("Not a Brazilian state (e.g. SP)."),
    "regime-known": N_("Not a regime of this destination."),
    "fx-format": N_("Write rates as USD/BRL=5.52, separated by commas."),
}
TOP_FIELDS = {"destination", "destination_region", "date", "currency", "freight", "insurance", "fx"}


def field_of(pointer: str) -> str:
    """The form field of a request JSON pointer ("" when the form has no such field)."""
    parts = [p for p in pointer.strip("/").split("/") if p]
    if not parts:
        return ""
    if parts[0] == "items":
        if len(parts) >= 3 and parts[2] in ITEM_FIELDS and parts[1].isdigit():
            return f"items.{parts[1]}.{parts[2]}"
        return "items.0.unit_price" if len(parts) == 1 else ""
    if parts[0] == "seller" and len(parts) == 2:
        name = f"seller.{parts[1]}"
        return name if name in FLAGS else ""
    return parts[0] if parts[0] in TOP_FIELDS else ""


def errors_of(exc: PonteError, loc: Locale) -> forms.FormErrors:
    errors = forms.FormErrors()
    violations = exc.violations or [Violation(exc.field, exc.rule, exc.message)]
    for v in violations:
        text = RULE_MESSAGES.get(v.rule)
        errors.add(field_of(v.field), loc.gettext(text) if text else v.message)
    return errors


def to_request(form: Mapping[str, str], lang: str) -> tuple[dict[str, Any], forms.FormErrors]:
    """The JSON request of the form (blank optional fields left out)."""

    def value(name: str) -> str:
        return (form.get(name) or "").strip()

    errors = forms.FormErrors()
    items = []
    for i in range(ITEM_ROWS):
        row = {f: value(f"items.{i}.{f}") for f in ITEM_FIELDS}
        if not any(row.values()):
            continue
        item: dict[str, Any] = {"description": row["description"] or "item"}
        for key in ("category", "hs_code", "unit_price"):
            if row[key]:
                item[key] = row[key]
        item["quantity"] = int(row["quantity"]) if row["quantity"].isdigit() else row["quantity"] or 1
        items.append(item)
    data: dict[str, Any] = {
        "destination": value("destination").upper(),
        "date": value("date"),
        "currency": value("currency").upper(),
        "items": items,
        "locale": lang,
        "seller": {name.split(".", 1)[1]: bool(value(name)) for name in FLAGS},
    }
    region = value("destination_region")
    if region:
        data["destination_region"] = region
    for key in ("freight", "insurance"):
        if value(key):
            data[key] = value(key)
    fx: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in value("fx").split(","))):
        pair, _, rate = part.partition("=")
        try:
            Decimal(rate.strip())
        except InvalidOperation:
            errors.add("fx", "fx-format")
            break
        fx[pair.strip().upper()] = rate.strip()
    if fx:
        data["fx"] = fx
    return data, errors


def _page(
    request: Request,
    values: Mapping[str, str],
    errors: forms.FormErrors,
    result: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    loc = locale_of(request)
    return render(
        request,
        "quotes.html",
        status=status,
        values=values,
        errors=errors,
        result=result,
        market_options=[(c, f"{loc.country(c)} ({c})") for c in sorted(REGIMES)],
        currency_options=[(c, c) for c in CURRENCIES],
        flags=[(name, loc.gettext(label)) for name, label in FLAGS.items()],
        item_rows=ITEM_ROWS,
        percent=lambda rate: loc.number(Decimal(rate) * 100) + " %",
        Decimal=Decimal,
    )


@router.get("/quotes")
def quote_form(request: Request, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    require(viewer, SCOPE)
    today = datetime.now(UTC).date().isoformat()
    defaults = {"destination": "BR", "destination_region": "SP", "currency": "USD", "date": today}
    return _page(request, {**defaults, "items.0.quantity": "1"}, forms.FormErrors())


@router.post("/quotes")
async def quote_submit(request: Request, viewer: Annotated[Viewer, Depends(require_viewer)]) -> Response:
    require(viewer, SCOPE)
    loc = locale_of(request)
    form = await request.form()
    values = {name: str(v) for name, v in form.items() if isinstance(v, str)}
    data, errors = to_request(values, loc.lang)
    if errors:
        fixed = forms.FormErrors()
        for name, rules in errors.by_field.items():
            for rule in rules:
                fixed.add(name, loc.gettext(RULE_MESSAGES[rule]))
        return _page(request, values, fixed, status=422)
    try:
        p = request.app.state.platform
        result = service.quote_request(data, rules=p.rules, fx=p.fx)
    except PonteError as exc:
        return _page(request, values, errors_of(exc, loc), status=422)
    return _page(request, values, forms.FormErrors(), result)

"""The "new order" form: HTML form fields to `OrderIn`, and errors back to the fields.

Form field names are the dotted paths that Ponte's errors use (``buyer.tax_id``,
``lines.0.sku``), so an error lands beside the field that caused it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic import ValidationError as PydanticError

from ponte.kernel.errors import PonteError, Violation
from ponte.orders.intake import OrderIn
from ponte.web.errors import translate
from ponte.web.i18n import Locale

LINE_ROWS = 3

#: Fields of the form, in order; line fields are added per row.
FIELDS = [
    "external_ref",
    "trade_mode",
    "destination",
    "destination_region",
    "currency",
    "freight",
    "buyer.name",
    "buyer.kind",
    "buyer.tax_id",
    "buyer.phone",
    "buyer.email",
    "buyer.address.line1",
    "buyer.address.city",
    "buyer.address.region",
    "buyer.address.postal_code",
]

#: Errors whose field is not on the form are shown on the field that feeds them.
FIELD_ALIASES = {
    "buyer.address.country": "destination",
    "lines": "lines.0.sku",
    "buyer.address": "buyer.address.line1",
}


@dataclass
class FormErrors:
    """Messages per form field, already in the viewer's language."""

    by_field: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.by_field)

    def get(self, name: str) -> list[str]:
        return self.by_field.get(name, [])


def field_name(path: str, known: set[str]) -> str:
    path = FIELD_ALIASES.get(path, path)
    return path if path in known else ""


def known_fields() -> set[str]:
    names = set(FIELDS)
    for i in range(LINE_ROWS):
        names.update({f"lines.{i}.sku", f"lines.{i}.quantity"})
    return names


def parse(
    form: Mapping[str, str], loc: Locale | None = None, errors: FormErrors | None = None
) -> dict[str, object]:
    """The form's values as the nested document `OrderIn` reads (blank optional fields dropped)."""

    def value(name: str) -> str | None:
        text = (form.get(name) or "").strip()
        return text or None

    destination = (value("destination") or "").upper()
    lines = []
    for i in range(LINE_ROWS):
        sku, quantity = value(f"lines.{i}.sku"), value(f"lines.{i}.quantity")
        if sku is None and quantity is None:
            continue
        lines.append({"sku": sku or "", "quantity": quantity or ""})
    document: dict[str, object] = {
        "external_ref": value("external_ref") or "",
        "channel": "web",
        "trade_mode": value("trade_mode") or "9610",
        "destination": destination,
        "currency": (value("currency") or "").upper(),
        "buyer": {
            "name": value("buyer.name") or "",
            "kind": value("buyer.kind") or "individual",
            "tax_id": value("buyer.tax_id") or "",
            "phone": value("buyer.phone"),
            "email": value("buyer.email"),
            "address": {
                "line1": value("buyer.address.line1") or "",
                "city": value("buyer.address.city") or "",
                "region": value("buyer.address.region"),
                "postal_code": value("buyer.address.postal_code") or "",
                "country": destination,
            },
        },
        "lines": lines,
    }
    if value("destination_region"):
        document["destination_region"] = value("destination_region")
    freight = value("freight")
    if freight and loc is not None:
        try:  # written as the viewer writes numbers: 5,00 in pt-BR and es
            document["freight"] = str(loc.parse_number(freight))
        except ValueError:
            if errors is not None:
                errors.add("freight", translate(loc, "decimal_parsing"))
    elif freight:
        document["freight"] = freight
    return document


def to_order(form: Mapping[str, str], loc: Locale) -> tuple[OrderIn | None, FormErrors]:
    errors = FormErrors()
    document = parse(form, loc, errors)
    try:
        order_in = OrderIn.model_validate(document)
        return (None if errors else order_in), errors
    except PydanticError as exc:
        known = known_fields()
        for error in exc.errors():
            path = ".".join(str(part) for part in error["loc"])
            message = translate(loc, str(error["type"]), str(error["msg"]))
            errors.add(field_name(path, known), message)
        return None, errors


def from_ponte_error(exc: PonteError, loc: Locale) -> FormErrors:
    errors = FormErrors()
    known = known_fields()
    violations = exc.violations or [Violation(exc.field, exc.rule, exc.message)]
    for violation in violations:
        errors.add(field_name(violation.field, known), translate(loc, violation.rule, violation.message))
    return errors

"""Orders from a CSV file: one row per line, rows with the same external_ref form one order.

Pure: rows (read by ``csv_stream``) become `OrderIn` objects or row errors naming the line and the column.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError as PydanticError

from ponte.kernel.errors import Violation, rule_name
from ponte.orders.intake import OrderIn

COLUMNS = (
    "external_ref", "destination", "destination_region", "currency", "trade_mode", "freight",
    "buyer_name", "buyer_tax_id", "buyer_tax_id_kind", "buyer_phone", "buyer_email",
    "address_line1", "address_city", "address_region", "address_postal_code", "sku", "quantity", "unit_price",
)  # fmt: skip
REQUIRED = ("external_ref", "destination", "currency", "buyer_name", "buyer_tax_id", "address_line1",
            "address_city", "sku", "quantity")  # fmt: skip
ORDER_FIELDS = ("destination", "destination_region", "currency", "trade_mode", "freight")
#: A file row: its record number (the header is 1) and its values by column, stripped.
NumberedRow = tuple[int, dict[str, str]]
# where a field of OrderIn comes from in the file
_COLUMN_OF = {
    "buyer.name": "buyer_name", "buyer.tax_id": "buyer_tax_id", "buyer.tax_id_kind": "buyer_tax_id_kind",
    "buyer.phone": "buyer_phone", "buyer.email": "buyer_email", "buyer.address.line1": "address_line1",
    "buyer.address.city": "address_city", "buyer.address.region": "address_region",
    "buyer.address.postal_code": "address_postal_code", "buyer.address.country": "destination",
}  # fmt: skip


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    rule: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "rule": self.rule, "message": self.message}


@dataclass
class ParsedOrder:
    external_ref: str
    rows: list[int]  # file line of each order line, in order
    order: OrderIn


def column_for(field: str, rows: list[int]) -> tuple[int, str]:
    """The file line and column an OrderIn field came from (`lines.1.sku` → second row's sku)."""
    parts = field.split(".")
    if parts[0] == "lines" and len(parts) > 2 and parts[1].isdigit() and int(parts[1]) < len(rows):
        return rows[int(parts[1])], parts[2]
    return rows[0], _COLUMN_OF.get(field, field)


def _order_dict(ref: str, first: dict[str, str], lines: list[dict[str, str]]) -> dict[str, Any]:
    def opt(value: str) -> str | None:
        return value or None

    data: dict[str, Any] = {
        "external_ref": ref,
        "channel": "csv",
        "destination": first["destination"],
        "currency": first["currency"],
        "buyer": {
            "name": first["buyer_name"],
            "tax_id": first["buyer_tax_id"],
            "tax_id_kind": opt(first["buyer_tax_id_kind"]),
            "phone": opt(first["buyer_phone"]),
            "email": opt(first["buyer_email"]),
            "address": {
                "line1": first["address_line1"],
                "city": first["address_city"],
                "region": opt(first["address_region"]),
                "postal_code": first["address_postal_code"],
                "country": first["destination"],
            },
        },
        "lines": [
            {
                "sku": ln["sku"],
                "quantity": ln["quantity"],
                **({"unit_price": ln["unit_price"]} if ln["unit_price"] else {}),
            }
            for ln in lines
        ],
    }
    for key in ("destination_region", "trade_mode", "freight"):
        if first[key]:
            data[key] = first[key]
    return data


def group(numbered: Iterable[NumberedRow]) -> tuple[list[ParsedOrder], list[RowError]]:
    """The orders of these file rows (rows with one external_ref form one order), and the row errors."""
    groups: OrderedDict[str, list[tuple[int, dict[str, str]]]] = OrderedDict()
    errors: list[RowError] = []
    for number, row in numbered:
        blank = [c for c in REQUIRED if not row[c]]
        if blank:
            errors.extend(RowError(number, c, "required", f"{c} is required") for c in blank)
            continue
        groups.setdefault(row["external_ref"], []).append((number, row))
    parsed: list[ParsedOrder] = []
    for ref, members in groups.items():
        rows = [n for n, _ in members]
        first = members[0][1]
        clash = False
        for number, row in members[1:]:
            for key in (*ORDER_FIELDS, "buyer_tax_id"):
                if row[key] and row[key] != first[key]:
                    errors.append(RowError(number, key, "same-within-order", f"differs from line {rows[0]}"))
                    clash = True
        if clash:
            continue
        try:
            order = OrderIn.model_validate(_order_dict(ref, first, [r for _, r in members]))
        except PydanticError as exc:
            for e in exc.errors():
                line, column = column_for(".".join(str(p) for p in e["loc"]), rows)
                errors.append(RowError(line, column, rule_name(e["type"]), e["msg"]))
            continue
        parsed.append(ParsedOrder(ref, rows, order))
    return parsed, errors


def errors_from(violations: list[Violation], rows: list[int]) -> list[RowError]:
    out = []
    for v in violations:
        line, column = column_for(v.field.lstrip("/").replace("/", "."), rows)
        out.append(RowError(line, column, v.rule, v.message))
    return out

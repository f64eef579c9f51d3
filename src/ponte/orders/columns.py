"""The tables and columns of Ponte's orders dataset, one schema each, and how a table is held to it."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ponte.kernel.errors import ValidationError
from ponte.kernel.languages import LANGUAGES

__all__ = ["COMPANIONS", "REQUIRED", "SCHEMAS", "companion", "conform", "fail"]

_DEC = pa.decimal128(18, 2)
_DEC6 = pa.decimal128(24, 6)
_TS = pa.timestamp("us", tz="UTC")
_TITLES = pa.struct([(lang, pa.string()) for lang in LANGUAGES])

#: Column name, type, required (a required column must exist and have no nulls).
_TABLES: dict[str, list[tuple[str, pa.DataType, bool]]] = {
    "orders": [
        ("id", pa.string(), True),
        ("tenant_id", pa.string(), True),
        ("external_ref", pa.string(), True),
        ("channel", pa.string(), False),
        ("direction", pa.string(), True),
        ("trade_mode", pa.string(), True),
        ("buyer_id", pa.string(), True),
        ("destination", pa.string(), True),
        ("destination_region", pa.string(), False),
        ("currency", pa.string(), True),
        ("goods_value", _DEC, False),
        ("freight", _DEC, False),
        ("insurance", _DEC, False),
        ("discount", _DEC, False),
        ("total", _DEC, False),
        ("weight_kg", pa.decimal128(18, 3), False),
        ("line_count", pa.int32(), False),
        ("status", pa.string(), False),
        ("live_session_id", pa.string(), False),
        ("placed_at", _TS, True),
        ("paid_at", _TS, False),
        ("payment_ref", pa.string(), False),
        ("paid_amount", _DEC, False),
        ("payment_company", pa.string(), False),
    ],
    "lines": [
        ("order_id", pa.string(), True),
        ("tenant_id", pa.string(), False),
        ("line_no", pa.int32(), True),
        ("product_id", pa.string(), True),
        ("sku", pa.string(), True),
        ("hs_code", pa.string(), True),
        ("origin_country", pa.string(), True),
        ("quantity", pa.int32(), True),
        ("unit_price", _DEC6, True),
        ("line_total", _DEC, False),
        ("weight_kg", pa.decimal128(18, 3), False),
    ],
    "products": [
        ("id", pa.string(), True),
        ("tenant_id", pa.string(), True),
        ("sku", pa.string(), True),
        ("titles", _TITLES, True),
        ("category", pa.string(), True),
        ("direction", pa.string(), True),
        ("hs_code", pa.string(), True),
        ("origin_country", pa.string(), True),
        ("weight_kg", pa.decimal128(18, 3), True),
        ("length_cm", _DEC, True),
        ("width_cm", _DEC, True),
        ("height_cm", _DEC, True),
        ("price", _DEC6, True),
        ("currency", pa.string(), True),
        ("cn_code", pa.string(), False),
        ("cn_name", pa.string(), False),
        ("cn_elements", pa.string(), False),
        ("cn_unit", pa.string(), False),
        ("cn_unit1", pa.string(), False),
        ("cn_qty1", _DEC6, False),
        ("cn_unit2", pa.string(), False),
        ("cn_qty2", _DEC6, False),
        ("cn_record_no", pa.string(), False),
        ("barcode", pa.string(), False),
        ("tariff_codes", pa.string(), False),  # JSON object: market -> tariff line
        ("battery", pa.string(), False),
        ("battery_packing", pa.string(), False),
        ("battery_wh", _DEC6, False),
        ("lithium_g", _DEC6, False),
        ("dry_ice_kg", _DEC6, False),
        ("perishable", pa.bool_(), False),
        ("temperature", pa.string(), False),
    ],
    "buyers": [
        ("id", pa.string(), True),
        ("tenant_id", pa.string(), False),
        ("country", pa.string(), True),
        ("kind", pa.string(), False),
        ("name", pa.string(), True),
        ("tax_id_kind", pa.string(), True),
        ("tax_id", pa.string(), True),
        ("phone", pa.string(), False),
        ("email", pa.string(), False),
        ("street", pa.string(), True),
        ("city", pa.string(), True),
        ("region", pa.string(), False),
        ("postal_code", pa.string(), False),
    ],
    "sellers": [
        ("id", pa.string(), True),
        ("name", pa.string(), True),
        ("name_en", pa.string(), False),
        ("kind", pa.string(), False),
        ("uscc", pa.string(), False),
        ("categories", pa.list_(pa.string()), False),
    ],
}
SCHEMAS: dict[str, pa.Schema] = {
    name: pa.schema([pa.field(n, t, nullable=not req) for n, t, req in cols])
    for name, cols in _TABLES.items()
}
REQUIRED: dict[str, tuple[str, ...]] = {
    name: tuple(n for n, _, req in cols if req) for name, cols in _TABLES.items()
}
#: Tables beside the orders file, each in a file of its own.
COMPANIONS = ("lines", "products", "buyers", "sellers")


def companion(path: Path, name: str) -> Path:
    """``orders.parquet`` for ``orders``, ``orders.lines.parquet`` for ``lines`` …"""
    if name == "orders":
        return path
    return path.with_name(f"{path.with_suffix('').name}.{name}{path.suffix}")


def fail(path: Path, message: str, column: str = "", rule: str = "dataset") -> ValidationError:
    field = f"{path.name}/{column}" if column else path.name
    return ValidationError(f"{path.name}: {message}", field=field, rule=rule)


def _unflatten(table: pa.Table) -> pa.Table:
    """CSV columns back to the dataset's nested ones (title_<lang> → titles, a|b → list)."""
    title_cols = [f"title_{lang}" for lang in LANGUAGES]
    if "titles" not in table.column_names and any(c in table.column_names for c in title_cols):
        arrays = [
            table[c].cast(pa.string()) if c in table.column_names else pa.nulls(table.num_rows, pa.string())
            for c in title_cols
        ]
        titles = pa.StructArray.from_arrays(
            [pa.concat_arrays(a.chunks) if isinstance(a, pa.ChunkedArray) else a for a in arrays],
            names=list(LANGUAGES),
        )
        table = table.drop_columns([c for c in title_cols if c in table.column_names]).append_column(
            "titles", titles
        )
    return table


def conform(name: str, table: pa.Table, path: Path | None = None) -> pa.Table:
    """The table in the dataset's schema: columns in order, each cast to its type; optional columns that
    are absent become nulls. A missing required column or a value of the wrong type is an error."""
    where = path or Path(f"orders.{name}")
    schema = SCHEMAS[name]
    table = _unflatten(table)
    columns = []
    for f in schema:
        if f.name not in table.column_names:
            if f.name in REQUIRED[name]:
                raise fail(where, f"lacks the column {f.name!r}", f.name, "required-columns")
            columns.append(pa.nulls(table.num_rows, f.type))
            continue
        col = table[f.name]
        if pa.types.is_list(f.type) and pa.types.is_string(col.type):
            col = pc.split_pattern(col, "|")
        try:
            columns.append(col.cast(f.type))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
            raise fail(
                where,
                f"column {f.name!r} is {col.type}, not {f.type} ({str(exc).splitlines()[0]})",
                f.name,
                "type",
            ) from None
    return pa.table(columns, schema=pa.schema([pa.field(f.name, f.type) for f in schema]))

"""Ponte's orders dataset: the files ``ponte simulate`` and ``ponte export`` write and every command that
takes orders reads (``ponte process``, ``declare``, ``consolidate``, ``quote --batch``, ``fulfil``).

An orders file (``orders.parquet`` or ``orders.csv``) has companions beside it, one per table:
``orders.lines.parquet``, ``orders.products.parquet``, ``orders.buyers.parquet``,
``orders.sellers.parquet`` (and, from the simulator, ``booths`` and ``sessions``). Each table has one
schema (``SCHEMAS``); a file is read against it, so a binary, corrupt or wrong-columns file is an error
naming the file, the column and the rule, and a row with a bad value is reported with its order, never
stopping the others (``records``).

CSV has no nested values: ``titles`` travels as ``title_<lang>`` columns and lists as ``a|b``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ponte.accounts.core import Seller
from ponte.catalog.core import (
    ChinaCustoms,
    Handling,
    LegalQuantity,
    Product,
    check_china_customs,
    check_handling,
)
from ponte.kernel.errors import PonteError, ValidationError, Violation
from ponte.kernel.languages import LANGUAGES
from ponte.kernel.measures import Box, Weight
from ponte.orders.core import Address, Buyer, Line, Order, Payment

__all__ = [
    "COMPANIONS",
    "SCHEMAS",
    "Rejected",
    "companion",
    "conform",
    "read_tables",
    "records",
    "write_tables",
]

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
FORMATS = (".parquet", ".csv")


def companion(path: Path, name: str) -> Path:
    """``orders.parquet`` for ``orders``, ``orders.lines.parquet`` for ``lines`` …"""
    if name == "orders":
        return path
    return path.with_name(f"{path.with_suffix('').name}.{name}{path.suffix}")


def _fail(path: Path, message: str, column: str = "", rule: str = "dataset") -> ValidationError:
    field = f"{path.name}/{column}" if column else path.name
    return ValidationError(f"{path.name}: {message}", field=field, rule=rule)


def _read_file(path: Path, name: str) -> pa.Table:
    if not path.is_file():
        raise _fail(path, "does not exist (an orders file needs its companions beside it)", rule="readable")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        try:
            return pq.read_table(path)
        except (OSError, pa.ArrowException) as exc:
            raise _fail(path, f"is not a Parquet file ({exc})", rule="parquet") from None
    if suffix == ".csv":
        types = {
            n: t
            for n, t in zip(SCHEMAS[name].names, SCHEMAS[name].types, strict=True)
            if n not in ("titles",)
        }
        csv_types = {
            n: (pa.string() if pa.types.is_list(t) or pa.types.is_timestamp(t) else t)
            for n, t in types.items()
        }
        csv_types.update({f"title_{lang}": pa.string() for lang in LANGUAGES})
        try:
            return pacsv.read_csv(
                path,
                convert_options=pacsv.ConvertOptions(column_types=csv_types, strings_can_be_null=True),
            )
        except (OSError, pa.ArrowException, UnicodeDecodeError) as exc:
            raise _fail(
                path, f"is not a CSV file of this table ({str(exc).splitlines()[0]})", rule="csv"
            ) from None
    raise _fail(path, "give a .parquet or .csv orders file", rule="file-type")


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
                raise _fail(where, f"lacks the column {f.name!r}", f.name, "required-columns")
            columns.append(pa.nulls(table.num_rows, f.type))
            continue
        col = table[f.name]
        if pa.types.is_list(f.type) and pa.types.is_string(col.type):
            col = pc.split_pattern(col, "|")
        elif pa.types.is_timestamp(f.type) and pa.types.is_string(col.type):
            col = pc.cast(
                pc.strptime(col, format="%Y-%m-%dT%H:%M:%S%z", unit="us", error_is_null=False), f.type
            )
        try:
            columns.append(col.cast(f.type))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
            raise _fail(
                where,
                f"column {f.name!r} is {col.type}, not {f.type} ({str(exc).splitlines()[0]})",
                f.name,
                "type",
            ) from None
    return pa.table(columns, schema=pa.schema([pa.field(f.name, f.type) for f in schema]))


def read_tables(path: Path) -> dict[str, pa.Table]:
    """The orders file and its companions, each checked against its schema."""
    if path.suffix.lower() not in FORMATS:
        raise _fail(path, "give a .parquet or .csv orders file", rule="file-type")
    out = {}
    for name in ("orders", *COMPANIONS):
        p = companion(path, name)
        out[name] = conform(name, _read_file(p, name), p)
    return out


def _flat(table: pa.Table) -> pa.Table:
    cols, names = [], []
    for name, col in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_struct(col.type):
            for f in col.type:
                cols.append(pc.struct_field(col, f.name))
                names.append(f"title_{f.name}" if name == "titles" else f"{name}_{f.name}")
        elif pa.types.is_list(col.type):
            cols.append(pa.chunked_array([pc.binary_join(c, "|") for c in col.chunks], pa.string()))
            names.append(name)
        else:
            cols.append(col)
            names.append(name)
    return pa.table(cols, names=names)


def write_tables(tables: dict[str, pa.Table], path: Path) -> dict[str, Path]:
    """Write the tables beside ``path`` (each under a temporary name, then renamed into place)."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValidationError("--out must end in .parquet or .csv", field="out", rule="file-format")
    path.parent.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, table in tables.items():
        target = companion(path, name)
        if name in SCHEMAS:
            table = conform(name, table, target)
        tmp = target.with_name(target.name + ".part")
        if suffix == ".parquet":
            pq.write_table(table, tmp, compression="zstd", row_group_size=256_000)
        else:
            pacsv.write_csv(_flat(table), tmp)
        tmp.replace(target)
        written[name] = target
    return written


@dataclass(frozen=True)
class Rejected:
    """An order of the dataset that cannot be read, with every reason."""

    order_id: str
    problems: list[Violation]


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def product_record(r: dict[str, Any]) -> Product:
    """A products row as the catalogue's record; raises naming the column of a bad value."""
    china = None
    if r.get("cn_code"):
        second = None
        if r.get("cn_unit2"):
            second = LegalQuantity(r["cn_unit2"], _dec(r.get("cn_qty2")) or Decimal(0))
        china = ChinaCustoms(
            code=r["cn_code"],
            name=r.get("cn_name") or "",
            elements=r.get("cn_elements") or "",
            unit=r.get("cn_unit") or "",
            first=LegalQuantity(r.get("cn_unit1") or "", _dec(r.get("cn_qty1")) or Decimal(0)),
            second=second,
            record_no=r.get("cn_record_no"),
            barcode=r.get("barcode"),
        )
    handling = Handling(
        battery=r.get("battery"),
        battery_packing=r.get("battery_packing"),
        battery_wh=_dec(r.get("battery_wh")),
        lithium_g=_dec(r.get("lithium_g")),
        dry_ice_kg=_dec(r.get("dry_ice_kg")),
        perishable=bool(r.get("perishable")),
        temperature=r.get("temperature") or "ambient",
    )
    problems = check_handling(handling, "handling")
    if china is not None:
        problems += check_china_customs(china, r["hs_code"], "china")
    try:
        tariff_codes = json.loads(r.get("tariff_codes") or "{}")
        if not isinstance(tariff_codes, dict):
            raise ValueError
    except ValueError:
        problems.append(Violation("tariff_codes", "json-object", 'a JSON object like {"BR": "85183000"}'))
        tariff_codes = {}
    if problems:
        raise ValidationError.of(problems)
    try:
        weight = Weight(r["weight_kg"])
        box = Box(r["length_cm"], r["width_cm"], r["height_cm"])
    except ValueError as exc:
        raise ValidationError(str(exc), field="weight_kg", rule="positive") from None
    return Product(
        id=r["id"],
        tenant_id=r["tenant_id"],
        sku=r["sku"],
        titles={k: v for k, v in (r["titles"] or {}).items() if v},
        category=r["category"],
        direction=r["direction"],
        hs_code=r["hs_code"],
        origin_country=r["origin_country"],
        weight=weight,
        box=box,
        price=r["price"],
        currency=r["currency"],
        china=china,
        handling=handling,
        tariff_codes={str(k).upper(): str(v) for k, v in tariff_codes.items()},
    )


def _missing(table: str, row: dict[str, Any]) -> list[Violation]:
    return [
        Violation(f"{table}.{c}", "required", f"{c} is empty") for c in REQUIRED[table] if row.get(c) is None
    ]


def records(tables: dict[str, pa.Table]) -> Iterator[Order | Rejected]:
    """Every order of the dataset as its record, or as a ``Rejected`` with its reasons."""
    products: dict[str, Product | ValidationError] = {}
    for r in tables["products"].to_pylist():
        try:
            products[r["id"]] = product_record(r)
        except (PonteError, TypeError, ArithmeticError) as exc:
            products[r["id"]] = (
                exc if isinstance(exc, ValidationError) else ValidationError(str(exc), field="products")
            )
    buyers = {b["id"]: b for b in tables["buyers"].to_pylist()}
    sellers = {s["id"]: s for s in tables["sellers"].to_pylist()}
    lines: dict[str, list[dict[str, Any]]] = {}
    for ln in tables["lines"].to_pylist():
        lines.setdefault(ln["order_id"], []).append(ln)
    for o in tables["orders"].to_pylist():
        order_id = o.get("id") or "?"
        problems = _missing("orders", o)
        own = sorted(lines.get(order_id, []), key=lambda ln: ln["line_no"] or 0)
        if not own:
            problems.append(Violation("lines", "one-line-at-least", "the order has no lines"))
        built = []
        for i, ln in enumerate(own):
            problems += [
                Violation(f"lines[{i}].{v.field.split('.', 1)[1]}", v.rule, v.message)
                for v in _missing("lines", ln)
            ]
            product = products.get(ln["product_id"])
            if product is None:
                problems.append(
                    Violation(f"lines[{i}].product_id", "known-product", f"no product {ln['product_id']!r}")
                )
                continue
            if isinstance(product, ValidationError):
                problems += [
                    Violation(f"lines[{i}].product.{v.field}", v.rule, v.message) for v in product.violations
                ]
                continue
            if (ln["quantity"] or 0) <= 0:
                problems.append(Violation(f"lines[{i}].quantity", "positive", "must be 1 or more"))
                continue
            built.append(
                Line(
                    line_no=ln["line_no"],
                    sku=ln["sku"],
                    description=product.title("en"),
                    quantity=ln["quantity"],
                    unit_price=ln["unit_price"],
                    hs_code=ln["hs_code"],
                    origin_country=ln["origin_country"],
                    product=product,
                )
            )
        b = buyers.get(o.get("buyer_id"))
        if b is None:
            problems.append(Violation("buyer_id", "known-buyer", f"no buyer {o.get('buyer_id')!r}"))
        else:
            problems += _missing("buyers", b)
        s = sellers.get(o.get("tenant_id"))
        if s is None:
            problems.append(Violation("tenant_id", "known-seller", f"no seller {o.get('tenant_id')!r}"))
        if problems:
            yield Rejected(order_id, problems)
            continue
        assert b is not None and s is not None
        payment = None
        if o.get("paid_at") is not None and o.get("payment_ref"):
            payment = Payment(
                transaction_id=o["payment_ref"],
                paid_at=o["paid_at"],
                amount=o["paid_amount"] if o.get("paid_amount") is not None else Decimal(0),
                currency=o["currency"],
                company_code=o.get("payment_company") or "",
            )
        yield Order(
            id=order_id,
            tenant_id=o["tenant_id"],
            external_ref=o["external_ref"],
            channel=o.get("channel") or "csv",
            direction=o["direction"],
            trade_mode=o["trade_mode"],
            destination=o["destination"],
            destination_region=o.get("destination_region"),
            currency=o["currency"],
            freight=o.get("freight") or Decimal(0),
            insurance=o.get("insurance") or Decimal(0),
            discount=o.get("discount") or Decimal(0),
            placed_at=o["placed_at"],
            status=o.get("status") or "placed",
            buyer=Buyer(
                id=b["id"],
                kind=b.get("kind") or "individual",
                name=b["name"],
                tax_id_kind=b["tax_id_kind"],
                tax_id=b["tax_id"],
                address=Address(
                    line1=b["street"],
                    city=b["city"],
                    country=b["country"],
                    postal_code=b.get("postal_code") or "",
                    region=b.get("region"),
                ),
                phone=b.get("phone"),
                email=b.get("email"),
            ),
            seller=Seller(tenant_id=s["id"], name=s["name"], uscc=s.get("uscc") or ""),
            lines=tuple(built),
            payment=payment,
            live_session_id=o.get("live_session_id"),
        )

"""Parcels from files: a parcel file (CSV or Parquet, read with pyarrow against ``parcels.SCHEMA``) or Ponte's
orders dataset (each air order through ``parcel_for``). A file that cannot be read, or lacks a required column,
is an error naming the file, the column and the rule; a bad row is a reject and the others go on."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ponte.kernel.errors import PonteError, ValidationError
from ponte.logistics.awb import AwbStock, StockRange
from ponte.logistics.errors import LogisticsError
from ponte.logistics.intake import table_from_parcels
from ponte.logistics.lots import numbers
from ponte.logistics.network import Lanes
from ponte.logistics.packing import parcel_for
from ponte.logistics.parcels import REQUIRED, SCHEMA, ParcelBatch, Reject
from ponte.logistics.plan import Rules
from ponte.logistics.planning import plan_batch
from ponte.logistics.rating import RateCard, parse_rate_cards
from ponte.logistics.schedule import Schedule, parse_schedule_csv
from ponte.logistics.shipping import OrderParcel
from ponte.logistics.summary import assignment_table
from ponte.logistics.uld import Flight
from ponte.orders.dataset import Rejected, companion, read_tables, records

__all__ = [
    "AIR_MODES",
    "is_orders_dataset",
    "parcels_from_orders",
    "plan_file",
    "rate_cards_file",
    "read_parcel_file",
    "schedule_file",
    "write_assignments",
]

#: Trade modes whose order flies as its own parcel (9610 direct e-commerce, 9710 B2B direct export); the others
#: leave an overseas or bonded warehouse stocked in bulk.
AIR_MODES = ("9610", "9710")


def _fail(path: Path, message: str, column: str = "", rule: str = LogisticsError.READABLE) -> ValidationError:
    return ValidationError(
        f"{path.name}: {message}", field=f"{path.name}/{column}" if column else path.name, rule=rule
    )


def is_orders_dataset(path: Path) -> bool:
    """An orders file has its lines beside it (``orders.lines.parquet``)."""
    return companion(path, "lines").is_file()


def read_parcel_file(path: Path) -> pa.Table:
    """The parcel file as the parcel table: decimals exact, times with their offset, optional columns null."""
    if not path.is_file():
        raise _fail(path, "does not exist")
    suffix = path.suffix.lower()
    strings = {f.name: pa.string() for f in SCHEMA}
    try:
        if suffix == ".csv":
            raw = pacsv.read_csv(
                path,
                convert_options=pacsv.ConvertOptions(column_types=strings, strings_can_be_null=True),
            )
        elif suffix == ".parquet":
            raw = pq.read_table(path)
        else:
            raise _fail(path, "give a .csv or .parquet parcel file", rule=LogisticsError.FILE_TYPE)
    except (OSError, pa.ArrowException, UnicodeDecodeError) as exc:
        raise _fail(path, f"cannot be read ({str(exc).splitlines()[0]})") from None
    missing = [c for c in REQUIRED if c not in raw.column_names]
    if missing:
        raise _fail(path, f"lacks the column {missing[0]!r}", missing[0], LogisticsError.COLUMNS)
    cols = []
    for f in SCHEMA:
        if f.name not in raw.column_names:
            cols.append(pa.nulls(raw.num_rows, f.type))
            continue
        col = raw[f.name]
        if pa.types.is_timestamp(f.type) and not pa.types.is_timestamp(col.type):
            col = pc.strptime(
                pc.utf8_trim_whitespace(col.cast(pa.string())),
                format="%Y-%m-%dT%H:%M:%S%z",
                unit="s",
                error_is_null=True,
            )
        elif pa.types.is_decimal(f.type) and not pa.types.is_decimal(col.type):
            col = _decimals(col.cast(pa.string()), f.type)
        try:
            cols.append(col.cast(f.type))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
            raise _fail(
                path,
                f"column {f.name!r} is {col.type}, not {f.type} ({str(exc).splitlines()[0]})",
                f.name,
                LogisticsError.NUMBER,
            ) from None
    return pa.table(cols, schema=SCHEMA)


def _decimals(col: pa.ChunkedArray, to: pa.DataType) -> pa.ChunkedArray:
    """Numbers written as text to exact decimals; text that is not a plain decimal number becomes null (and
    its row a reject), never a float."""
    text = pc.utf8_trim_whitespace(col)
    try:
        return text.cast(to)  # the common case: every value is a plain decimal
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    ok = pc.match_substring_regex(text, r"^[+-]?(\d{1,13})(\.\d{1,4})?$")
    kept = pc.if_else(pc.fill_null(ok, False), text, pa.scalar(None, pa.string()))
    return kept.cast(to)


def parcels_from_orders(path: Path, lanes: Lanes) -> tuple[pa.Table, list[Reject], list[OrderParcel]]:
    """The air orders of an orders dataset as the parcel table (one parcel per order), with every order that
    cannot be read or packed as a reject, and the parcel records."""
    tables = read_tables(path)
    parcels: list[OrderParcel] = []
    rejects: list[Reject] = []
    for row, record in enumerate(records(tables)):
        if isinstance(record, Rejected):
            for v in record.problems:
                rejects.append(Reject(row, record.order_id, f"orders[{row}].{v.field}", v.rule, v.message))
            continue
        if record.trade_mode not in AIR_MODES:
            rejects.append(
                Reject(
                    row,
                    record.id,
                    f"orders[{row}].trade_mode",
                    LogisticsError.NOT_AN_AIR_PARCEL,
                    f"trade mode {record.trade_mode} leaves a warehouse, not by air parcel",
                )
            )
            continue
        try:
            parcels.append(parcel_for(record, lanes=lanes))
        except PonteError as exc:
            for v in exc.violations or []:
                rejects.append(Reject(row, record.id, f"orders[{row}].{v.field}", v.rule, v.message))
    return table_from_parcels(parcels), rejects, parcels


def plan_file(
    path: Path,
    flights_from: Callable[[int, int], Sequence[Flight]],
    stock_ranges: Sequence[tuple[str, int, int]],
    lanes: Lanes,
    detail: bool = True,
    out: Path | None = None,
    rules: Rules | None = None,
    prefer: str | None = None,
) -> dict[str, Any]:
    """Plan a parcel file or an orders dataset without a database (``ponte consolidate``): masters come from
    the ranges given, in memory. ``flights_from`` gets the earliest and latest ready times (epoch seconds)."""
    if out is not None and out.suffix.lower() not in (".parquet", ".csv"):
        raise ValidationError(
            "--out must end in .parquet or .csv", field="out", rule=LogisticsError.FILE_TYPE
        )
    if prefer is not None:
        rules = replace(rules or Rules(), prefer=prefer)
    records: list[OrderParcel] = []
    if is_orders_dataset(path):
        table, rejects, records = parcels_from_orders(path, lanes)
    else:
        table, rejects = read_parcel_file(path), []
    batch, bad = ParcelBatch.from_table(table)
    del table  # the batch holds what planning needs: the file's columns go before the plan is made
    rejects = [*rejects, *bad]
    stock = None
    if stock_ranges:
        stock = AwbStock()
        for prefix, lo, hi in stock_ranges:
            stock.add_range(StockRange(prefix, lo, hi))
    first = int(batch.ready.min()) if len(batch) else int(datetime.now(UTC).timestamp())
    last = int(batch.ready.max()) if len(batch) else first
    planned = plan_batch(
        batch, flights_from(first, last), stock, rejects, rules=rules, detail=detail and out is None
    )
    by_id = {p.id: p for p in records}
    if out is not None:
        table = assignment_table(planned.plan, planned.lots, numbers(planned.lots, planned.masters))
        write_assignments(_exact_weights(table, by_id), out)
        planned.summary["assignments_file"] = str(out)
    elif "assignments" in planned.summary:
        rows = planned.summary["assignments"]
        for a in rows:
            parcel = by_id.get(a["parcel"])
            a["net_kg"] = str(parcel.net.kg) if parcel is not None else a["gross_kg"]
            if parcel is not None:
                a["gross_kg"] = str(parcel.gross.kg)
    return planned.summary


def _exact_weights(table: pa.Table, by_id: Mapping[str, OrderParcel]) -> pa.Table:
    """The exact weights of an order's parcel (customs declare them); a parcel file states its gross only."""
    if not by_id:
        return table.append_column("net_kg", table["gross_kg"])
    gross, net = [], []
    for pid, planned in zip(table["parcel"].to_pylist(), table["gross_kg"].to_pylist(), strict=True):
        parcel = by_id.get(pid)
        gross.append(str(parcel.gross.kg) if parcel is not None else planned)
        net.append(str(parcel.net.kg) if parcel is not None else planned)
    at = table.column_names.index("gross_kg")
    table = table.set_column(at, "gross_kg", pa.array(gross, pa.string()))
    return table.append_column("net_kg", pa.array(net, pa.string()))


def _text(path: Path, what: str) -> str:
    if not path.is_file():
        raise _fail(path, f"does not exist ({what})")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(path, f"cannot be read ({exc})") from None


def schedule_file(path: Path) -> Schedule:
    """A forwarder's schedule file (SSIM-like CSV, ``logistics.schedule``)."""
    return parse_schedule_csv(_text(path, "a schedule CSV"), path.name)


def rate_cards_file(path: Path) -> list[RateCard]:
    """A forwarder's rate cards (YAML or JSON in the shape of ``data/rate_cards.yaml``)."""
    return parse_rate_cards(_text(path, "rate cards"), path.name)


def write_assignments(cols: Mapping[str, Sequence[Any]] | pa.Table, out: Path) -> None:
    """Every placed parcel's assignment as a table (Parquet or CSV), written under a temporary name first."""
    table = (
        cols
        if isinstance(cols, pa.Table)
        else pa.table({name: pa.array(list(values), pa.string()) for name, values in cols.items()})
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    if out.suffix.lower() == ".parquet":
        pq.write_table(table, tmp, compression="zstd")
    else:
        pacsv.write_csv(table, tmp)
    tmp.replace(out)

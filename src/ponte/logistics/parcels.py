"""Parcels as a validated column batch (numpy), so that a million of them can be planned quickly.

The ONE parcel intake: every way parcels come in (an order's ``OrderParcel``, the API's JSON rows, a CSV or
Parquet parcel file, Ponte's orders dataset through ``parcel_for``) becomes an Arrow table of ``SCHEMA`` with exact
decimals, and ``ParcelBatch.from_table`` validates it column by column: a bad row is a ``Reject`` naming its row,
field and rule, and the others go on. Weights become whole grams (rounded up, never under-stated) and dimensions
whole centimetres (half a centimetre or more up) in integers; floats appear only inside the packer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ponte.kernel.errors import ValidationError
from ponte.logistics.errors import LogisticsError
from ponte.logistics.uld import check_airport, segregation_classes, segregation_code, uld_types

__all__ = [
    "SCHEMA",
    "Parcel",
    "ParcelBatch",
    "Reject",
]

_DEC = pa.decimal128(18, 4)
_TS = pa.timestamp("s", tz="UTC")
#: The parcel table every intake produces (order_id, shipper and segregation may be null).
SCHEMA = pa.schema(
    [
        pa.field("id", pa.string()),
        pa.field("weight_kg", _DEC),
        pa.field("length_cm", _DEC),
        pa.field("width_cm", _DEC),
        pa.field("height_cm", _DEC),
        pa.field("origin", pa.string()),
        pa.field("destination", pa.string()),
        pa.field("ready_at", _TS),
        pa.field("segregation", pa.string()),
        pa.field("shipper", pa.string()),
        pa.field("order_id", pa.string()),
    ]
)
REQUIRED = ("id", "weight_kg", "length_cm", "width_cm", "height_cm", "origin", "destination", "ready_at")


@dataclass(frozen=True)
class Parcel:
    """One parcel given field by field (tests and small callers); it goes through the same table intake."""

    id: str
    weight_kg: Decimal
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal
    origin: str
    destination: str
    ready_at: datetime
    segregation: str = "GEN"
    shipper: str = ""
    order_id: str | None = None


@dataclass(frozen=True, slots=True)
class Reject:
    """A row that cannot be planned: its position in the input, its id, the field and the rule."""

    row: int
    parcel: str
    field: str
    rule: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "parcel": self.parcel,
            "field": self.field,
            "rule": self.rule,
            "message": self.message,
        }


@dataclass
class ParcelBatch:
    """Columns: weight in grams, volume in cm3, sorted dimensions in cm (n x 3), airports and classes as
    indexes into ``airports`` / ``classes``, ready time as UTC epoch seconds."""

    ids: list[str]
    weight_g: np.ndarray
    volume_cm3: np.ndarray
    dims_cm: np.ndarray
    origin: np.ndarray
    dest: np.ndarray
    seg: np.ndarray
    ready: np.ndarray
    airports: list[str]
    classes: list[str]
    shipper: list[str] = field(default_factory=list)
    order_ids: list[str | None] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def cao(self) -> np.ndarray:
        """Per parcel: may fly on freighters only."""
        known = segregation_classes()
        return np.array([known[c].cargo_aircraft_only for c in self.classes], dtype=bool)[self.seg]

    @property
    def priority(self) -> np.ndarray:
        known = segregation_classes()
        return np.array([known[c].priority for c in self.classes], dtype=np.int64)[self.seg]

    @classmethod
    def from_table(cls, table: pa.Table) -> tuple[ParcelBatch, list[Reject]]:
        """Validate the parcel table column by column; bad rows come back as rejects, the rest as the batch."""
        n = table.num_rows
        bad = np.zeros(n, dtype=bool)
        rejects: list[Reject] = []
        ids = table["id"].to_pylist()

        def reject(mask: np.ndarray, name: str, rule: str, message: str) -> None:
            for i in np.nonzero(mask & ~bad)[0].tolist():
                rejects.append(Reject(i, ids[i] or "", f"parcels[{i}].{name}", rule, message))
            bad[mask] = True

        for name in REQUIRED:
            reject(
                _np(pc.is_null(table[name])), name, LogisticsError.REQUIRED, f"{name} is empty or not valid"
            )
        grams = _int(
            pc.ceil(
                pc.multiply(table["weight_kg"].fill_null(0), pa.scalar(Decimal(1000), pa.decimal128(6, 0)))
            )
        )
        reject(grams <= 0, "weight_kg", LogisticsError.POSITIVE, "weight must be greater than zero")
        dims = np.column_stack(
            [
                _int(pc.round(table[c].fill_null(0), 0, round_mode="half_up"))
                for c in ("length_cm", "width_cm", "height_cm")
            ]
        )
        for name in ("length_cm", "width_cm", "height_cm"):
            raw = _np(pc.less_equal(table[name].fill_null(0), pa.scalar(Decimal(0), _DEC)))
            reject(raw, name, LogisticsError.POSITIVE, "dimension must be greater than zero")
        dims = np.maximum(dims, 1)
        dims.sort(axis=1)
        dims = dims[:, ::-1].copy()
        fits_any = np.zeros(n, dtype=bool)
        heaviest = 0
        for t in uld_types().values():
            box = sorted((t.length_cm, t.width_cm, t.height_cm), reverse=True)
            fits_any |= (
                (dims[:, 0] <= box[0])
                & (dims[:, 1] <= box[1])
                & (dims[:, 2] <= box[2])
                & (grams <= t.payload_g)
            )
            heaviest = max(heaviest, t.payload_g)
        reject(
            grams > heaviest, "weight_kg", LogisticsError.FITS_ULD, "parcel is heavier than any ULD can carry"
        )
        reject(
            ~fits_any,
            "length_cm",
            LogisticsError.FITS_ULD,
            "parcel is larger than every ULD type in the catalogue",
        )
        airports: list[str] = []
        codes: dict[str, int] = {}
        index = {}
        for col in ("origin", "destination"):
            uniq, inv = _encode(table[col], "")
            mapped = np.full(len(uniq), -1, dtype=np.int32)
            for j, code in enumerate(uniq):
                if code not in codes:
                    try:
                        check_airport(code)
                    except ValidationError:
                        continue
                    codes[code] = len(airports)
                    airports.append(code)
                mapped[j] = codes[code]
            reject(
                mapped[inv] < 0, col, LogisticsError.IATA_AIRPORT, "not a known 3-letter IATA airport code"
            )
            index[col] = mapped[inv]
        known = segregation_classes()
        written, seg = _encode(table["segregation"], "GEN")
        classes = sorted({segregation_code(c or "GEN") for c in written})
        to_class = np.array([classes.index(segregation_code(c or "GEN")) for c in written], dtype=np.int32)
        seg = to_class[seg] if len(written) else np.zeros(n, dtype=np.int32)
        unknown = np.array([c not in known for c in classes], dtype=bool)
        reject(
            unknown[seg] if n else np.zeros(0, dtype=bool),
            "segregation",
            LogisticsError.SEGREGATION_CLASS,
            f"not a segregation class ({', '.join(known)})",
        )
        dup = np.zeros(n, dtype=bool)
        if n and pc.count_distinct(table["id"]).as_py() < n - int(
            pc.sum(pc.is_null(table["id"])).as_py() or 0
        ):
            seen: set[str] = set()
            for i, pid in enumerate(ids):
                if pid is not None and pid in seen:
                    dup[i] = True
                seen.add(pid)
        reject(dup, "id", LogisticsError.UNIQUE, "parcel id appears twice")
        ready = _int(pc.cast(table["ready_at"].fill_null(0).cast(pa.int64()), pa.int64()))
        keep = np.nonzero(~bad)[0]
        every = len(keep) == n

        def kept(values: list[Any]) -> list[Any]:
            return values if every else [values[i] for i in keep.tolist()]

        # columns nobody filled in stay empty lists (a million Nones is memory for nothing)
        shipper = [] if table["shipper"].null_count == n else kept(table["shipper"].fill_null("").to_pylist())
        orders = [] if table["order_id"].null_count == n else kept(table["order_id"].to_pylist())
        used = sorted({classes[k] for k in np.unique(seg[keep]).tolist()})
        remap = np.array([used.index(c) if c in used else -1 for c in classes], dtype=np.int32)
        batch = cls(
            ids=kept(ids),
            weight_g=grams[keep],
            volume_cm3=dims[keep, 0] * dims[keep, 1] * dims[keep, 2],
            dims_cm=dims[keep],
            origin=index["origin"][keep].astype(np.int32),
            dest=index["destination"][keep].astype(np.int32),
            seg=remap[seg[keep]] if len(keep) else np.zeros(0, dtype=np.int32),
            ready=ready[keep],
            airports=airports,
            classes=used,
            shipper=shipper,
            order_ids=orders,
        )
        rejects.sort(key=lambda r: r.row)
        return batch, rejects

    @classmethod
    def from_columns(
        cls,
        ids: Sequence[str],
        weight_kg: Sequence[float] | np.ndarray,
        dims_cm: Sequence[tuple[float, float, float]] | np.ndarray,
        origin: Sequence[str] | np.ndarray,
        dest: Sequence[str] | np.ndarray,
        seg: Sequence[str] | np.ndarray,
        ready: Sequence[int] | np.ndarray,
        shipper: Sequence[str] | None = None,
    ) -> ParcelBatch:
        """Generated columns (the seeded synthetic batches of benchmarks and tests): through the same table."""
        n = len(ids)
        grams = np.ceil(np.asarray(weight_kg, dtype=np.float64) * 1000 - 1e-9).astype(np.int64)
        d = np.round(np.asarray(dims_cm, dtype=np.float64).reshape(n, 3) * 100).astype(np.int64)
        table = pa.table(
            {
                "id": pa.array(list(ids), pa.string()),
                "weight_kg": _scaled(grams, "0.001"),
                "length_cm": _scaled(d[:, 0], "0.01"),
                "width_cm": _scaled(d[:, 1], "0.01"),
                "height_cm": _scaled(d[:, 2], "0.01"),
                "origin": pa.array(np.asarray(origin).astype(str).tolist(), pa.string()),
                "destination": pa.array(np.asarray(dest).astype(str).tolist(), pa.string()),
                "ready_at": pa.array(np.asarray(ready, dtype=np.int64), pa.int64()).cast(_TS),
                "segregation": pa.array(np.asarray(seg).astype(str).tolist(), pa.string()),
                "shipper": pa.array(list(shipper) if shipper is not None else [""] * n, pa.string()),
                "order_id": pa.nulls(n, pa.string()),
            }
        )
        batch, rejects = cls.from_table(table)
        if rejects:
            first = rejects[0]
            raise ValidationError(first.message, field=first.field, rule=first.rule)
        return batch


def _scaled(values: np.ndarray, unit: str) -> pa.Array:
    """Integers times an exact decimal unit (grams to kilograms, hundredths to units), as the table's decimals."""
    ints = pa.array(np.asarray(values, dtype=np.int64), pa.int64()).cast(pa.decimal128(19, 0))
    return pc.multiply(ints, pa.scalar(Decimal(unit), pa.decimal128(4, 3))).cast(_DEC)


def _encode(column: pa.ChunkedArray, default: str) -> tuple[list[str], np.ndarray]:
    """Upper-cased, trimmed values of a string column as (distinct values, index per row)."""
    values = pc.utf8_upper(pc.utf8_trim_whitespace(column.fill_null(default)))
    if not len(values):
        return [], np.zeros(0, dtype=np.int32)
    encoded = pc.dictionary_encode(values).combine_chunks()
    return encoded.dictionary.to_pylist(), np.asarray(
        encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int32
    )


def _np(arr: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=bool) if len(arr) else np.zeros(0, dtype=bool)


def _int(arr: pa.ChunkedArray | pa.Array) -> np.ndarray:
    if not len(arr):
        return np.zeros(0, dtype=np.int64)
    return np.asarray(arr.cast(pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)

"""Parcels as a validated column batch (numpy) so that a million of them can be planned quickly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import numpy as np

from ponte.kernel.errors import ValidationError, Violation
from ponte.logistics.uld import check_airport, segregation_classes, uld_types


@dataclass(frozen=True)
class Parcel:
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

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_parcels(cls, parcels: Sequence[Parcel]) -> ParcelBatch:
        violations: list[Violation] = []
        for i, p in enumerate(parcels):
            for name in ("weight_kg", "length_cm", "width_cm", "height_cm"):
                value = getattr(p, name)
                if not isinstance(value, Decimal | int) or value <= 0:
                    violations.append(Violation(f"parcels[{i}].{name}", "positive", f"{value!r} must be > 0"))
            if p.ready_at.tzinfo is None:
                violations.append(
                    Violation(f"parcels[{i}].ready_at", "tz-aware", "time must carry a time zone")
                )
        if violations:
            raise ValidationError.of(violations)
        return cls.from_columns(
            ids=[p.id for p in parcels],
            weight_kg=[float(p.weight_kg) for p in parcels],
            dims_cm=[(float(p.length_cm), float(p.width_cm), float(p.height_cm)) for p in parcels],
            origin=[p.origin for p in parcels],
            dest=[p.destination for p in parcels],
            seg=[p.segregation for p in parcels],
            ready=[int(p.ready_at.timestamp()) for p in parcels],
            shipper=[p.shipper for p in parcels],
        )

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
        """Validate and convert columns; the first bad row is named in the error."""
        n = len(ids)
        w = np.asarray(weight_kg, dtype=np.float64)
        d = np.asarray(dims_cm, dtype=np.float64).reshape(n, 3)
        _first_bad(~(w > 0), "weight_kg", "positive", "weight must be greater than zero")
        for k, name in enumerate(("length_cm", "width_cm", "height_cm")):
            _first_bad(~(d[:, k] > 0), name, "positive", "dimension must be greater than zero")
        weight_g = np.ceil(w * 1000 - 1e-9).astype(np.int64)  # grams, never under-stated
        dims = np.floor(d + 0.5).astype(np.int64)  # whole cm, half a cm or more rounds up
        dims = np.maximum(dims, 1)
        dims.sort(axis=1)
        dims = dims[:, ::-1].copy()
        volume = dims[:, 0] * dims[:, 1] * dims[:, 2]
        catalogue = list(uld_types().values())
        fits_any = np.zeros(n, dtype=bool)
        for t in catalogue:
            box = sorted((t.length_cm, t.width_cm, t.height_cm), reverse=True)
            fits_any |= (dims[:, 0] <= box[0]) & (dims[:, 1] <= box[1]) & (dims[:, 2] <= box[2])
            fits_any &= True
        heaviest = max(t.payload_g for t in catalogue)
        _first_bad(
            ~fits_any, "length_cm", "fits-uld", "parcel is larger than every ULD type in the catalogue"
        )
        _first_bad(weight_g > heaviest, "weight_kg", "fits-uld", "parcel is heavier than any ULD can carry")
        o_codes, o_idx = np.unique(np.asarray(origin, dtype=object).astype(str), return_inverse=True)
        d_codes, d_idx = np.unique(np.asarray(dest, dtype=object).astype(str), return_inverse=True)
        airports: list[str] = []
        lookup: dict[str, int] = {}
        for codes, col in ((o_codes, "origin"), (d_codes, "destination")):
            for code in codes:
                if code not in lookup:
                    try:
                        lookup[code] = len(airports)
                        airports.append(check_airport(code, f"parcels.{col}"))
                    except ValidationError as exc:
                        rows = np.asarray(origin if col == "origin" else dest, dtype=object)
                        row = int(np.nonzero(rows.astype(str) == code)[0][0])
                        raise ValidationError(
                            exc.message, field=f"parcels[{row}].{col}", rule=exc.rule
                        ) from None
        known = segregation_classes()
        s_codes, s_idx = np.unique(np.asarray(seg, dtype=object).astype(str), return_inverse=True)
        for code in s_codes:
            if code not in known:
                row = int(np.nonzero(np.asarray(seg, dtype=object).astype(str) == code)[0][0])
                raise ValidationError(
                    f"{code!r} is not a segregation class ({', '.join(known)})",
                    field=f"parcels[{row}].segregation",
                    rule="segregation-class",
                )
        o_map = np.array([lookup[c] for c in o_codes], dtype=np.int32)
        d_map = np.array([lookup[c] for c in d_codes], dtype=np.int32)
        if len(set(ids)) != n:
            seen: set[str] = set()
            for i, pid in enumerate(ids):
                if pid in seen:
                    raise ValidationError(
                        f"parcel id {pid!r} appears twice", field=f"parcels[{i}].id", rule="unique"
                    )
                seen.add(pid)
        return cls(
            ids=list(ids),
            weight_g=weight_g,
            volume_cm3=volume,
            dims_cm=dims,
            origin=o_map[o_idx],
            dest=d_map[d_idx],
            seg=s_idx.astype(np.int32),
            ready=np.asarray(ready, dtype=np.int64),
            airports=airports,
            classes=[str(c) for c in s_codes],
            shipper=list(shipper) if shipper is not None else [""] * n,
        )


def _first_bad(mask: np.ndarray, name: str, rule: str, message: str) -> None:
    if mask.any():
        row = int(np.argmax(mask))
        raise ValidationError(message, field=f"parcels[{row}].{name}", rule=rule)

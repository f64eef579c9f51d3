"""The parcel intake's builders: Python rows (the API's, a test's), parcel records and ``Parcel`` values as the
parcel table ``parcels.SCHEMA``, and the table's valid rows back as parcel records (a forwarder's own parcels)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

import pyarrow as pa

from ponte.kernel.errors import ValidationError, Violation
from ponte.kernel.measures import Box, Weight
from ponte.logistics.parcels import _DEC, _TS, SCHEMA, Parcel, ParcelBatch, Reject
from ponte.logistics.shipping import OrderParcel
from ponte.logistics.uld import segregation_classes, segregation_code

__all__ = ["batch_of", "parcel_records", "table_from_parcels", "table_from_rows"]


def table_from_rows(rows: Sequence[dict[str, object]]) -> pa.Table:
    """Rows of Python values (the API's, a test's) as the parcel table; values that are not of the column's
    type become nulls and are rejected as required, numbers go through ``Decimal`` (never a float)."""
    cols: dict[str, list[object]] = {f.name: [] for f in SCHEMA}
    for r in rows:
        for f in SCHEMA:
            value = r.get(f.name)
            if f.type == _DEC:
                value = _decimal(value)
            elif f.type == _TS:
                value = value if isinstance(value, datetime) and value.utcoffset() is not None else None
            elif value is not None:
                value = str(value)
            cols[f.name].append(value)
    return pa.table({f.name: pa.array(cols[f.name], f.type) for f in SCHEMA}, schema=SCHEMA)


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return None
    try:
        d = Decimal(str(value))
    except ArithmeticError:
        return None
    if not d.is_finite() or abs(d) >= Decimal(10) ** 13:
        return None
    return d.quantize(Decimal("0.0001"))


def table_from_parcels(parcels: Sequence[Parcel | OrderParcel]) -> pa.Table:
    rows: list[dict[str, object]] = []
    for p in parcels:
        if isinstance(p, OrderParcel):
            rows.append(
                {
                    "id": p.id,
                    "weight_kg": p.gross.kg,
                    "length_cm": p.box.length_cm,
                    "width_cm": p.box.width_cm,
                    "height_cm": p.box.height_cm,
                    "origin": p.origin,
                    "destination": p.destination,
                    "ready_at": p.ready_at,
                    "segregation": p.handling_class,
                    "shipper": p.shipper or p.tenant_id,
                    "order_id": p.order_id,
                }
            )
        else:
            rows.append({f.name: getattr(p, f.name) for f in SCHEMA})
    return table_from_rows(rows)


def parcel_records(table: pa.Table, tenant_id: str) -> tuple[list[OrderParcel], list[Reject]]:
    """The parcel table's valid rows as parcel records (to store a forwarder's own parcels), and the rejects.
    A parcel file states its gross weight only: the net weight is taken as the same."""
    batch, rejects = ParcelBatch.from_table(table)
    bad = {r.row for r in rejects}
    known = segregation_classes()
    out: list[OrderParcel] = []
    cols = table.to_pydict()
    for i in range(table.num_rows):
        if i in bad:
            continue
        klass = segregation_code(cols["segregation"][i] or "GEN")
        cls = known[klass]
        weight = Weight(cols["weight_kg"][i])
        out.append(
            OrderParcel(
                id=cols["id"][i],
                order_id=cols["order_id"][i] or "",
                tenant_id=tenant_id,
                gross=weight,
                net=weight,
                box=Box(cols["length_cm"][i], cols["width_cm"][i], cols["height_cm"][i]),
                dangerous_goods="",
                perishable=klass == "PER",
                origin=cols["origin"][i].strip().upper(),
                destination=cols["destination"][i].strip().upper(),
                ready_at=cols["ready_at"][i],
                handling_class=klass,
                shc=tuple(c for c in (cls.shc, "CAO" if cls.cargo_aircraft_only else "") if c),
                cargo_aircraft_only=cls.cargo_aircraft_only,
                shipper=cols["shipper"][i] or "",
            )
        )
    del batch
    return out, rejects


def batch_of(parcels: Sequence[Parcel | OrderParcel]) -> ParcelBatch:
    """All-or-nothing: the parcels as a batch; any bad one is an error naming ``parcels[i].<field>`` and its rule."""
    batch, rejects = ParcelBatch.from_table(table_from_parcels(parcels))
    if rejects:
        raise ValidationError.of([Violation(r.field, r.rule, r.message) for r in rejects])
    return batch

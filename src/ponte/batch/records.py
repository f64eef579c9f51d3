"""The batch's typed records: a partition, the options of a run, and the schemas of every table a stage
passes on or a sink writes (so each output has one schema, whatever ran it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pyarrow as pa

__all__ = [
    "ASSIGNMENT_SCHEMA",
    "CUSTOMS_SCHEMA",
    "FULFILMENT_SCHEMA",
    "PARCEL_SCHEMA",
    "REJECT_SCHEMA",
    "RESULT_SCHEMA",
    "Part",
]

_DEC = pa.decimal128(18, 2)
_KG = pa.decimal128(18, 3)
_TS = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True, order=True)
class Part:
    """One (day, destination) partition: the orders placed on ``day`` (UTC) for ``dest``."""

    day: date
    dest: str

    @property
    def key(self) -> str:
        return f"{self.day.isoformat()}/{self.dest}"

    @property
    def name(self) -> str:
        return f"{self.day.isoformat()}_{self.dest}"


#: How each order ships, from the fulfilment stage.
FULFILMENT_SCHEMA = pa.schema(
    [
        ("order_id", pa.string()),
        ("trade_mode", pa.string()),  # the mode the order ships under (the fulfilment's choice)
        ("fulfilment", pa.string()),  # direct-air-parcel | overseas-warehouse <site> | b2b-direct-export ...
        ("by_air", pa.bool_()),
        ("chosen_by", pa.string()),  # fulfilment: <reason> | trade-mode: <why there was no choice>
    ]
)

#: The parcel of every order that goes on (``logistics.parcel_for``), exact weights as decimals.
PARCEL_SCHEMA = pa.schema(
    [
        ("parcel_id", pa.string()),
        ("order_id", pa.string()),
        ("tenant_id", pa.string()),
        ("shipper", pa.string()),
        ("by_air", pa.bool_()),
        ("gross_kg", _KG),
        ("net_kg", _KG),
        ("length_cm", _DEC),
        ("width_cm", _DEC),
        ("height_cm", _DEC),
        ("handling_class", pa.string()),
        ("dangerous_goods", pa.string()),
        ("perishable", pa.bool_()),
        ("cargo_aircraft_only", pa.bool_()),
        ("shc", pa.list_(pa.string())),
        ("origin", pa.string()),
        ("destination", pa.string()),
        ("ready_at", _TS),
    ]
)

#: Where each air parcel flies: parcel -> bag -> ULD -> flight leg -> house and master waybill.
ASSIGNMENT_SCHEMA = pa.schema(
    [
        ("parcel_id", pa.string()),
        ("order_id", pa.string()),
        ("bag", pa.string()),
        ("uld", pa.string()),
        ("uld_type", pa.string()),
        ("flight", pa.string()),
        ("leg", pa.string()),
        ("legs", pa.string()),  # every leg the ULD flies, space separated (a connection has two)
        ("carrier", pa.string()),
        ("origin", pa.string()),
        ("destination", pa.string()),
        ("departs", _TS),
        ("arrives", _TS),
        ("house", pa.string()),
        ("master", pa.string()),
    ]
)

#: The customs outcome of every order.
CUSTOMS_SCHEMA = pa.schema(
    [
        ("order_id", pa.string()),
        ("customs", pa.string()),  # valid | unsigned | waiting | invalid | not-declared
        ("messages", pa.list_(pa.string())),  # kinds written (CEB303 ...)
        ("signed", pa.list_(pa.string())),  # kinds that carry a signature
        ("unsigned", pa.list_(pa.string())),  # signed kinds written without one (no key given)
        ("problems", pa.list_(pa.string())),  # field: message [rule]
        ("documents", pa.list_(pa.string())),  # destination documents the order needs
    ]
)

#: One row per order: everything the job decided about it.
RESULT_SCHEMA = pa.schema(
    [
        ("order_id", pa.string()),
        ("tenant_id", pa.string()),
        ("placed_on", pa.date32()),
        ("destination", pa.string()),
        ("direction", pa.string()),
        ("trade_mode", pa.string()),
        ("status", pa.string()),  # quote: allowed | blocked | incomplete | error
        ("regime", pa.string()),
        ("treatment", pa.string()),
        ("currency", pa.string()),
        ("goods_value", _DEC),
        ("total_tax", _DEC),
        ("landed_cost", _DEC),
        ("reasons", pa.list_(pa.string())),
        ("fulfilment", pa.string()),
        ("parcel_id", pa.string()),
        ("handling_class", pa.string()),
        ("gross_kg", _KG),
        ("placed", pa.bool_()),
        ("flight", pa.string()),
        ("departs", _TS),
        ("house", pa.string()),
        ("master", pa.string()),
        ("not_shipped", pa.string()),  # why the order has no flight (a reason a person can act on)
        ("customs", pa.string()),
        ("messages", pa.list_(pa.string())),
        ("unsigned", pa.list_(pa.string())),
        ("customs_problems", pa.list_(pa.string())),
        ("documents", pa.list_(pa.string())),
    ]
)

#: An order (or a file) the job could not take, with why.
REJECT_SCHEMA = pa.schema(
    [
        ("order_id", pa.string()),
        ("stage", pa.string()),  # read | quote | parcel | plan | customs
        ("field", pa.string()),
        ("rule", pa.string()),
        ("message", pa.string()),
    ]
)

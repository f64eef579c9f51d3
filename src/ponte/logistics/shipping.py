"""What the other capabilities read of an order's shipment: its parcel and its waybill (pure records).

``parcel_for(order)`` makes the parcel of an order; consolidation books it and gives its waybill; customs
declare both (the logistics number, the gross and net weights, the conveyance and the bill of lading).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ponte.kernel.measures import Box, Weight

__all__ = ["OrderParcel", "Waybill"]


@dataclass(frozen=True, slots=True)
class OrderParcel:
    """One order's parcel, packed: what the airline weighs, measures and segregates."""

    id: str
    order_id: str
    tenant_id: str
    gross: Weight  # goods, packaging and refrigerant
    net: Weight  # goods alone
    box: Box
    dangerous_goods: str  # ``lithium-ion/packed-with`` … or empty for general cargo
    perishable: bool
    origin: str  # IATA airport it leaves from
    destination: str  # IATA airport it flies to
    ready_at: datetime
    pieces: int = 1
    handling_class: str = "GEN"  # segregation class (``logistics.handling``): CAO, PER, RLI, ELI, ICE, GEN …
    shc: tuple[str, ...] = ()  # IATA special-handling codes (ELI, RLI, CAO, PER, COL, ICE …)
    cargo_aircraft_only: bool = False
    dry_ice: Weight = field(default_factory=Weight.zero)
    shipper: str = ""  # who tenders it (the seller); house waybills group parcels by shipper
    goods: str = ""  # goods description for the waybills
    hs_codes: tuple[str, ...] = ()
    notoc: bool = False  # on the captain's notification (fully regulated goods, dry ice)
    declaration: bool = False  # needs a shipper's declaration for dangerous goods


@dataclass(frozen=True, slots=True)
class Waybill:
    """How a parcel travels: its house waybill and, by air, the master waybill and the flight.

    A parcel that leaves a warehouse with a last-mile carrier has that carrier's waybill as ``house`` and
    no master waybill or flight.
    """

    house: str
    carrier: str  # IATA airline or the last-mile carrier's code
    origin: str
    destination: str
    master: str | None = None  # 11-digit AWB, ``784-12345675``
    flight: str | None = None  # ``CZ8401``
    departs: datetime | None = None
    arrives: datetime | None = None

    @property
    def by_air(self) -> bool:
        return self.master is not None

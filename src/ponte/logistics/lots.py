"""Flight lots and house groups of a plan: which parcels travel under which master and house waybill.

Pure. A master waybill covers one lot: the ULDs of one flight leg (from the parcels' origin to their destination)
under the operating carrier's prefix. Inside a lot, parcels of one shipper (the seller who tenders them) share a
house waybill. Numbers are given by the caller (``logistics.service`` issues masters from the AWB stock); house
numbers follow from the master's prefix and serial, so they are unique wherever the master is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from ponte.logistics.awb import AwbNumber
from ponte.logistics.consolidation import Plan
from ponte.logistics.uld import Flight

__all__ = ["House", "Lot", "house_number", "lots_of"]


@dataclass(frozen=True)
class House:
    shipper: str
    parcels: np.ndarray  # parcel indexes of the batch


@dataclass(frozen=True)
class Lot:
    index: int
    flight: Flight
    flight_index: int
    ulds: tuple[int, ...]
    parcels: np.ndarray
    houses: tuple[House, ...]
    legs: tuple[Flight, ...] = ()  # every leg from origin to destination (the first is ``flight``)

    @property
    def carrier(self) -> str:
        return self.flight.carrier

    @property
    def route(self) -> tuple[Flight, ...]:
        return self.legs or (self.flight,)

    @property
    def origin(self) -> str:
        return self.flight.origin

    @property
    def destination(self) -> str:
        return self.route[-1].destination

    @property
    def arrives(self) -> datetime:
        return self.route[-1].arrives


def lots_of(plan: Plan) -> list[Lot]:
    """One lot per route the plan uses (a flight leg, or legs connecting at hubs), in departure order of the
    first leg; houses per shipper, in name order. The master is issued by the first leg's carrier."""
    batch = plan.batch
    routes = [plan.legs(u) for u in range(plan.ulds)]
    used = sorted(set(routes), key=lambda r: (plan.flights[r[0]].departs, [plan.flights[x].key for x in r]))
    route_index = {r: i for i, r in enumerate(used)}
    uld_route = np.array([route_index[r] for r in routes], dtype=np.int64)
    placed = np.nonzero(plan.parcel_uld >= 0)[0]
    route_of = uld_route[plan.parcel_uld[placed]] if len(placed) else np.zeros(0, dtype=np.int64)
    order = np.argsort(route_of, kind="stable")
    members, starts = placed[order], np.searchsorted(route_of[order], np.arange(len(used) + 1))
    if batch.shipper:
        names, shipper_code = np.unique(
            np.asarray(batch.shipper, dtype=object).astype(str), return_inverse=True
        )
    else:
        names, shipper_code = np.array([""]), np.zeros(len(batch), dtype=np.int64)
    out: list[Lot] = []
    for ri, route in enumerate(used):
        parcels = members[starts[ri] : starts[ri + 1]]
        codes = shipper_code[parcels]
        houses = tuple(
            House(str(names[c]) or "-", parcels[codes == c]) for c in np.unique(codes).tolist()
        )  # names are sorted, so houses come in name order
        ulds = tuple(np.nonzero(uld_route == ri)[0].tolist())
        legs = tuple(plan.flights[x] for x in route)
        out.append(Lot(len(out), legs[0], route[0], ulds, parcels, houses, legs if len(legs) > 1 else ()))
    return out


def house_number(master: AwbNumber | None, lot: int, k: int) -> str:
    """The forwarder's house waybill number: ``H`` + the master's prefix and serial + a 3-digit sequence (14 of
    the 16 characters a house number may have; unique wherever the master is); a plan without masters numbers
    its lots instead."""
    if master is not None:
        return f"H{master.prefix}{master.serial}{k + 1:03d}"
    return f"HL{lot + 1:05d}{k + 1:03d}"


def numbers(
    lots: list[Lot], masters: Mapping[int, AwbNumber] | None
) -> dict[int, tuple[str | None, list[str]]]:
    """Per lot: its master number (or None) and the numbers of its houses."""
    out: dict[int, tuple[str | None, list[str]]] = {}
    for lot in lots:
        master = (masters or {}).get(lot.index)
        out[lot.index] = (
            str(master) if master is not None else None,
            [house_number(master, lot.index, k) for k in range(len(lot.houses))],
        )
    return out

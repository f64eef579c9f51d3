"""Flight lots and house groups of a plan: which parcels travel under which master and house waybill.

Pure. A master waybill covers one lot: the ULDs of one flight leg (from the parcels' origin to their destination)
under the operating carrier's prefix. Inside a lot, parcels of one shipper (the seller who tenders them) share a
house waybill. Numbers are given by the caller (``logistics.service`` issues masters from the AWB stock); house
numbers follow from the master's prefix and serial, so they are unique wherever the master is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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

    @property
    def carrier(self) -> str:
        return self.flight.carrier


def lots_of(plan: Plan) -> list[Lot]:
    """One lot per flight the plan uses, in departure order; houses per shipper, in name order."""
    batch = plan.batch
    placed = np.nonzero(plan.parcel_uld >= 0)[0]
    uld_flight = np.asarray(plan.uld_flight, dtype=np.int64)
    flight_of = uld_flight[plan.parcel_uld[placed]] if len(placed) else np.zeros(0, dtype=np.int64)
    order = np.argsort(flight_of, kind="stable")
    members, starts = placed[order], np.searchsorted(flight_of[order], np.arange(len(plan.flights) + 1))
    shippers = np.asarray(batch.shipper if batch.shipper else [""] * len(batch), dtype=object)
    out: list[Lot] = []
    used = sorted(set(plan.uld_flight), key=lambda fi: (plan.flights[fi].departs, plan.flights[fi].key))
    for fi in used:
        parcels = members[starts[fi] : starts[fi + 1]]
        names = shippers[parcels].astype(str) if len(parcels) else np.zeros(0, dtype=str)
        houses = tuple(House(name or "-", parcels[names == name]) for name in sorted(set(names.tolist())))
        ulds = tuple(u for u in range(plan.ulds) if plan.uld_flight[u] == fi)
        out.append(Lot(len(out), plan.flights[fi], fi, ulds, parcels, houses))
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

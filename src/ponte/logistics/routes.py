"""Routes through the flight network: earliest arrival and cheapest itineraries with minimum connection
times, and the allocation of a day's volume over the flights of the coming days within their capacity."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from ponte.kernel.errors import ValidationError
from ponte.logistics.network import min_connection
from ponte.logistics.uld import Flight, check_airport, check_utc


@dataclass(frozen=True)
class Itinerary:
    legs: tuple[Flight, ...]

    @property
    def departs(self) -> datetime:
        return self.legs[0].departs

    @property
    def arrives(self) -> datetime:
        return self.legs[-1].arrives

    @property
    def cost_per_kg(self) -> Decimal:
        return sum((f.cost_per_kg for f in self.legs), Decimal(0))

    @property
    def via(self) -> list[str]:
        return [f.destination for f in self.legs[:-1]]


def _search(
    flights: Sequence[Flight],
    origin: str,
    destination: str,
    ready_at: datetime,
    score: Callable[[tuple[Flight, ...]], Any],
    max_legs: int,
    usable: Callable[[Flight], bool],
    mct: Callable[[str], timedelta],
) -> Itinerary | None:
    origin = check_airport(origin, "origin")
    destination = check_airport(destination, "destination")
    check_utc(ready_at, "ready_at")
    if origin == destination:
        raise ValidationError("origin and destination are the same", field="destination", rule="distinct")
    ordered = sorted((f for f in flights if usable(f)), key=lambda f: f.departs)
    best: dict[int, tuple[Flight, ...]] = {}  # best path ending with flight i (by score)
    for i, f in enumerate(ordered):
        options: list[tuple[Flight, ...]] = []
        if f.origin == origin and f.cutoff >= ready_at:
            options.append((f,))
        for j in range(i):
            path = best.get(j)
            g = ordered[j]
            if (
                path is not None
                and g.destination == f.origin
                and f.origin != destination
                and len(path) < max_legs
                and g.arrives + mct(f.origin) <= f.departs
                and all(leg.origin != f.destination for leg in path)
            ):
                options.append((*path, f))
        if options:
            best[i] = min(options, key=score)
    arrivals = [p for i, p in best.items() if ordered[i].destination == destination]
    return Itinerary(min(arrivals, key=score)) if arrivals else None


def earliest_arrival(
    flights: Sequence[Flight],
    origin: str,
    destination: str,
    ready_at: datetime,
    max_legs: int = 3,
    usable: Callable[[Flight], bool] = lambda f: True,
) -> Itinerary | None:
    return _search(
        flights,
        origin,
        destination,
        ready_at,
        lambda p: (p[-1].arrives, len(p)),
        max_legs,
        usable,
        min_connection,
    )


def cheapest(
    flights: Sequence[Flight],
    origin: str,
    destination: str,
    ready_at: datetime,
    max_legs: int = 3,
    usable: Callable[[Flight], bool] = lambda f: True,
) -> Itinerary | None:
    return _search(
        flights,
        origin,
        destination,
        ready_at,
        lambda p: (sum((f.cost_per_kg for f in p), Decimal(0)), p[-1].arrives),
        max_legs,
        usable,
        min_connection,
    )


@dataclass(frozen=True)
class Demand:
    origin: str
    destination: str
    kg: Decimal
    ready_at: datetime


@dataclass
class Allocation:
    demand: Demand
    itinerary: Itinerary
    kg: Decimal


def allocate(
    demands: Sequence[Demand], flights: Sequence[Flight], share: Decimal = Decimal(1), max_legs: int = 3
) -> tuple[list[Allocation], list[tuple[Demand, Decimal]]]:
    """Greedy earliest-arrival allocation: each demand (in the given order) takes the earliest itinerary with
    room left, as much as its tightest leg allows, until served or no itinerary is left. ``share`` is the part
    of each flight's payload available to this forwarder. Returns allocations and the unserved kilograms."""
    for i, d in enumerate(demands):
        if d.kg <= 0:
            raise ValidationError("demand must be positive", field=f"demands[{i}].kg", rule="positive")
    room = {id(f): f.payload_kg * share for f in flights}
    done: list[Allocation] = []
    left: list[tuple[Demand, Decimal]] = []
    for d in demands:
        need = d.kg
        while need > 0:
            it = earliest_arrival(
                flights, d.origin, d.destination, d.ready_at, max_legs, lambda f: room[id(f)] > 0
            )
            if it is None:
                break
            take = min([need, *(room[id(f)] for f in it.legs)])
            for f in it.legs:
                room[id(f)] -= take
            done.append(Allocation(d, it, take))
            need -= take
        if need > 0:
            left.append((d, need))
    return done, left

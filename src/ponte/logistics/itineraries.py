"""The ways a parcel can fly from its origin to its destination on a set of flight legs: one leg, or two legs
connecting at a hub within its minimum connection time (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ponte.logistics.network import min_connection
from ponte.logistics.plan import Rules
from ponte.logistics.uld import Flight, UldType, uld_types

__all__ = ["Route", "routes_of"]


@dataclass(frozen=True)
class Route:
    """A way from an origin to a destination: one flight leg, or legs connecting at hubs (the same ULD rides
    every leg, so it takes a position of its type and its gross weight on each)."""

    legs: tuple[int, ...]
    origin: str
    destination: str
    cutoff: float
    freighter: bool
    types: tuple[UldType, ...]  # offered on every leg, largest first


def routes_of(flights: list[Flight], rules: Rules, wanted: set[tuple[str, str]] | None = None) -> list[Route]:
    """Direct legs in departure order, then two-leg connections (the second leg leaves at least the hub's minimum
    connection time after the first arrives, and within ``rules.max_connection_hours``) in arrival order; only
    connections for ``wanted`` (origin, destination) pairs that no leg serves directly when given."""
    catalogue = uld_types()
    direct: list[Route] = []
    for fi, f in enumerate(flights):
        types = tuple(
            sorted((catalogue[c] for c, k in f.positions.items() if k > 0), key=lambda t: -t.volume_cm3)
        )
        direct.append(Route((fi,), f.origin, f.destination, f.cutoff.timestamp(), f.freighter, types))
    if not rules.connections:
        return direct
    by_origin: dict[str, list[int]] = {}
    for fi, f in enumerate(flights):
        by_origin.setdefault(f.origin, []).append(fi)
    longest = timedelta(hours=rules.max_connection_hours)
    linked: list[tuple[datetime, datetime, Route]] = []
    for fi, f in enumerate(flights):
        mct = min_connection(f.destination)
        for gi in by_origin.get(f.destination, ()):
            g = flights[gi]
            if g.destination == f.origin or not (f.arrives + mct <= g.departs <= f.arrives + longest):
                continue
            if wanted is not None and (f.origin, g.destination) not in wanted:
                continue
            on_both = set(g.positions) & {c for c, k in f.positions.items() if k > 0}
            types = tuple(t for t in direct[fi].types if t.code in on_both and g.positions[t.code] > 0)
            route = Route(
                (fi, gi), f.origin, g.destination, f.cutoff.timestamp(), f.freighter and g.freighter, types
            )
            linked.append((g.arrives, f.departs, route))
    linked.sort(key=lambda e: (e[0], e[1], e[2].legs))
    routes = [*direct, *(r for _a, _d, r in linked)]
    if rules.prefer == "cost":  # cheapest first by the legs' cost per kg (rate cards: ``costing.priced``)
        routes.sort(
            key=lambda r: (sum(flights[x].cost_per_kg for x in r.legs), flights[r.legs[-1]].arrives, r.legs)
        )
    return routes

"""A consolidation plan (which parcel is in which bag, ULD and flight) and the planner's rules (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ponte.kernel.errors import ValidationError
from ponte.logistics.parcels import ParcelBatch
from ponte.logistics.uld import Flight, bag_types

__all__ = ["Plan", "Rules"]


@dataclass(frozen=True)
class Rules:
    bag_type: str = "BAG30"
    uld_volume_utilisation: float = 0.95  # soft bags never fill a ULD's volume completely
    exact_max_items: int = 40  # groups up to this many bags are re-packed with CP-SAT
    exact_seconds: float = 0.2
    exact_budget_seconds: float = 2.0
    mixed_tail: float = 0.15  # share of the smallest parcels kept back to top up each ULD
    connections: bool = True  # plan two-leg connections through hubs
    max_connection_hours: float = 36.0  # longest wait at a hub between two legs
    connect_direct_lanes: bool = True  # connections also for lanes a direct leg serves (when it is full)
    any_flights_bound_seconds: float = 1.0  # time for the bound that does not depend on the flights chosen
    prefer: str = "earliest"  # "earliest": direct legs by departure, then connections; "cost": cheapest route

    def __post_init__(self) -> None:
        if self.prefer not in ("earliest", "cost"):
            raise ValidationError("earliest or cost", field="prefer", rule="one-of")


@dataclass
class Plan:
    batch: ParcelBatch
    flights: list[Flight]
    parcel_uld: np.ndarray  # ULD index per parcel, -1 = not placed
    parcel_bag: np.ndarray  # bag index per parcel, -1 = loose in its ULD or not placed
    uld_flight: list[int] = field(default_factory=list)  # the first leg of each ULD
    uld_legs: list[tuple[int, ...]] = field(default_factory=list)  # every leg of each ULD, in flying order
    uld_type: list[str] = field(default_factory=list)
    uld_class: list[int] = field(default_factory=list)
    bag_uld: list[int] = field(default_factory=list)
    unplaced_reason: dict[int, str] = field(default_factory=dict)  # parcel index -> reason
    lower_bound_ulds: int = 0
    lower_bound_bags: int = 0
    # the fewest ULDs of any plan carrying the same parcels, whatever its flights (``bounds``); None: not computed
    lower_bound_ulds_any_flights: int | None = None
    rules: Rules = field(default_factory=Rules)

    @property
    def bag_tare_g(self) -> int:
        return bag_types()[self.rules.bag_type].tare_g

    @property
    def ulds(self) -> int:
        return len(self.uld_flight)

    @property
    def bags(self) -> int:
        return len(self.bag_uld)

    def legs(self, u: int) -> tuple[int, ...]:
        """The flight legs ULD ``u`` rides, in order (one for a direct flight)."""
        return self.uld_legs[u] if u < len(self.uld_legs) else (self.uld_flight[u],)

    @property
    def flights_used(self) -> int:
        return len({x for u in range(self.ulds) for x in self.legs(u)})

    @property
    def gap_ulds(self) -> float:
        return (self.ulds - self.lower_bound_ulds) / self.lower_bound_ulds if self.lower_bound_ulds else 0.0

    @property
    def gap_bags(self) -> float:
        return (self.bags - self.lower_bound_bags) / self.lower_bound_bags if self.lower_bound_bags else 0.0

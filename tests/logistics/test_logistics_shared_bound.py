"""The ULD lower bound when segregation classes on one flight compete for its positions."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ponte.logistics.binpack import shared_positions_bound
from ponte.logistics.consolidation import _min_count, check_plan, consolidate
from ponte.logistics.intake import batch_of
from ponte.logistics.parcels import Parcel
from ponte.logistics.uld import Flight, uld_types

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def _brute(demands, types, payload):  # type: ignore[no-untyped-def]
    """Smallest total over every allocation of positions to groups (tiny instances only)."""
    choices = list(itertools.product(*(range(t[2] + 1) for t in types)))
    best = None
    for combo in itertools.product(choices, repeat=len(demands)):
        if any(sum(c[j] for c in combo) > t[2] for j, t in enumerate(types)):
            continue
        if any(
            sum(c[j] * t[0] for j, t in enumerate(types)) < w
            or sum(c[j] * t[1] for j, t in enumerate(types)) < v
            for c, (w, v) in zip(combo, demands, strict=True)
        ):
            continue
        tare = sum(c[j] * t[3] for c in combo for j, t in enumerate(types))
        if payload is not None and tare + sum(w for w, _v in demands) > payload:
            continue
        total = sum(sum(c) for c in combo)
        best = total if best is None else min(best, total)
    return best


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 30), st.integers(1, 30)), min_size=1, max_size=3),
    st.lists(
        st.tuples(st.integers(3, 12), st.integers(3, 12), st.integers(1, 3), st.integers(0, 2)),
        min_size=1,
        max_size=2,
    ),
    st.one_of(st.none(), st.integers(10, 80)),
)
def test_matches_exhaustive_search_on_small_instances(demands, types, payload) -> None:  # type: ignore[no-untyped-def]
    expected = _brute(demands, types, payload)
    got = shared_positions_bound(demands, types, payload)
    if expected is None:
        assert got == sum(t[2] for t in types) + 1
    else:
        assert got == expected
        # never below the bound that gives every group all the positions
        assert got >= sum(
            max(
                _min_count(w, [t[0] for t in types for _ in range(t[2])]),
                _min_count(v, [t[1] for t in types for _ in range(t[2])]),
            )
            for w, v in demands
        )


def test_classes_competing_for_few_pallet_positions_raise_the_bound() -> None:
    departs = T0 + timedelta(hours=10)
    flight = Flight(
        "BX1", "784", "CAN", "MEX", departs, departs + timedelta(hours=15), departs - timedelta(hours=4),
        True, Decimal(60000), {"PMC": 2, "AKE": 6},
    )  # fmt: skip
    parcels = [
        Parcel(f"{cls}{i}", Decimal(5), Decimal(50), Decimal(40), Decimal(40), "CAN", "MEX", T0, cls)
        for cls, count in (("GEN", 312), ("ELI", 250))
        for i in range(count)
    ]
    plan = consolidate(batch_of(parcels), [flight])
    assert check_plan(plan) == [] and not plan.unplaced_reason
    # each class alone would fit two PMCs (4 in all); sharing two PMCs, they need at least 6 ULDs
    pmc, ake = uld_types()["PMC"], uld_types()["AKE"]
    stow = [int(pmc.volume_cm3 * 0.95)] * 2 + [int(ake.volume_cm3 * 0.95)] * 6
    separate = sum(_min_count(n * 80_000, stow) for n in (312, 250))
    assert separate == 4
    assert plan.lower_bound_ulds >= 6 > separate
    assert plan.ulds >= plan.lower_bound_ulds

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ponte.kernel.errors import ValidationError
from ponte.logistics.consolidation import check_plan, consolidate
from ponte.logistics.intake import batch_of
from ponte.logistics.network import sample_flights
from ponte.logistics.parcels import Parcel
from ponte.logistics.synthetic import synthetic_batch
from ponte.logistics.uld import Flight

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def _flight(number, dest, hours, freighter=False, positions=None, payload=20000):
    departs = T0 + timedelta(hours=hours)
    return Flight(
        number,
        "784",
        "CAN",
        dest,
        departs,
        departs + timedelta(hours=15),
        departs - timedelta(hours=4),
        freighter,
        Decimal(payload),
        positions or {"AKE": 3},
    )


def test_synthetic_plan_respects_every_rule_and_reports_gap():
    batch = synthetic_batch(20000, 7, T0)
    plan = consolidate(batch, sample_flights(date(2026, 3, 2), 14))
    assert check_plan(plan) == []
    assert plan.ulds >= plan.lower_bound_ulds > 0 and plan.bags >= plan.lower_bound_bags > 0
    assert plan.gap_ulds <= 0.05 and plan.gap_bags <= 0.03
    # MAD and LIS have no direct flight from CAN in the sample network
    reasons = set(plan.unplaced_reason.values())
    assert "no-flight-to-destination" in reasons


def test_perishables_take_the_first_flight_and_cao_only_freighters():
    parcels = (
        [
            Parcel(f"G{i}", Decimal("5"), Decimal(40), Decimal(30), Decimal(30), "CAN", "GRU", T0)
            for i in range(200)
        ]
        + [
            Parcel(
                f"P{i}",
                Decimal("5"),
                Decimal(40),
                Decimal(30),
                Decimal(30),
                "CAN",
                "GRU",
                T0 + timedelta(hours=1),
                "PER",
            )
            for i in range(100)
        ]
        + [Parcel("B1", Decimal("2"), Decimal(20), Decimal(20), Decimal(20), "CAN", "GRU", T0, "ELB")]
    )
    first = _flight("CZ1", "GRU", 10, positions={"AKE": 2})
    later = _flight("CZ3", "GRU", 40, positions={"AKE": 10})
    plan = consolidate(batch_of(parcels), [later, first])
    assert check_plan(plan) == []
    idx = {pid: i for i, pid in enumerate(plan.batch.ids)}
    flights_of = np.asarray(plan.uld_flight)
    for i in range(100):
        assert plan.flights[flights_of[plan.parcel_uld[idx[f"P{i}"]]]].number == "CZ1"
    assert plan.unplaced_reason[idx["B1"]] == "cargo-aircraft-only"


def test_cut_off_and_capacity_reasons():
    parcels = [
        Parcel(
            "late",
            Decimal("1"),
            Decimal(10),
            Decimal(10),
            Decimal(10),
            "CAN",
            "MEX",
            T0 + timedelta(hours=30),
        )
    ]
    parcels += [
        Parcel(f"x{i}", Decimal("20"), Decimal(50), Decimal(40), Decimal(40), "CAN", "MEX", T0)
        for i in range(400)
    ]
    plan = consolidate(batch_of(parcels), [_flight("CZ9", "MEX", 10, positions={"AKE": 2})])
    assert check_plan(plan) == []
    reasons = list(plan.unplaced_reason.values())
    assert plan.unplaced_reason[0] == "missed-cut-off"
    assert "no-capacity" in reasons


@pytest.mark.parametrize(
    ("field", "kwargs", "rule"),
    [
        ("weight_kg", {"weight_kg": Decimal("0")}, "positive"),
        ("weight_kg", {"weight_kg": Decimal("-1")}, "positive"),
        ("length_cm", {"length_cm": Decimal("900")}, "fits-uld"),
        ("destination", {"destination": "QQQ"}, "iata-airport"),
        ("segregation", {"segregation": "XYZ"}, "segregation-class"),
    ],
)
def test_bad_parcels_name_field_and_rule(field, kwargs, rule):
    base = dict(
        id="a",
        weight_kg=Decimal("1"),
        length_cm=Decimal(10),
        width_cm=Decimal(10),
        height_cm=Decimal(10),
        origin="CAN",
        destination="GRU",
        ready_at=T0,
    )
    good = Parcel(**{**base, "id": "ok"})
    with pytest.raises(ValidationError) as exc:
        batch_of([good, Parcel(**{**base, **kwargs})])
    assert exc.value.violations[0].field == f"parcels[1].{field}"
    assert exc.value.violations[0].rule == rule


parcel_st = st.tuples(
    st.decimals("0.05", "40", places=2),
    st.integers(1, 120),
    st.integers(1, 100),
    st.integers(1, 80),
    st.sampled_from(["GRU", "MEX", "SCL"]),
    st.sampled_from(["GEN", "ELI", "PER", "ELB"]),
    st.integers(0, 60),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(parcel_st, min_size=1, max_size=150))
def test_property_every_parcel_once_and_every_limit(rows):
    parcels = [
        Parcel(f"p{i}", w, Decimal(a), Decimal(b), Decimal(c), "CAN", d, T0 + timedelta(hours=h), s)
        for i, (w, a, b, c, d, s, h) in enumerate(rows)
    ]
    flights = [
        _flight("A1", "GRU", 20, positions={"AKE": 2}, payload=1500),
        _flight("A2", "MEX", 30, freighter=True, positions={"PMC": 1, "AKE": 1}),
        _flight("A3", "GRU", 50, freighter=True, positions={"PAG": 1}),
    ]
    plan = consolidate(batch_of(parcels), flights)
    assert check_plan(plan) == []
    placed = plan.parcel_uld >= 0
    assert placed.sum() + len(plan.unplaced_reason) == len(parcels)
    assert plan.ulds >= plan.lower_bound_ulds and plan.bags >= plan.lower_bound_bags

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from ponte.kernel.errors import ValidationError
from ponte.logistics.network import min_connection, sample_flights
from ponte.logistics.routes import Demand, allocate, cheapest, earliest_arrival

FLIGHTS = sample_flights(date(2026, 3, 2), 14)
T0 = datetime(2026, 3, 2, tzinfo=UTC)


def _sound(it, ready):
    assert it.legs[0].cutoff >= ready
    for a, b in zip(it.legs, it.legs[1:], strict=False):
        assert a.destination == b.origin
        assert a.arrives + min_connection(b.origin) <= b.departs


def test_earliest_arrival_via_hub_respects_connections():
    it = earliest_arrival(FLIGHTS, "PEK", "GRU", T0)
    assert it is not None and it.via == ["MAD"] and it.legs[0].number == "CA897"
    _sound(it, T0)
    # HKG to LIM has no direct flight: through MAD
    it = earliest_arrival(FLIGHTS, "HKG", "LIM", T0)
    assert it is not None and it.via == ["MAD"]
    _sound(it, T0)


def test_cheapest_differs_from_fastest_and_is_not_dearer():
    fast = earliest_arrival(FLIGHTS, "CAN", "GRU", T0)
    cheap = cheapest(FLIGHTS, "CAN", "GRU", T0)
    assert fast is not None and cheap is not None
    _sound(cheap, T0)
    assert cheap.cost_per_kg <= fast.cost_per_kg
    assert fast.arrives <= cheap.arrives


def test_unknown_airport_and_naive_time():
    with pytest.raises(ValidationError) as exc:
        earliest_arrival(FLIGHTS, "CAN", "ZZZ", T0)
    assert exc.value.field == "destination" and exc.value.rule == "iata-airport"
    with pytest.raises(ValidationError):
        earliest_arrival(FLIGHTS, "CAN", "GRU", datetime(2026, 3, 2))


def test_allocation_within_capacity():
    demands = [Demand("CAN", "MEX", Decimal(150000), T0), Demand("SZX", "MEX", Decimal(5000), T0)]
    done, left = allocate(demands, FLIGHTS, share=Decimal("0.5"))
    used = {}
    for a in done:
        _sound(a.itinerary, a.demand.ready_at)
        for f in a.itinerary.legs:
            used[id(f)] = used.get(id(f), 0) + a.kg
    for f in FLIGHTS:
        assert used.get(id(f), 0) <= f.payload_kg / 2
    served = sum((a.kg for a in done), Decimal(0))
    assert served + sum((kg for _, kg in left), Decimal(0)) == Decimal(155000)
    assert any(a.itinerary.legs[0].departs > T0 + timedelta(days=2) for a in done)  # spills onto later days

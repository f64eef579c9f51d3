"""Plans checked by an independent checker written here (not the planner's own ``check_plan``): every parcel
once or with a reason; no bag, ULD, position, payload, size, cut-off, segregation, cargo-aircraft-only rule
broken; perishables never left behind while lower-priority cargo holds a position they could use; a parcel
that fits one offered ULD type is never refused as not fitting; no parcel on a later flight while an earlier
eligible one had a free position and payload for it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ponte.logistics.consolidation import Plan, consolidate
from ponte.logistics.intake import batch_of
from ponte.logistics.parcels import Parcel
from ponte.logistics.uld import Flight, bag_types, segregation_classes, uld_types

T0 = datetime(2026, 3, 2, tzinfo=UTC)
PRIORITY = {c.code: c.priority for c in segregation_classes().values()}
CAO = {c.code for c in segregation_classes().values() if c.cargo_aircraft_only}


def fits(dims: tuple[int, ...], code: str) -> bool:
    t = uld_types().get(code) or bag_types()[code]
    return all(
        a <= b for a, b in zip(sorted(dims), sorted((t.length_cm, t.width_cm, t.height_cm)), strict=True)
    )


def independent_problems(plan: Plan) -> list[str]:
    b, out = plan.batch, []
    bag = bag_types()["BAG30"]
    ulds = uld_types()
    n = len(b)
    klass = [b.classes[s] for s in b.seg.tolist()]
    dims = [tuple(int(x) for x in row) for row in b.dims_cm.tolist()]
    where = plan.parcel_uld.tolist()
    for i in range(n):
        if (where[i] < 0) == (i not in plan.unplaced_reason):
            out.append(f"parcel {i} neither placed nor reasoned (or both)")
    bags: dict[int, list[int]] = {}
    for i, g in enumerate(plan.parcel_bag.tolist()):
        if g >= 0:
            bags.setdefault(g, []).append(i)
    for g, members in bags.items():
        if {where[i] for i in members} != {plan.bag_uld[g]}:
            out.append(f"bag {g} spread over ULDs")
        if (
            sum(int(b.weight_g[i]) for i in members) > bag.payload_g
            or sum(int(b.volume_cm3[i]) for i in members) > bag.volume_cm3
        ):
            out.append(f"bag {g} over its limits")
        if any(not fits(dims[i], "BAG30") for i in members) or len({klass[i] for i in members}) > 1:
            out.append(f"bag {g} holds a parcel too large or of two classes")
    gross_on: dict[int, int] = {}
    used: dict[tuple[int, str], int] = {}
    for u in range(plan.ulds):
        t = ulds[plan.uld_type[u]]
        members = [i for i in range(n) if where[i] == u]
        nbags = sum(1 for g in plan.bag_uld if g == u)
        net = sum(int(b.weight_g[i]) for i in members) + nbags * bag.tare_g
        if (
            net > t.max_gross_g - t.tare_g
            or sum(int(b.volume_cm3[i]) for i in members) > t.volume_cm3 * plan.rules.uld_volume_utilisation
        ):
            out.append(f"ULD {u} over its limits")
        if any(not fits(dims[i], t.code) for i in members):
            out.append(f"ULD {u} holds a parcel larger than a {t.code}")
        if len({klass[i] for i in members}) > 1 or any(
            klass[i] != b.classes[plan.uld_class[u]] for i in members
        ):
            out.append(f"ULD {u} mixes classes")
        fi = plan.uld_flight[u]
        gross_on[fi] = gross_on.get(fi, 0) + net + t.tare_g
        used[(fi, t.code)] = used.get((fi, t.code), 0) + 1
    for fi, gross in gross_on.items():
        if gross > plan.flights[fi].payload_g:
            out.append(f"flight {fi} over its payload")
    for (fi, code), count in used.items():
        if count > plan.flights[fi].positions.get(code, 0):
            out.append(f"flight {fi} has more {code} than positions")
    free = {
        (fi, c): f.positions[c] - used.get((fi, c), 0)
        for fi, f in enumerate(plan.flights)
        for c in f.positions
    }
    payload_left = {fi: f.payload_g - gross_on.get(fi, 0) for fi, f in enumerate(plan.flights)}

    def eligible(i: int, fi: int) -> bool:
        f = plan.flights[fi]
        return (
            b.airports[b.origin[i]] == f.origin
            and b.airports[b.dest[i]] == f.destination
            and int(b.ready[i]) <= f.cutoff.timestamp()
            and (f.freighter or klass[i] not in CAO)
            and any(cnt > 0 and fits(dims[i], c) for c, cnt in f.positions.items())
        )

    for i in range(n):
        u = where[i]
        flight_of = plan.uld_flight[u] if u >= 0 else None
        if flight_of is not None and not eligible(i, flight_of):
            out.append(f"parcel {i} on a flight it may not take (route, cut-off, CAO or size)")
        reason = plan.unplaced_reason.get(i)
        if reason == "does-not-fit-offered-ulds" and any(eligible(i, fi) for fi in range(len(plan.flights))):
            out.append(f"parcel {i} refused as not fitting though an offered type holds it")
        later = [
            fi
            for fi in range(len(plan.flights))
            if eligible(i, fi)
            and (flight_of is None or plan.flights[fi].departs < plan.flights[flight_of].departs)
        ]
        for fi in later:
            room = any(
                free[(fi, c)] > 0
                and fits(dims[i], c)
                and payload_left[fi] >= ulds[c].tare_g + int(b.weight_g[i]) + bag.tare_g
                for c in plan.flights[fi].positions
            )
            if room:
                out.append(f"parcel {i} left for later though flight {fi} had a free position and payload")
            if PRIORITY[klass[i]] == 0:
                lower = [
                    x
                    for x in range(plan.ulds)
                    if plan.uld_flight[x] == fi
                    and PRIORITY[b.classes[plan.uld_class[x]]] > 0
                    and fits(dims[i], plan.uld_type[x])
                ]
                if lower:
                    out.append(f"perishable {i} left behind while lower-priority cargo took flight {fi}")
    return out


def _flight(
    number: str, hours: int, positions: dict[str, int], freighter: bool = False, payload: int = 20000
) -> Flight:
    departs = T0 + timedelta(hours=hours)
    return Flight(
        number,
        "784",
        "CAN",
        "GRU",
        departs,
        departs + timedelta(hours=15),
        departs - timedelta(hours=4),
        freighter,
        Decimal(payload),
        positions,
    )


parcel_st = st.tuples(
    st.decimals("0.05", "60", places=2),
    st.integers(1, 300),
    st.integers(1, 200),
    st.integers(1, 170),
    st.sampled_from(["GEN", "GEN", "ELI", "PER", "CAO", "ICE"]),
    st.integers(0, 40),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(parcel_st, min_size=1, max_size=120), st.integers(800, 20000))
def test_property_no_rule_broken_on_competing_flights(rows, payload) -> None:  # type: ignore[no-untyped-def]
    parcels = [
        Parcel(f"p{i}", w, Decimal(a), Decimal(b), Decimal(c), "CAN", "GRU", T0 + timedelta(hours=h), s)
        for i, (w, a, b, c, s, h) in enumerate(rows)
    ]
    flights = [
        _flight("A1", 20, {"AKE": 2}, payload=payload),
        _flight("A2", 30, {"PMC": 1, "AKE": 1}, freighter=True, payload=payload),
        _flight("A3", 50, {"PAG": 1, "AKE": 1}, freighter=True),
    ]
    plan = consolidate(batch_of(parcels), flights)
    assert independent_problems(plan) == []


def test_a_parcel_too_tall_for_an_ake_flies_on_the_pmc_of_the_same_flight() -> None:
    tall = Parcel("tall", Decimal("30"), Decimal(200), Decimal(100), Decimal(100), "CAN", "GRU", T0)
    small = [
        Parcel(f"s{i}", Decimal("1"), Decimal(30), Decimal(20), Decimal(10), "CAN", "GRU", T0)
        for i in range(20)
    ]
    plan = consolidate(batch_of([tall, *small]), [_flight("F1", 20, {"PMC": 1, "AKE": 2}, freighter=True)])
    assert independent_problems(plan) == []
    assert plan.unplaced_reason == {} and plan.uld_type[int(plan.parcel_uld[0])] == "PMC"


def test_the_checker_catches_what_it_looks_for() -> None:
    """The checker is not vacuous: each broken plan below is caught."""
    gen = [
        Parcel(f"g{i}", Decimal("5"), Decimal(40), Decimal(30), Decimal(30), "CAN", "GRU", T0)
        for i in range(60)
    ]
    per = [
        Parcel(f"p{i}", Decimal("5"), Decimal(40), Decimal(30), Decimal(30), "CAN", "GRU", T0, "PER")
        for i in range(60)
    ]
    first, later = _flight("F1", 20, {"AKE": 1}), _flight("F2", 60, {"AKE": 4})
    plan = consolidate(batch_of([*gen, *per]), [first, later])
    assert independent_problems(plan) == []
    ke = [u for u in range(plan.ulds) if plan.uld_flight[u] == 0]
    assert ke and all(plan.batch.classes[plan.uld_class[u]] == "PER" for u in ke)  # perishables got F1
    swapped = next(u for u in range(plan.ulds) if plan.uld_flight[u] == 1)
    plan.uld_flight[ke[0]], plan.uld_flight[swapped] = 1, 0  # general cargo on F1, perishables sent later
    found = " ".join(independent_problems(plan))
    assert "perishable" in found and "mixes" not in found
    plan.uld_type[ke[0]] = "AKH"
    assert "positions" in " ".join(independent_problems(plan))  # F2 offers no AKH

"""Connections through hubs and a forwarder's own schedule, checked by an independent checker written here: every
parcel once or with a reason; each ULD's legs connect (airport to airport, the hub's minimum connection time, no
later than the longest wait); a ULD takes a position of its type and its gross weight on every leg it rides, and no
leg is over its positions or payload; the parcel leaves from its origin before the first leg's cut-off and lands
at its destination; cargo-aircraft-only goods ride freighters on every leg."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ponte.bootstrap import Platform
from ponte.kernel.errors import ValidationError
from ponte.logistics.consolidation import Plan, Rules, check_plan, consolidate
from ponte.logistics.intake import batch_of
from ponte.logistics.ledger import PAYLOAD, demand
from ponte.logistics.lots import lots_of
from ponte.logistics.network import Lanes, sample_flights
from ponte.logistics.parcels import Parcel
from ponte.logistics.schedule import Schedule, parse_schedule_csv
from ponte.logistics.summary import plan_summary
from ponte.logistics.uld import Flight, bag_types, segregation_classes, uld_types
from ponte.platform.settings import Settings

T0 = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday
CAO = {c.code for c in segregation_classes().values() if c.cargo_aircraft_only}
MCT_HOURS = {"MAD": 2, "DOH": 3, "ADD": 3, "HKG": 2}  # network.yaml, restated here


def connection_problems(plan: Plan, longest_hours: float = 36) -> list[str]:
    b, out = plan.batch, []
    bag = bag_types()["BAG30"]
    ulds = uld_types()
    where = plan.parcel_uld.tolist()
    for i in range(len(b)):
        if (where[i] < 0) == (i not in plan.unplaced_reason):
            out.append(f"parcel {i} neither placed nor reasoned (or both)")
    gross: dict[int, int] = {}
    used: dict[tuple[int, str], int] = {}
    for u in range(plan.ulds):
        legs = [plan.flights[x] for x in plan.legs(u)]
        for a, c in pairwise(legs):
            wait = c.departs - a.arrives
            if a.destination != c.origin:
                out.append(f"ULD {u}: {a.key} does not reach {c.origin}")
            if wait < timedelta(hours=MCT_HOURS.get(c.origin, 3)) or wait > timedelta(hours=longest_hours):
                out.append(f"ULD {u}: {wait} at {c.origin} is not a connection")
        members = [i for i in range(len(b)) if where[i] == u]
        t = ulds[plan.uld_type[u]]
        weight = sum(int(b.weight_g[i]) for i in members) + plan.bag_uld.count(u) * bag.tare_g + t.tare_g
        for x in plan.legs(u):
            gross[x] = gross.get(x, 0) + weight
            used[(x, t.code)] = used.get((x, t.code), 0) + 1
        for i in members:
            if b.airports[b.origin[i]] != legs[0].origin or b.airports[b.dest[i]] != legs[-1].destination:
                out.append(f"parcel {i} flies the wrong way")
            if int(b.ready[i]) > legs[0].cutoff.timestamp():
                out.append(f"parcel {i} after the cut-off")
            if b.classes[b.seg[i]] in CAO and not all(f.freighter for f in legs):
                out.append(f"parcel {i} is cargo-aircraft-only on a passenger leg")
    for x, g in gross.items():
        if g > plan.flights[x].payload_g:
            out.append(f"leg {plan.flights[x].key} over its payload ({g} g)")
    for (x, code), n in used.items():
        if n > plan.flights[x].positions.get(code, 0):
            out.append(f"leg {plan.flights[x].key} has {n} {code}, more than its positions")
    return out


def _parcel(i: int, dest: str, origin: str = "HKG", kg: str = "2", klass: str = "GEN", h: int = 0) -> Parcel:
    return Parcel(
        f"p{i}",
        Decimal(kg),
        Decimal(30),
        Decimal(20),
        Decimal(15),
        origin,
        dest,
        T0 + timedelta(hours=h),
        klass,
    )


def test_bogota_lima_and_buenos_aires_are_planned_through_madrid_on_both_legs() -> None:
    parcels = [_parcel(i, d) for i, d in enumerate(["BOG", "LIM", "EZE"] * 40)]
    plan = consolidate(batch_of(parcels), sample_flights(date(2026, 3, 2), 7))
    assert check_plan(plan) == [] and connection_problems(plan) == []
    assert plan.unplaced_reason == {}
    for u in range(plan.ulds):
        legs = [plan.flights[x] for x in plan.legs(u)]
        assert [f.origin for f in legs] == ["HKG", "MAD"], legs
    # the ledger books every leg: the Madrid legs carry the same ULDs as the Hong Kong one
    taken = demand(plan)
    hkg = sum(v[PAYLOAD] for k, v in taken.items() if "/HKG-MAD" in k)
    onward = sum(v[PAYLOAD] for k, v in taken.items() if "/MAD-" in k)
    assert hkg == onward > 0
    lots = lots_of(plan)
    assert {lot.destination for lot in lots} == {"BOG", "LIM", "EZE"}
    summary = plan_summary(plan)
    assert all(len(lot["legs"]) == 2 for lot in summary["lots"])
    assert {a["destination"] for a in summary["assignments"]} == {"BOG", "LIM", "EZE"}


def test_a_full_direct_flight_overflows_through_a_hub_and_a_wait_too_long_is_no_connection() -> None:
    def leg(number: str, org: str, dst: str, dep_h: int, block: int, ake: int) -> Flight:
        d = T0 + timedelta(hours=dep_h)
        return Flight(number, "784", org, dst, d, d + timedelta(hours=block), d - timedelta(hours=3), False,
                      Decimal(20000), {"AKE": ake})  # fmt: skip

    direct = leg("D1", "CAN", "GRU", 10, 20, 1)
    first, second = leg("C1", "CAN", "DOH", 8, 8, 3), leg("C2", "DOH", "GRU", 20, 14, 3)
    parcels = [_parcel(i, "GRU", "CAN", kg="20") for i in range(150)]
    plan = consolidate(batch_of(parcels), [direct, first, second])
    assert connection_problems(plan) == [] and check_plan(plan) == []
    routes = {tuple(plan.flights[x].number for x in plan.legs(u)) for u in range(plan.ulds)}
    assert routes == {("D1",), ("C1", "C2")}
    late = leg("C3", "DOH", "GRU", 8 + 8 + 40, 14, 3)  # 40 h at the hub: longer than the longest wait
    plan = consolidate(batch_of(parcels), [direct, first, late])
    assert {tuple(plan.flights[x].number for x in plan.legs(u)) for u in range(plan.ulds)} == {("D1",)}
    assert set(plan.unplaced_reason.values()) == {"no-capacity"}
    plan = consolidate(batch_of(parcels[:5]), [first, second], Rules(connections=False))
    assert set(plan.unplaced_reason.values()) == {"no-flight-to-destination"}


def test_every_destination_of_the_corridor_is_planned_or_given_its_reason() -> None:
    lanes = Schedule.sample().lanes()
    gateways = ("CAN", "SZX", "HKG", "MFM", "XMN", "PEK", "PVG")
    parcels = []
    for k, dest in enumerate(["GRU", "MEX", "SCL", "BOG", "LIM", "EZE", "LIS", "MAD"]):
        pair = lanes.choose(gateways, [dest])
        assert pair is not None, dest
        parcels += [_parcel(k * 10 + i, dest, pair[0]) for i in range(10)]
    plan = consolidate(batch_of(parcels), sample_flights(date(2026, 3, 2), 14))
    assert connection_problems(plan) == [] and check_plan(plan) == []
    assert plan.unplaced_reason == {}, plan.unplaced_reason


hubs = st.tuples(
    st.sampled_from(["BOG", "LIM", "EZE", "GRU"]),
    st.decimals("0.1", "40", places=1),
    st.sampled_from(["GEN", "GEN", "ELI", "PER", "CAO"]),
    st.integers(0, 60),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hubs, min_size=1, max_size=80), st.integers(1, 4), st.integers(300, 6000))
def test_property_connections_never_break_a_leg(rows, positions, payload) -> None:  # type: ignore[no-untyped-def]
    flights = [
        replace_capacity(f, positions, payload) if f.destination != "MAD" else f
        for f in sample_flights(date(2026, 3, 2), 5)
    ]
    parcels = [_parcel(i, d, "HKG", str(kg), klass, h) for i, (d, kg, klass, h) in enumerate(rows)]
    plan = consolidate(batch_of(parcels), flights)
    assert check_plan(plan) == []
    assert connection_problems(plan) == []


def replace_capacity(f: Flight, positions: int, payload: int) -> Flight:
    return replace(
        f, positions={c: min(n, positions) for c, n in f.positions.items()}, payload_kg=Decimal(payload)
    )


def test_a_forwarders_schedule_file_is_read_and_every_bad_cell_named() -> None:
    good = (
        "number,carrier,origin,destination,days,local_departure,block_hours,freighter,payload_kg,positions,"
        "cost_per_kg,cutoff_hours\n"
        "ZZ101,784,CAN,MAD,1357,23:30,13,true,50000,PMC:10;AKE:6,3.10,6\n"
        "ZZ102,075,MAD,LIM,1234567,12:00,12,false,9000,AKE:8,2.00,3\n"
    )
    schedule = parse_schedule_csv(good, "mine.csv")
    flights = schedule.flights(date(2026, 3, 2), 7)
    assert {f.number for f in flights} == {"ZZ101", "ZZ102"} and len(flights) == 4 + 7
    assert ("CAN", "LIM") in schedule.lanes().reachable
    assert schedule.lanes() == Lanes.of(flights)
    bad = good + "zz,78,CAN,XXX,9,25:00,abc,maybe,0,BOX:1,1,1\n"
    with pytest.raises(ValidationError) as caught:
        parse_schedule_csv(bad, "mine.csv")
    fields = {v.field for v in caught.value.violations}
    assert {
        "flights[2].number",
        "flights[2].carrier",
        "flights[2].destination",
        "flights[2].days",
        "flights[2].local_departure",
        "flights[2].block_hours",
        "flights[2].freighter",
        "flights[2].payload_kg",
        "flights[2].positions",
    } <= fields
    with pytest.raises(ValidationError) as caught:
        parse_schedule_csv("number,carrier\nZZ1,784\n", "short.csv")
    assert caught.value.rule == "columns"


def test_the_platform_plans_on_the_schedule_it_loaded(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "mine.csv"
    path.write_text(
        "number,carrier,origin,destination,days,local_departure,block_hours,freighter,payload_kg,positions,"
        "cost_per_kg,cutoff_hours\nZZ101,784,CAN,LIM,1357,23:30,20,true,50000,PMC:10,3.10,6\n"
    )
    p = Platform(Settings(database_url=f"sqlite:///{tmp_path / 'p.db'}", logistics_schedule=path))
    assert {f.number for f in p.flights(date(2026, 3, 2), 7)} == {"ZZ101"}
    assert p.lanes.direct == (("CAN", "LIM"),)


def test_the_manifest_of_a_connecting_plan_is_one_record_and_loads_each_uld_on_every_leg(shared_dir) -> None:  # type: ignore[no-untyped-def]
    import json

    from pyshacl import validate
    from rdflib import RDF, RDFS, Graph, Namespace, URIRef

    from ponte.logistics.awb import AwbStock, StockRange
    from ponte.logistics.manifest import export_manifest
    from ponte.logistics.planning import plan_batch

    stock = AwbStock()
    stock.add_range(StockRange("160", 1000, 1999))
    parcels = [_parcel(i, d) for i, d in enumerate(["BOG", "LIM"] * 10)]
    planned = plan_batch(batch_of(parcels), sample_flights(date(2026, 3, 2), 7), stock)
    doc = export_manifest(planned.summary, "https://1r.example.com")
    data = Graph().parse(data=json.dumps(doc), format="json-ld")
    cargo = Namespace("https://onerecord.iata.org/ns/cargo#")
    assert len(list(data.subjects(RDF.type, cargo.ULD))) == planned.plan.ulds
    movements = list(data.subjects(RDF.type, cargo.TransportMovement))
    assert len(movements) == len(planned.summary["flight_loads"])
    loaded = [o for _s, o in data.subject_objects(cargo.loadedUnits)]
    assert len(loaded) == sum(len(planned.plan.legs(u)) for u in range(planned.plan.ulds))  # every leg
    composed = [o for _s, o in data.subject_objects(cargo.composedPieces)]
    assert len(composed) == len(parcels)
    masters = list(data.subjects(cargo.waybillType, cargo.MASTER))
    assert len(masters) == len(planned.lots) and len(list(data.subject_objects(cargo.houseWaybills))) >= 2
    onerec = shared_dir / "data" / "air-cargo" / "onerecord"
    full = Graph().parse(onerec / "IATA-1R-DM-Ontology-3.3.0.ttl")
    ont = Graph()
    for triple in full.triples((None, RDFS.subClassOf, None)):
        if isinstance(triple[2], URIRef):
            ont.add(triple)
    shapes = Graph().parse(onerec / "onerecord-3.3-min.shapes.ttl")
    conforms, _, report = validate(data, shacl_graph=shapes, ont_graph=ont)
    assert conforms, report


def test_a_belly_pallet_position_has_the_lower_deck_contour_and_weight_limit() -> None:
    def leg(number: str, freighter: bool, positions: dict[str, int]) -> Flight:
        d = T0 + timedelta(hours=20)
        return Flight(number, "784", "CAN", "GRU", d, d + timedelta(hours=20), d - timedelta(hours=4), freighter,
                      Decimal(30000), positions)  # fmt: skip

    tall = Parcel("tall", Decimal(50), Decimal(200), Decimal(200), Decimal(180), "CAN", "GRU", T0)
    heavy = [
        Parcel(f"h{i}", Decimal(400), Decimal(80), Decimal(60), Decimal(50), "CAN", "GRU", T0)
        for i in range(30)
    ]
    belly = consolidate(batch_of([tall, *heavy]), [leg("P1", False, {"PMC-L": 2})])
    main = consolidate(batch_of([tall, *heavy]), [leg("F1", True, {"PMC": 2})])
    assert check_plan(belly) == [] and check_plan(main) == []
    assert belly.unplaced_reason.get(0) == "does-not-fit-offered-ulds"  # 180 cm over the 163 cm contour
    assert 0 not in main.unplaced_reason
    lower = uld_types()["PMC-L"]
    assert lower.type_code == "PMC" and lower.height_cm < uld_types()["PMC"].height_cm
    for u in range(belly.ulds):  # no lower-deck pallet over its position's limit (5,035 kg gross)
        inside = belly.parcel_uld == u
        gross = int(belly.batch.weight_g[inside].sum()) + belly.bag_uld.count(u) * 300 + lower.tare_g
        assert gross <= lower.max_gross_g
    assert (
        sum(1 for u in range(belly.ulds)) == 2 and len(belly.unplaced_reason) > 1
    )  # 12 t > 2 x 4.9 t: the limit binds

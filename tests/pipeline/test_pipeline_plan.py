"""The whole run's plan re-checked from its files by a checker of this test's own: every bag, ULD, position,
payload, cut-off and segregation limit across all days together, and every waybill number well formed and used
once."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pipeline_job import context_for, make_corpus

from ponte.batch.context import JobContext
from ponte.batch.inputs import read_inputs
from ponte.batch.job import run
from ponte.batch.runners import SerialRunner
from ponte.logistics.awb import is_valid_awb
from ponte.logistics.uld import bag_types, segregation_classes, uld_types


def _table(folder: Path, name: str) -> list[dict]:
    tables = [pq.read_table(p) for p in sorted(folder.rglob(name))]
    return pa.concat_tables(tables).to_pylist() if tables else []


def _grams(kg) -> int:  # the planner weighs in whole grams, rounded up
    return int(-(-(kg * 1000) // 1))


def test_the_plan_respects_every_limit_across_the_day(done: Path, ctx: JobContext) -> None:
    check_run(done, ctx)


def test_tight_flights_are_shared_by_the_days_never_overbooked(tmp_path: Path) -> None:
    """With a few positions and little payload per flight, capacity binds: each day's plan takes what the days
    before left, and the whole run still respects every limit of the flights as offered."""
    corpus = make_corpus(tmp_path, 31, 1500, 3)
    inputs = read_inputs([corpus])
    ctx = context_for(inputs, signed=False)
    ctx.flights = tuple(
        replace(f, positions={k: min(v, 2) for k, v in f.positions.items()}, payload_kg=Decimal(600))
        for f in ctx.flights
    )
    out = tmp_path / "out"
    run(inputs, out, ctx, SerialRunner())
    check_run(out, ctx)
    last = json.loads(sorted((out / "plan").glob("*/ledger.json"))[-1].read_text())
    offered = {f.key: f for f in ctx.flights}
    full = [
        leg
        for leg, b in last["booked"].items()
        if any(n == offered[leg].positions.get(k) for k, n in b.items())
    ]
    assert full, "capacity never bound"
    # the planner names a flight whose positions are all taken "does-not-fit-offered-ulds" (logistics' wording)
    reasons = {r["reason"] for r in _table(out / "plan", "unplaced.parquet")}
    assert reasons & {"no-capacity", "does-not-fit-offered-ulds"}
    by_day = [pq.read_table(p).num_rows for p in sorted((out / "plan").glob("*/assignments.parquet"))]
    assert len(by_day) == 3 and all(by_day)


def check_run(done: Path, ctx: JobContext) -> None:
    parcels = {p["parcel_id"]: p for p in _table(done / "parts", "parcels.parquet")}
    rows = _table(done / "plan", "assignments.parquet")
    assert rows, "nothing was planned"
    flights = {f.key: f for f in ctx.flights}
    ulds, bag = uld_types(), bag_types()["BAG30"]
    classes = segregation_classes()
    uld_content: dict[str, int] = defaultdict(int)
    uld_class: dict[str, set[str]] = defaultdict(set)
    uld_of: dict[str, tuple[str, str]] = {}
    bag_content: dict[str, int] = defaultdict(int)
    bag_class: dict[str, set[str]] = defaultdict(set)
    bag_uld: dict[str, set[str]] = defaultdict(set)
    houses: dict[str, set[str]] = defaultdict(set)
    for a in rows:
        p = parcels[a["parcel_id"]]
        route = [flights[leg] for leg in a["legs"].split()]
        f = route[0]
        g = _grams(p["gross_kg"])
        # from the parcel's airport to its destination, directly or through a hub, each leg connecting
        assert (p["origin"], p["destination"]) == (f.origin, route[-1].destination), a
        for inbound, outbound in pairwise(route):
            assert inbound.destination == outbound.origin and inbound.arrives <= outbound.departs, a
        assert p["ready_at"].replace(microsecond=0) <= f.cutoff, a  # cut-off
        assert f.departs.date() < p["ready_at"].date() + timedelta(days=ctx.window_days + 1), a
        if classes[p["handling_class"]].cargo_aircraft_only:
            assert all(leg.freighter for leg in route), a  # CAO never on a passenger aircraft
        uld_content[a["uld"]] += g
        uld_class[a["uld"]].add(p["handling_class"])
        assert uld_of.setdefault(a["uld"], (a["uld_type"], a["legs"])) == (a["uld_type"], a["legs"])
        t = ulds[a["uld_type"]]
        dims = sorted((p["length_cm"], p["width_cm"], p["height_cm"]), reverse=True)
        box = sorted((t.length_cm, t.width_cm, t.height_cm), reverse=True)
        assert all(d <= b for d, b in zip(dims, box, strict=True))
        if a["bag"]:
            bag_content[a["bag"]] += g
            bag_class[a["bag"]].add(p["handling_class"])
            bag_uld[a["bag"]].add(a["uld"])
        assert is_valid_awb(a["master"]), a
        houses[a["house"]].add(a["master"])
    for b, g in bag_content.items():
        assert g <= bag.payload_g and len(bag_class[b]) == 1 and len(bag_uld[b]) == 1, b
    bags_in: dict[str, int] = defaultdict(int)
    for us in bag_uld.values():
        bags_in[next(iter(us))] += 1
    leg_gross: dict[str, int] = defaultdict(int)
    leg_positions: dict[tuple[str, str], int] = defaultdict(int)
    for u, (code, legs) in uld_of.items():
        t = ulds[code]
        content = uld_content[u] + bags_in[u] * bag.tare_g
        assert content <= t.payload_g, u
        assert len(uld_class[u]) == 1, u  # one segregation class per ULD
        for leg in legs.split():  # a connecting ULD takes its position and weight on every leg
            leg_gross[leg] += content + t.tare_g
            leg_positions[(leg, code)] += 1
    for (leg, code), n in leg_positions.items():  # every day's plans together, on the flight as offered
        assert n <= flights[leg].positions.get(code, 0), (leg, code, n)
    for leg, g in leg_gross.items():
        assert g <= flights[leg].payload_g, (leg, g)
    for house, masters in houses.items():
        assert len(masters) == 1, house  # a house number belongs to one master


def test_the_ledger_carries_every_booking_forward(done: Path) -> None:
    ledgers = sorted((done / "plan").glob("*/ledger.json"))
    assert len(ledgers) >= 2
    first, last = (json.loads(p.read_text()) for p in (ledgers[0], ledgers[-1]))
    for leg, booked in first["booked"].items():
        for resource, n in booked.items():
            assert last["booked"][leg][resource] >= n
    assert set(map(tuple, first["used"])) <= set(map(tuple, last["used"]))

"""Rate cards price the legs, rate shopping ranks the carriers of a lane, and a plan that prefers cost fills the
cheapest route first; a forwarder's own schedule and cards reach ``ponte consolidate``."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from ponte.cli import app
from ponte.kernel.errors import ValidationError
from ponte.logistics.consolidation import Rules, check_plan, consolidate
from ponte.logistics.costing import card_per_kg, priced, rate_shop
from ponte.logistics.intake import batch_of
from ponte.logistics.parcels import Parcel
from ponte.logistics.rating import ChargeableWeight, parse_rate_cards
from ponte.logistics.uld import Flight

T0 = datetime(2026, 3, 2, tzinfo=UTC)
KG100 = ChargeableWeight(Decimal(100), Decimal(100), Decimal(100), 6000, False)
CARDS = """
effective: 2026-03-01
cards:
  - {lane: CAN-GRU, carrier: "784", currency: USD, minimum: "85", normal: "9.80",
     breaks: {"45": "7.40", "1000": "5.20"}, surcharges: [{code: MY, name: fuel, per_kg: "1.10", basis: chargeable}]}
  - {lane: CAN-GRU, carrier: "071", currency: USD, minimum: "60", normal: "8.00", breaks: {"45": "6.00"},
     surcharges: []}
  - {lane: CAN-GRU, carrier: "999", currency: CNY, minimum: "400", normal: "50", breaks: {}, surcharges: []}
"""


def _leg(number: str, carrier: str, dep_h: int, cost: str) -> Flight:
    d = T0 + timedelta(hours=dep_h)
    return Flight(number, carrier, "CAN", "GRU", d, d + timedelta(hours=20), d - timedelta(hours=4), True,
                  Decimal(20000), {"AKE": 2}, Decimal(cost))  # fmt: skip


def test_a_leg_is_priced_by_its_carriers_card_and_the_lane_is_rate_shopped() -> None:
    cards = parse_rate_cards(CARDS)
    assert card_per_kg(cards[0]) == Decimal("6.30")  # the top break and the fuel surcharge
    legs = priced(
        [_leg("CZ1", "784", 10, "1.00"), _leg("ET1", "071", 10, "1.00"), _leg("X1", "157", 10, "2")], cards
    )
    assert [f.cost_per_kg for f in legs] == [Decimal("6.30"), Decimal("6.00"), Decimal("2")]
    shop = rate_shop(cards, "CAN", "GRU", KG100)
    assert [c.carrier for c, _line, _usd in shop] == ["071", "784"]  # the CNY card has no rate given
    assert shop[0][2] == Decimal("600.00")
    with_cny = rate_shop(cards, "CAN", "GRU", KG100,
                         {"CNY": Decimal("0.14")})  # fmt: skip
    assert [c.carrier for c, _l, _u in with_cny] == ["071", "999", "784"]  # 600, 700 (CNY 5000), 850 USD
    with pytest.raises(ValidationError) as caught:
        rate_shop(cards, "CAN", "LIM", ChargeableWeight(Decimal(1), Decimal(1), Decimal(1), 6000, False))
    assert caught.value.rule == "rate-card"
    with pytest.raises(ValidationError) as caught:
        parse_rate_cards("cards: [{lane: CAN-GRU}]")
    assert caught.value.field == "cards[0]"


def test_preferring_cost_fills_the_cheapest_flight_first() -> None:
    parcels = [
        Parcel(f"p{i}", Decimal(5), Decimal(40), Decimal(30), Decimal(30), "CAN", "GRU", T0)
        for i in range(40)
    ]
    early, cheap = _leg("E1", "784", 10, "6.00"), _leg("C1", "071", 30, "2.00")
    by_time = consolidate(batch_of(parcels), [early, cheap])
    by_cost = consolidate(batch_of(parcels), [early, cheap], Rules(prefer="cost"))
    assert check_plan(by_time) == [] and check_plan(by_cost) == []
    first = {by_time.flights[f].number for f in by_time.uld_flight[:1]}
    assert first == {"E1"} and by_cost.flights[by_cost.uld_flight[0]].number == "C1"
    with pytest.raises(ValidationError):
        Rules(prefer="cheap")


def test_consolidate_takes_a_forwarders_schedule_and_rate_cards(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "s.csv").write_text(
        "number,carrier,origin,destination,days,local_departure,block_hours,freighter,payload_kg,positions,"
        "cost_per_kg,cutoff_hours\n"
        "ZZ1,784,CAN,GRU,1234567,23:00,20,true,50000,AKE:5,9.00,6\n"
        "ZZ2,071,CAN,GRU,1234567,23:30,20,true,50000,AKE:5,9.00,6\n"
    )
    (tmp_path / "c.yaml").write_text(CARDS)
    (tmp_path / "p.csv").write_text(
        "id,weight_kg,length_cm,width_cm,height_cm,origin,destination,ready_at\n"
        "a1,0.8,30,20,10,CAN,GRU,2026-03-02T08:00:00+08:00\n"
    )
    args = ["consolidate", str(tmp_path / "p.csv"), "--json", "--schedule", str(tmp_path / "s.csv")]
    result = CliRunner().invoke(app, [*args, "--rate-cards", str(tmp_path / "c.yaml"), "--prefer", "cost"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert [a["flight"] for a in plan["assignments"]] == ["ZZ2"]  # 071's card is cheaper
    result = CliRunner().invoke(app, args)
    assert [a["flight"] for a in json.loads(result.output)["assignments"]] == ["ZZ1"]  # the earliest
    (tmp_path / "s.csv").write_text("number,carrier\nZZ1,784\n")
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and '"rule": "columns"' in result.output

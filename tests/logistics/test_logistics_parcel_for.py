"""``parcel_for(order)``: the one mapping from the order record to its parcel, and the dated dangerous-goods
rules it applies (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ponte.accounts.core import Seller
from ponte.catalog.core import Handling, Product
from ponte.kernel.errors import ValidationError
from ponte.kernel.measures import Box, Weight
from ponte.logistics.handling import classify, lithium_rule
from ponte.logistics.intake import batch_of
from ponte.logistics.network import Lanes
from ponte.logistics.packing import PackingRules, carton_weight, parcel_for
from ponte.orders.core import Address, Buyer, Line, Order, Payment

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)


def product(
    sku: str, kg: str = "0.5", box: tuple[int, int, int] = (20, 10, 5), **handling: object
) -> Product:
    return Product(
        id=f"prd_{sku}",
        tenant_id="ten_a",
        sku=sku,
        titles={"en": sku},
        category="general",
        direction="export",
        hs_code="850760",
        origin_country="CN",
        weight=Weight(Decimal(kg)),
        box=Box(*(Decimal(x) for x in box)),
        price=Decimal("10"),
        currency="USD",
        handling=Handling(**handling),  # type: ignore[arg-type]
    )


def order(*lines: tuple[Product, int], destination: str = "BR", paid: datetime | None = None) -> Order:
    return Order(
        id="ord_1",
        tenant_id="ten_a",
        external_ref="SO-1",
        channel="api",
        direction="import" if destination == "CN" else "export",
        trade_mode="9610",
        destination=destination,
        destination_region=None,
        currency="USD",
        freight=Decimal(0),
        insurance=Decimal(0),
        discount=Decimal(0),
        placed_at=T0,
        status="placed",
        buyer=Buyer(
            "byr_1",
            "individual",
            "Maria",
            "br.cpf",
            "52998224725",
            Address("Av. Paulista 1000", "São Paulo", "BR"),
        ),
        seller=Seller("ten_a", "Beleza Shenzhen Ltd"),
        lines=tuple(
            Line(i + 1, p.sku, p.sku, q, Decimal("10"), p.hs_code, "CN", p) for i, (p, q) in enumerate(lines)
        ),
        payment=Payment("PAY1", paid, Decimal("20"), "USD") if paid else None,
    )


def test_weights_box_class_airports_and_ready_time_come_from_the_order() -> None:
    phone = product(
        "PHONE",
        "0.30",
        (16, 8, 4),
        battery="lithium-ion",
        battery_packing="contained-in",
        battery_wh=Decimal("15"),
    )
    case = product("CASE", "0.05", (17, 9, 2))
    p = parcel_for(order((phone, 2), (case, 1), paid=T0 + timedelta(hours=1)))
    rules = PackingRules.default()
    assert p.net == Weight(Decimal("0.65"))  # 2 x 0.30 + 0.05: the lines' products
    # stacked 17 x 9 x (2 x 4 + 2) = 17 x 9 x 10, padded 1 cm a side: 19 x 12 x 11, the smallest carton of the
    # catalogue that holds it is 30 x 20 x 15 (20 x 15 x 10 and 25 x 20 x 10 are 1 cm too low)
    assert (p.box.length_cm, p.box.width_cm, p.box.height_cm) == (Decimal(30), Decimal(20), Decimal(15))
    assert p.gross == p.net + carton_weight(p.box, rules)  # goods and the carton's board; no dry ice
    assert p.handling_class == "ELI" and p.shc == ("ELI",) and not p.cargo_aircraft_only
    assert p.dangerous_goods == "UN3481/967/II" and not p.declaration and not p.notoc
    assert (p.origin, p.destination) == ("CAN", "GRU")  # a direct lane of the network
    assert p.ready_at == T0 + timedelta(hours=1) + rules.lead_time  # from the payment
    assert p.order_id == "ord_1" and p.shipper == "Beleza Shenzhen Ltd" and p.hs_codes == ("850760",)


def test_power_banks_fly_cargo_aircraft_only_and_cherries_as_perishables_with_dry_ice() -> None:
    bank = product("BANK", "0.3", battery="lithium-ion", battery_packing="alone", battery_wh=Decimal("74"))
    p = parcel_for(order((bank, 1)))
    assert p.handling_class == "CAO" and p.cargo_aircraft_only and set(p.shc) == {"CAO", "RLI"}
    assert p.dangerous_goods == "UN3480/965/I" and p.declaration and p.notoc  # fully regulated since 2022
    cherries = product(
        "CHERRY", "2.0", (30, 20, 10), perishable=True, temperature="chilled", dry_ice_kg=Decimal("1.5")
    )
    q = parcel_for(order((cherries, 2)))
    assert q.handling_class == "PER" and q.perishable and set(q.shc) == {"PER", "COL", "ICE"}
    assert q.dry_ice == Weight(Decimal("3.0")) and q.gross.kg > q.net.kg + Decimal("3.0") and q.notoc
    tracker = product(
        "TRACKER", "0.05", battery="lithium-metal", battery_packing="contained-in", lithium_g=Decimal("0.11")
    )
    assert parcel_for(order((tracker, 1))).handling_class == "ELM"


def test_a_rule_that_changed_keeps_both_versions() -> None:
    """Section II of PI 965 (small lithium ion batteries shipped alone) ended on 1 April 2022."""
    small = Handling(battery="lithium-ion", battery_packing="alone", battery_wh=Decimal("10"))
    before = classify([(small, 1)], date(2022, 3, 31))
    after = classify([(small, 1)], date(2022, 4, 1))
    assert before.lines[0].section == "II" and after.lines[0].section == "I"
    assert before.cargo_aircraft_only and after.cargo_aircraft_only  # UN3480 alone is CAO either way
    assert lithium_rule("lithium-metal", "alone", date(2026, 1, 1)).pi == "968"
    big = Handling(battery="lithium-ion", battery_packing="packed-with", battery_wh=Decimal("160"))
    assert classify([(big, 1)], date(2026, 1, 1)).klass == "RLI"  # over 100 Wh: fully regulated, passenger ok


def test_too_tall_stacks_become_a_cube_and_oversize_goods_a_carton_made_to_size() -> None:
    book = product("BOOK", "0.4", (24, 17, 3))
    tall = parcel_for(order((book, 40)))  # 120 cm of books
    assert tall.box.length_cm < 100 and tall.box.volume_cm3 >= 24 * 17 * 3 * 40
    rug = product("RUG", "6", (150, 40, 40))
    assert parcel_for(order((rug, 1))).box.length_cm == Decimal(152)


def test_no_lane_and_no_lines_are_named() -> None:
    lanes = Lanes.of([])
    with pytest.raises(ValidationError) as exc:
        parcel_for(order((product("X"), 1)), lanes=lanes)
    assert exc.value.rule == "no-lane" and exc.value.field == "destination"
    with pytest.raises(ValidationError) as none:
        parcel_for(order())
    assert none.value.rule == "order-lines"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.decimals("0.01", "20", places=3),
            st.integers(1, 60),
            st.integers(1, 60),
            st.integers(1, 30),
            st.integers(1, 5),
            st.sampled_from(["none", "ion-in", "ion-alone", "metal-with", "per", "ice"]),
        ),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from(["BR", "MX", "CL", "ES", "PT"]),
)
def test_property_every_parcel_holds_its_goods_and_plans(lines, destination) -> None:  # type: ignore[no-untyped-def]
    kinds = {
        "none": {},
        "ion-in": {"battery": "lithium-ion", "battery_packing": "contained-in", "battery_wh": Decimal("5")},
        "ion-alone": {"battery": "lithium-ion", "battery_packing": "alone", "battery_wh": Decimal("50")},
        "metal-with": {
            "battery": "lithium-metal",
            "battery_packing": "packed-with",
            "lithium_g": Decimal("1"),
        },
        "per": {"perishable": True, "temperature": "chilled"},
        "ice": {"dry_ice_kg": Decimal("0.5")},
    }
    products = [
        (product(f"S{i}", str(kg), (a, b, c), **kinds[kind]), q)
        for i, (kg, a, b, c, q, kind) in enumerate(lines)
    ]
    p = parcel_for(order(*products, destination=destination))
    net = sum((pr.weight.kg * q for pr, q in products), Decimal(0))
    assert p.net.kg == net and p.gross.kg > net  # the carton always weighs something
    volume = sum((pr.box.volume_cm3 * q for pr, q in products), Decimal(0))
    assert p.box.volume_cm3 >= volume
    if any(k == "ion-alone" for *_x, k in lines):
        assert p.cargo_aircraft_only and p.handling_class == "CAO"
    elif any(k == "per" for *_x, k in lines):
        assert p.handling_class == "PER"
    batch = batch_of([p])  # the one intake takes it as it is
    assert batch.classes == [p.handling_class] and int(batch.weight_g[0]) >= int(p.gross.kg * 1000)

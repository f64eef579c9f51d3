"""``parcel_for(order)``: THE one mapping from the order record to its parcel.

Pure. Net weight from the lines' products; the carton from the products' own boxes (stacked, padded, then the
smallest carton of ``data/packaging.yaml`` that holds them, or one made to size); gross weight = goods + carton
(board weight from its area, a documented practice figure) + dry ice; the dangerous-goods and perishable class
inherited from every product (``handling.classify``, dated rules); the airports from the market and the
network's lanes; the ready time from the payment (or the placing) plus the packing lead time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_CEILING, Decimal
from functools import cache

from ponte.kernel.errors import ValidationError
from ponte.kernel.measures import Box, Weight
from ponte.logistics._data import load_yaml
from ponte.logistics.errors import LogisticsError
from ponte.logistics.handling import classify
from ponte.logistics.network import Lanes, origin_gateways
from ponte.logistics.schedule import Schedule
from ponte.logistics.shipping import OrderParcel
from ponte.orders.core import Order
from ponte.reference.markets import market

__all__ = ["PackingRules", "carton_for", "default_lanes", "lane_for", "parcel_for"]

_CM = Decimal("0.01")


@dataclass(frozen=True)
class PackingRules:
    board_g_per_m2: Decimal
    glue_flap_cm: Decimal
    padding_cm: Decimal
    max_stack_height_cm: Decimal
    repack_factor: Decimal
    lead_time: timedelta
    cartons: tuple[tuple[Decimal, Decimal, Decimal], ...]

    @classmethod
    @cache
    def default(cls) -> PackingRules:
        d = load_yaml("packaging.yaml")
        return cls(
            board_g_per_m2=Decimal(str(d["board_g_per_m2"])),
            glue_flap_cm=Decimal(str(d["glue_flap_cm"])),
            padding_cm=Decimal(str(d["padding_cm"])),
            max_stack_height_cm=Decimal(str(d["max_stack_height_cm"])),
            repack_factor=Decimal(str(d["repack_factor"])),
            lead_time=timedelta(hours=float(d["lead_time_hours"])),
            cartons=tuple(
                tuple(sorted((Decimal(str(x)) for x in c), reverse=True))  # type: ignore[misc]
                for c in d["cartons"]
            ),
        )


@cache
def default_lanes() -> Lanes:
    """The lanes of Ponte's sample network (one week of it); a platform with its own schedule passes its own."""
    return Schedule.sample().lanes()


def _cbrt(value: Decimal) -> Decimal:
    root = Decimal(float(value) ** (1 / 3)).quantize(_CM, rounding=ROUND_CEILING)
    while root * root * root < value:  # never under the goods' volume
        root += _CM
    return root


def carton_for(order: Order, rules: PackingRules) -> Box:
    """The outer carton: the products' boxes stacked (longest and widest side, heights added; a cube of the
    volume plus a tenth when that gets too tall), padded on every side, then the smallest catalogue carton that
    holds it, else a carton made to size."""
    items = [(line.product.box, line.quantity) for line in order.lines]
    length = max(b.length_cm for b, _ in items)
    width = max(b.width_cm for b, _ in items)
    height = sum((b.height_cm * q for b, q in items), Decimal(0))
    if height > rules.max_stack_height_cm:
        volume = sum((b.volume_cm3 * q for b, q in items), Decimal(0)) * rules.repack_factor
        side = _cbrt(volume)
        length, width, height = max(side, length), max(side, width), side
    pad = 2 * rules.padding_cm
    need = sorted((length + pad, width + pad, height + pad), reverse=True)
    for carton in rules.cartons:
        if all(n <= c for n, c in zip(need, carton, strict=True)):
            return Box(*carton)
    return Box(*(n.quantize(Decimal(1), rounding=ROUND_CEILING) for n in need))


def carton_weight(box: Box, rules: PackingRules) -> Weight:
    """A regular slotted carton's board: blank (2L + 2W + glue flap) x (W + H), times the board's grammage."""
    blank_cm2 = (2 * box.length_cm + 2 * box.width_cm + rules.glue_flap_cm) * (box.width_cm + box.height_cm)
    grams = blank_cm2 / Decimal(10_000) * rules.board_g_per_m2
    return Weight((grams / 1000).quantize(Decimal("0.001"), rounding=ROUND_CEILING))


def lane_for(order: Order, lanes: Lanes) -> tuple[str, str]:
    """Origin and destination airports: a pair the network serves directly, else through a hub; an order to
    a market no flight of the network reaches is refused naming its destination."""
    china = tuple(dict.fromkeys((*origin_gateways(), *market("CN").airports)))
    if order.direction == "export":
        origins, dests = china, market(order.destination, "destination").airports
    else:
        source = order.origin
        origins = market(source, "origin").airports if source != "CN" else china
        dests = china
    found = lanes.choose(origins, dests)
    if found is None:
        raise ValidationError(
            f"no flight of the network serves {order.origin} → {order.destination}",
            field="destination",
            rule=LogisticsError.NO_LANE,
        )
    return found


def parcel_for(
    order: Order,
    *,
    lanes: Lanes | None = None,
    rules: PackingRules | None = None,
    parcel_id: str | None = None,
    route: tuple[str, str] | None = None,
) -> OrderParcel:
    """The parcel of ``order``: weights, carton, class, airports and ready time (pure). ``route`` gives the
    airports of a parcel that does not fly from the park (one leaving a warehouse near its buyer)."""
    if not order.lines:
        raise ValidationError(
            "an order without lines has no parcel", field="lines", rule=LogisticsError.ORDER_LINES
        )
    rules = rules or PackingRules.default()
    paid = order.payment.paid_at if order.payment is not None else None
    ready = (paid or order.placed_at) + rules.lead_time
    handling = classify(((line.product.handling, line.quantity) for line in order.lines), ready.date())
    box = carton_for(order, rules)
    net = order.net_weight
    gross = net + carton_weight(box, rules) + Weight(handling.dry_ice_kg)
    origin, destination = route or lane_for(order, lanes or default_lanes())
    descriptions = sorted({line.description for line in order.lines})
    return OrderParcel(
        id=parcel_id or f"{order.id}-P1",
        order_id=order.id,
        tenant_id=order.tenant_id,
        gross=gross,
        net=net,
        box=box,
        dangerous_goods=handling.dangerous_goods,
        perishable=handling.perishable,
        origin=origin,
        destination=destination,
        ready_at=ready,
        handling_class=handling.klass,
        shc=handling.shc,
        cargo_aircraft_only=handling.cargo_aircraft_only,
        dry_ice=Weight(handling.dry_ice_kg),
        shipper=order.seller.name or order.tenant_id,
        goods="; ".join(descriptions)[:200],
        hs_codes=tuple(sorted({line.hs_code for line in order.lines})),
        notoc=handling.notoc,
        declaration=handling.declaration,
    )

"""The options an order really has, each quoted and costed (pure).

* **direct air parcel** (9610 to an individual, 9710 to a business; 9610 also for a direct-purchase import
  into China): the duties engine quotes the order as it is mapped (``duties.mapping.request_data``), with
  China's channel 9610 for an import; the air charge is logistics' rate card at the quantity rate of a
  consolidated master (``consolidation_kg``), on the parcel's chargeable weight (express divisor, per piece);
  the promise is the park's hand-over, the lane's transit and the market's clearance and last mile.
* **overseas warehouse** (9810): the stock entered the market before the sale, as an import of the site's
  stock (the units it holds, at the customs value and rates of its import declaration, by the importer, a
  business) — not as a parcel: the engine quotes that import (above a simplified regime's cap it is the
  ordinary import) and the order bears its share by customs value, rounded half up to the currency's minor
  unit (Ponte's apportionment, not an authority's). The warehouse's pick, pack and last mile come from the
  practice data; the promise from the site's cut-off, handling days and the last mile's days.
* **bonded warehouse** (1210, imports into China): the engine quotes the sale with China's channel 1210.
* **split**: the lines a site holds leave it, the others fly from the park.

Every amount is in the order's currency; logistics charges in another currency are converted with the
caller's FX source on the order's date and rounded half up to the minor unit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from ponte.duties.context import FxSource, Quote
from ponte.duties.engine import quote
from ponte.duties.mapping import request_data
from ponte.duties.model import parse_request
from ponte.duties.params import Rules
from ponte.duties.registrations import SellerRegistrations
from ponte.fulfilment.model import AirRate, FulfilmentError, ImportFacts, Leg, Option, SellerRules, Site
from ponte.fulfilment.practice import Practice, modes, practice
from ponte.kernel.errors import PonteError, ValidationError
from ponte.kernel.money import minor_units
from ponte.logistics.network import Lanes
from ponte.logistics.packing import parcel_for
from ponte.logistics.rating import DIVISOR_EXPRESS, ChargeableWeight, Piece, chargeable_weight, rate
from ponte.orders.core import Line, Order
from ponte.reference.markets import market

__all__ = ["Inputs", "air_mode", "is_live", "options_for"]


@dataclass(frozen=True)
class Inputs:
    """Everything an order's options are built from besides the order."""

    rules: Rules
    fx: FxSource | None
    lanes: Lanes
    air: Mapping[tuple[str, str], AirRate]
    sites: Sequence[Site] = ()
    seller: SellerRules = field(default_factory=SellerRules)
    registrations: SellerRegistrations = field(default_factory=lambda: SellerRegistrations(()))
    imports: Mapping[tuple[str, str], ImportFacts] = field(default_factory=dict)  # (country, sku)
    practice: Practice = field(default_factory=practice)
    #: the legs already quoted and costed, by everything they depend on (a batch gives each run its own)
    memo: dict[tuple[Any, ...], Leg] | None = None


def _key(kind: str, order: Order, part: Order, extra: tuple[Any, ...] = ()) -> tuple[Any, ...]:
    """Everything a leg's quote and cost depend on (not the order's id, channel or time of day)."""
    lines = tuple(
        (ln.line_no, ln.sku, ln.quantity, ln.unit_price, ln.hs_code, ln.origin_country, _product(ln, order))
        for ln in sorted(part.lines, key=lambda ln: ln.line_no)
    )
    return (
        kind, order.placed_at.date(), order.destination, order.destination_region, order.currency,
        order.direction, order.buyer.kind, part.freight, part.insurance, part.discount, lines, *extra,
    )  # fmt: skip


def _product(line: Line, order: Order) -> tuple[Any, ...]:
    p = line.product
    b = p.box
    return (p.id, p.weight.kg, b.length_cm, b.width_cm, b.height_cm, p.category, p.hs_code,
            p.tariff_code(order.destination), p.handling, p.china)  # fmt: skip


def _memo(inputs: Inputs, key: tuple[Any, ...], make: Callable[[], Leg]) -> Leg:
    if inputs.memo is None:
        return make()
    found = inputs.memo.get(key)
    if found is None:
        found = inputs.memo[key] = make()
    return found


def _q(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


def convert(amount: Decimal, base: str, to: str, on: date, fx: FxSource | None) -> Decimal:
    if base == to:
        return amount
    if fx is None:
        raise ValidationError(f"no exchange rate source for {base}/{to}", field="fx", rule="fx-rate")
    return amount * fx.rate(base, to, on).rate


def is_live(order: Order) -> bool:
    return order.channel == "live" or order.live_session_id is not None


def air_mode(order: Order) -> str | None:
    """The direct mode for the order's direction and buyer (9610 B2C, 9710 B2B), None when there is none."""
    on = order.placed_at.date()
    for code in ("9610", "9710"):
        m = modes()[code]
        if order.direction in m.directions and order.buyer.kind in m.buyers and m.since <= on:
            return code
    return None


def _part(order: Order, lines: Sequence[Line], whole: bool) -> Order:
    """The order restricted to ``lines``: freight, insurance and discount follow the goods' value share."""
    if whole:
        return order
    share = (
        sum((ln.value for ln in lines), Decimal(0)) / order.goods_value if order.goods_value else Decimal(1)
    )
    cur = order.currency
    return replace(
        order,
        lines=tuple(lines),
        freight=_q(order.freight * share, cur),
        insurance=_q(order.insurance * share, cur),
        discount=min(_q(order.discount * share, cur), sum((ln.value for ln in lines), Decimal(0))),
    )


def _verdict(q: Quote) -> tuple[str, tuple[str, ...]]:
    blocking = tuple(f"{r.code}:{r.field}".rstrip(":") for r in q.reasons if r.blocking)
    return q.status, blocking


def _tax(q: Quote, currency: str, on: date, fx: FxSource | None) -> Decimal:
    return _q(convert(q.total_tax, q.currency, currency, on, fx), currency)


def _quote(data: dict[str, Any], inputs: Inputs) -> Quote | str:
    try:
        return quote(parse_request(data), inputs.rules, inputs.fx)
    except PonteError as exc:
        return f"{exc.rule or 'quote'}:{exc.field}".rstrip(":")


def _air_leg(order: Order, part: Order, mode: str, inputs: Inputs) -> Leg:
    return _memo(inputs, _key(mode, order, part), lambda: _air(order, part, mode, inputs))


def _air(order: Order, part: Order, mode: str, inputs: Inputs) -> Leg:
    nos = tuple(sorted(ln.line_no for ln in part.lines))
    on = order.placed_at.date()
    try:
        parcel = parcel_for(part, lanes=inputs.lanes)
    except PonteError as exc:
        return Leg(mode, None, nos, "unavailable", reasons=(f"{exc.rule}:{exc.field}",))
    air = inputs.air.get((parcel.origin, parcel.destination))
    if air is None:
        why = f"no-air-rate:{parcel.origin}-{parcel.destination}"
        return Leg(mode, None, nos, "unavailable", reasons=(why,))
    data = request_data(part, seller=inputs.registrations)
    if order.direction == "import":
        data["channel"] = "9610"
    q = _quote(data, inputs)
    if isinstance(q, str):
        return Leg(mode, None, nos, "unavailable", reasons=(q,))
    status, reasons = _verdict(q)
    box = parcel.box
    cw = chargeable_weight(
        [Piece(parcel.gross.kg, box.length_cm, box.width_cm, box.height_cm)], DIVISOR_EXPRESS, per_piece=True
    )
    master_kg = Decimal(inputs.practice.whole("consolidation_kg", on))
    master = rate(air.card, ChargeableWeight(master_kg, master_kg, master_kg, DIVISOR_EXPRESS, False))
    per_kg = master.total.amount / master_kg
    cost = _q(
        convert(cw.chargeable_kg * per_kg, air.card.currency, order.currency, on, inputs.fx), order.currency
    )
    days = inputs.practice.whole("park_handling_days", on) + air.transit_days
    days += inputs.practice.delivery_days(order.destination, on)
    basis = (
        {"name": "air_rate", "ref": air.card.lane, "source": air.card.source,
         "effective": air.card.effective.isoformat() if air.card.effective else ""},
        inputs.practice.get("consolidation_kg", on).cite(),
        inputs.practice.get("parcel_delivery_days", on).cite(),
    )  # fmt: skip
    return Leg(
        mode, None, nos, status, q.regime, q.treatment, _tax(q, order.currency, on, inputs.fx), cost,
        on + timedelta(days=days), reasons, basis,
    )  # fmt: skip


def _import_data(order: Order, part: Order, site: Site, inputs: Inputs) -> tuple[dict[str, Any], Decimal]:
    """The import that brought the site's stock into its market, and the order's share of it."""
    data = request_data(part, seller=inputs.registrations)
    on = order.placed_at.date()
    data["buyer"] = {"kind": "business"}
    data["discount"], data["insurance"] = "0", "0"
    if site.region:
        data["destination_region"] = site.region
    freight, ours, lot_value = Decimal(0), Decimal(0), Decimal(0)
    lines = sorted(part.lines, key=lambda ln: ln.line_no)
    for item, line in zip(data["items"], lines, strict=True):
        facts = inputs.imports.get((site.country, line.sku))
        lot = max(line.quantity, int(site.stock.get(line.sku, 0)))
        unit = line.unit_price
        if facts is not None:
            unit = _q(
                convert(facts.unit_value, facts.currency, order.currency, on, inputs.fx), order.currency
            )
            per = convert(facts.freight_per_unit, facts.currency, order.currency, on, inputs.fx)
            freight += per * lot
            rates = {k: str(v) for k, v in facts.rates.items()}
            if rates:
                item["rates"] = rates
        item["quantity"], item["unit_price"] = lot, str(unit)
        ours += unit * line.quantity
        lot_value += unit * lot
    data["freight"] = str(_q(freight, order.currency))
    return data, (ours / lot_value if lot_value else Decimal(1))


def _site_leg(order: Order, part: Order, site: Site, inputs: Inputs) -> Leg:
    """The site's leg: its quote and cost (the same all day), and its promise from the order's local time."""
    held = tuple(int(site.stock.get(ln.sku, 0)) for ln in sorted(part.lines, key=lambda ln: ln.line_no))
    leg = _memo(
        inputs,
        _key(site.code, order, part, (site.country, site.trade_mode, site.bonded, site.region, held)),
        lambda: _site(order, part, site, inputs),
    )
    if leg.status == "unavailable":
        return leg
    on = order.placed_at.date()
    tariff = inputs.practice.warehouse(site.country, on)
    local = order.placed_at.astimezone(ZoneInfo(site.time_zone))
    start = local.date() + timedelta(
        days=1 if site.cut_off_local and local.time() > site.cut_off_local else 0
    )
    return replace(leg, promised=start + timedelta(days=site.handling_days + tariff.days))


def _site(order: Order, part: Order, site: Site, inputs: Inputs) -> Leg:
    nos = tuple(sorted(ln.line_no for ln in part.lines))
    on = order.placed_at.date()
    if site.trade_mode == "1210":
        data = request_data(part, seller=inputs.registrations)
        data["channel"] = "1210"
        share = Decimal(1)
    else:
        data, share = _import_data(order, part, site, inputs)
    q = _quote(data, inputs)
    if isinstance(q, str):
        return Leg(site.trade_mode, site.code, nos, "unavailable", reasons=(q,))
    status, reasons = _verdict(q)
    tax = _q(convert(q.total_tax * share, q.currency, order.currency, on, inputs.fx), order.currency)
    near = market(site.country, "warehouse.country").airports[0]
    parcel = parcel_for(part, lanes=inputs.lanes, route=(near, near))
    tariff = inputs.practice.warehouse(site.country, on)
    units = sum(ln.quantity for ln in part.lines)
    charge = (
        tariff.per_order
        + tariff.per_unit * units
        + tariff.last_mile
        + tariff.last_mile_per_kg * parcel.gross.kg
    )
    cost = _q(convert(charge, tariff.currency, order.currency, on, inputs.fx), order.currency)
    local = order.placed_at.astimezone(ZoneInfo(site.time_zone))
    start = local.date() + timedelta(
        days=1 if site.cut_off_local and local.time() > site.cut_off_local else 0
    )
    promised = start + timedelta(days=site.handling_days + tariff.days)
    basis = (inputs.practice.get("warehouse", on).cite(),)
    return Leg(
        site.trade_mode, site.code, nos, status, q.regime, q.treatment, tax, cost, promised, reasons, basis
    )


def _serves(site: Site, order: Order) -> bool:
    m = modes()[site.trade_mode]
    on = order.placed_at.date()
    if order.direction not in m.directions or order.buyer.kind not in m.buyers or m.since > on:
        return False
    if site.trade_mode == "1210":
        return site.bonded and site.country == "CN" and order.destination == "CN"
    return not site.bonded and site.country == order.destination


def _free(site: Site, line: Line, order: Order, seller: SellerRules) -> bool:
    held = int(site.stock.get(line.sku, 0))
    keep = 0 if is_live(order) else seller.reserve(line.sku)
    return held - keep >= line.quantity


def options_for(order: Order, inputs: Inputs) -> list[Option]:
    """Every option the order has, in a stable order: the direct parcel, then each site (whole, then split)."""
    if not order.lines:
        raise ValidationError(
            "an order without lines has no fulfilment", field="lines", rule=FulfilmentError.ORDER_LINES
        )
    opts: list[Option] = []
    on = order.placed_at.date()

    payable = _q(order.total, order.currency)  # what the buyer is charged, in the currency's minor units

    def option(key: str, legs: tuple[Leg, ...]) -> Option:
        return Option(key, legs, order.currency, payable, on)

    direct = air_mode(order)
    if direct is not None:
        opts.append(option(direct, (_air_leg(order, order, direct, inputs),)))
    lines = sorted(order.lines, key=lambda ln: ln.line_no)
    for site in sorted(inputs.sites, key=lambda s: s.code):
        if not _serves(site, order):
            continue
        held = [ln for ln in lines if _free(site, ln, order, inputs.seller)]
        if len(held) == len(lines):
            opts.append(option(f"{site.trade_mode}@{site.code}", (_site_leg(order, order, site, inputs),)))
        elif held and direct is not None:
            rest = [ln for ln in lines if ln not in held]
            legs = (
                _site_leg(order, _part(order, held, False), site, inputs),
                _air_leg(order, _part(order, rest, False), direct, inputs),
            )
            opts.append(option(f"{site.trade_mode}@{site.code}+{direct}", legs))
    return opts

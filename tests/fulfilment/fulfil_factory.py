"""Order records, sites and inputs for the fulfilment tests (built as the order record is, no database)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from ponte.accounts.core import Seller
from ponte.catalog.core import Product
from ponte.duties.params import default_rules
from ponte.duties.registrations import SellerRegistrations, TaxRegistration
from ponte.fulfilment.model import AirRate, ImportFacts, SellerRules, Site
from ponte.fulfilment.options import Inputs
from ponte.kernel.errors import PonteError
from ponte.kernel.measures import Box, Weight
from ponte.logistics.network import Lanes, sample_flights
from ponte.logistics.rating import RateCard, load_rate_cards
from ponte.orders.core import Address, Buyer, Line, Order


class _Rate:
    def __init__(self, rate: Decimal, on: Any) -> None:
        self.rate, self.table, self.rate_date = rate, "test", on


class FixedRates:
    PER_USD = {
        "USD": Decimal(1), "EUR": Decimal("0.92"), "CNY": Decimal("7.10"), "BRL": Decimal("5.50"),
        "MXN": Decimal("18.00"), "CLP": Decimal("930"), "MOP": Decimal("8.05"),
    }  # fmt: skip

    def rate(self, base: str, quote: str, on: Any, /) -> _Rate:
        if base not in self.PER_USD or quote not in self.PER_USD:
            raise PonteError(f"no {base}/{quote}", field="fx", rule="rate-available")
        return _Rate(self.PER_USD[quote] / self.PER_USD[base], on)


def product(sku: str, price: str, *, kg: str = "0.4", hs: str = "330499", origin: str = "CN",
            category: str = "beauty", direction: str = "export", currency: str = "USD") -> Product:  # fmt: skip
    return Product(
        id=f"p-{sku}", tenant_id="ten", sku=sku, titles={"en": sku}, category=category, direction=direction,
        hs_code=hs, origin_country=origin, weight=Weight(Decimal(kg)),
        box=Box(Decimal(20), Decimal(15), Decimal(8)), price=Decimal(price), currency=currency,
    )  # fmt: skip


def order(
    lines: Sequence[tuple[str, int, str]] | Sequence[tuple[str, int, str, Product]],
    *,
    destination: str = "BR",
    region: str | None = "BR-SP",
    currency: str = "USD",
    placed: datetime = datetime(2024, 9, 2, 12, tzinfo=UTC),
    direction: str = "export",
    trade_mode: str = "9610",
    buyer_kind: str = "individual",
    freight: str = "5",
    channel: str = "web",
    live: str | None = None,
    order_id: str = "ord-1",
) -> Order:
    built = []
    for n, row in enumerate(lines, start=1):
        sku, qty, price = row[0], row[1], row[2]
        prod = row[3] if len(row) > 3 else product(sku, price, direction=direction, currency=currency)  # type: ignore[misc]
        built.append(Line(n, sku, sku, qty, Decimal(price), prod.hs_code, prod.origin_country, prod))
    addr = Address("Rua 1", "São Paulo", destination, "01000-000", region)
    buyer = Buyer(f"b-{order_id}", buyer_kind, "Ana", "cpf", "12345678909", addr)
    return Order(
        order_id, "ten", f"ref-{order_id}", channel, direction, trade_mode, destination, region, currency,
        Decimal(freight), Decimal(0), Decimal(0), placed, "quoted", buyer, Seller("ten", "Seller"),
        tuple(built), live_session_id=live,
    )  # fmt: skip


def lanes() -> Lanes:
    return Lanes.of(sample_flights(date(2026, 3, 2), 14))


def air_rates(transit_days: int = 4) -> dict[tuple[str, str], AirRate]:
    """The rate cards of logistics, and a card from the schedule's cost per kg for every other lane."""
    cards = {(c.origin, c.destination): c for c in load_rate_cards()}
    out = {k: AirRate(c, transit_days) for k, c in cards.items()}
    for f in sample_flights(date(2026, 3, 2), 7):
        key = (f.origin, f.destination)
        if key not in out:
            card = RateCard(f.origin, f.destination, f.carrier, f.currency, Decimal(0), f.cost_per_kg, {},
                            effective=date(2026, 1, 1), source="logistics network.yaml cost per kg")  # fmt: skip
            out[key] = AirRate(card, transit_days)
    # through hubs: the lane's pair as the packer chooses it
    for a, b in lanes().reachable:
        if (a, b) not in out:
            card = RateCard(a, b, "000", "USD", Decimal(0), Decimal("6.50"), {}, effective=date(2026, 1, 1),
                            source="test: a lane through hubs")  # fmt: skip
            out[(a, b)] = AirRate(card, transit_days + 2)
    return out


def site(code: str = "SP1", country: str = "BR", stock: dict[str, int] | None = None, *, bonded: bool = False,
         mode: str = "9810", tz: str = "America/Sao_Paulo", cut_off: time | None = time(14, 0),
         handling: int = 1, region: str | None = "BR-SP") -> Site:  # fmt: skip
    return Site(code, country, bonded, mode, tz, stock or {}, handling, cut_off, region)


BR_RATES = {"duty": Decimal("0.18"), "ipi": Decimal("0.10"), "vat": Decimal("0.18")}


def inputs(
    sites: Sequence[Site] = (),
    *,
    rules: SellerRules | None = None,
    imports: dict[tuple[str, str], ImportFacts] | None = None,
    remessa_conforme: bool = True,
    transit_days: int = 4,
) -> Inputs:
    regs = (
        SellerRegistrations((TaxRegistration("remessa_conforme", "RC-1", date(2023, 8, 1)),))
        if remessa_conforme
        else SellerRegistrations(())
    )
    return Inputs(
        rules=default_rules(),
        fx=FixedRates(),
        lanes=lanes(),
        air=air_rates(transit_days),
        sites=tuple(sites),
        seller=rules or SellerRules(),
        registrations=regs,
        imports=imports or {},
    )

"""The demo's moving parts, after the corpus is loaded: a live session on air now (offers open, one
pinned, reservations held and paid) and orders walked along their journey through its services (quoted,
held, packed, booked, cancelled), so every page of the console has something to show."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from ponte.catalog import service as catalog
from ponte.journey import service as journey
from ponte.kernel.errors import PonteError
from ponte.live import service as live
from ponte.live.sessions import Visit
from ponte.logistics import service as logistics
from ponte.logistics.awb import StockRange
from ponte.orders import service as orders
from ponte.platform.db import Database
from ponte.simulate.demo_customs import declare_demo
from ponte.simulate.demo_logistics import fly

log = logging.getLogger("ponte.demo")

#: The AWB stock of the demo's sellers (airline prefixes of the demo schedule's carriers).
AWB_PREFIXES = ("784", "999", "160", "675", "071", "075", "996", "047", "157")


@dataclass
class Enlivened:
    session_id: str = ""
    offers: list[str] = field(default_factory=list)
    held: int = 0
    paid: int = 0
    moved: dict[str, int] = field(default_factory=dict)


def _buyer(n: int) -> dict[str, Any]:
    return {
        "external_ref": f"LIVE-NOW-{n:04d}",
        "destination": "BR",
        "destination_region": "BR-SP",
        "buyer": {
            "name": f"Compradora {n}",
            "tax_id": "111.444.777-35",
            "address": {
                "line1": f"Rua Augusta {100 + n}",
                "city": "São Paulo",
                "region": "SP",
                "postal_code": "01305-000",
                "country": "BR",
            },
        },
        "payment": {"transaction_id": f"LIVENOW{n:012d}"},
    }


def live_now(database: Database, tenant_id: str, at: datetime, buyers: int = 24) -> Enlivened:
    """A session on air for the tenant: its booths as the route, two flash sales open (the first pinned),
    and buyers holding units, two in three of them paid."""
    out = Enlivened()
    with database.unit_of_work() as uow:
        products = [p for p in catalog.products(uow, tenant_id, limit=50) if p.currency]
        booths = catalog.booths(uow, tenant_id)
        if not products or not booths:
            return out
        streamer = live.add_streamer(uow, tenant_id, "Lia Chen", ["zh-CN", "pt-BR", "es"], at)
        starts = at - timedelta(minutes=20)
        route = [Visit(b, starts + timedelta(minutes=5 + 25 * i)) for i, b in enumerate(booths[:4])]
        session = live.add_session(
            uow, tenant_id, "Flash sale tour", streamer, starts, starts + timedelta(hours=2), route, at
        )
        live.start(uow, tenant_id, session.id, at)
        for product, minutes in zip(products[:2], (14, 40), strict=False):
            price = (product.price * Decimal("0.8")).quantize(Decimal("0.01"))
            offer = live.open_offer(uow, tenant_id, session.id, product.sku, price, 60, 3, minutes, at)
            out.offers.append(offer.id)
        live.pin(uow, tenant_id, session.id, out.offers[0])
        uow.commit()
        out.session_id = session.id
    for n in range(buyers):
        try:
            held = live.reserve(
                database, tenant_id, out.offers[n % len(out.offers)], f"viewer-{n}", 1 + n % 2, at
            )
        except PonteError:
            continue
        out.held += 1
        if n % 3:
            with database.unit_of_work() as uow:
                live.pay_reservation(uow, tenant_id, held, _buyer(n), at)
                uow.commit()
            out.paid += 1
    return out


def walk_orders(
    database: Database, ctx: journey.Context, tenant_id: str, at: datetime, count: int = 60
) -> dict[str, int]:
    """The tenant's newest placed orders walked through the journey: quoted (or held), some packed, some
    booked on the schedule's flights, two cancelled."""
    moved: dict[str, int] = {}
    with database.unit_of_work() as uow:
        page, _ = orders.search(uow, tenant_id, None, count, status="placed")
        ids = [o.id for o in page.items]
        for n, prefix in enumerate(AWB_PREFIXES):
            logistics.add_awb_range(uow, tenant_id, StockRange(prefix, 1000 + n * 1000, 1999 + n * 1000), at)
        uow.commit()
    quoted: list[str] = []
    for order_id in ids:
        with database.unit_of_work() as uow:
            try:
                state = journey.requote(uow, tenant_id, order_id, ctx, at).order.status
                uow.commit()
            except PonteError as exc:
                log.info("order %s not quoted: %s", order_id, exc)
                continue
        moved[state] = moved.get(state, 0) + 1
        if state == "quoted":
            quoted.append(order_id)
    packed: list[str] = []
    for order_id in quoted[: len(quoted) * 2 // 3]:
        with database.unit_of_work() as uow:
            try:
                journey.fulfil(uow, tenant_id, order_id, ctx, at)
                uow.commit()
                packed.append(order_id)
            except PonteError as exc:
                log.info("order %s not packed: %s", order_id, exc)
    air = []
    with database.unit_of_work() as uow:
        air = [i for i in packed if orders.get(uow, tenant_id, i).trade_mode in journey.AIR_MODES]
    for order_id in air[: len(air) // 2]:
        with database.unit_of_work() as uow:
            try:
                journey.ship(uow, tenant_id, [order_id], ctx, at)
                uow.commit()
            except PonteError as exc:
                log.info("order %s not booked: %s", order_id, exc)
    for order_id in quoted[-2:]:
        with database.unit_of_work() as uow:
            journey.cancel(uow, tenant_id, order_id, "the buyer changed their mind", ctx, at)
            uow.commit()
    fly(database, ctx, tenant_id, at)  # more orders booked together on flights, every shipment tracked
    declare_demo(database, ctx, tenant_id, at)  # booked orders declared, customs answering in every state
    with database.unit_of_work() as uow:
        _, counts = orders.search(uow, tenant_id, None, 1)
    return counts

"""A seller with a booth, a product, a streamer, a session and an open flash-sale offer (a module of its
own name, so that tests import it whatever other folders' conftest modules are loaded)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from ponte.catalog.store import Booth, Product
from ponte.kernel.ids import new_id
from ponte.live import service as live_service
from ponte.live.offers import OfferTerms
from ponte.live.sessions import Visit
from ponte.live.store.stock_sql import OfferSnapshot, load_offer
from ponte.platform.db import Database

NOW = datetime(2026, 11, 11, 12, 0, tzinfo=UTC)


@dataclass
class Stage:
    database: Database
    tenant_id: str
    session_id: str
    booth_id: str
    sku: str

    def offer(self, cap: int = 100, limit: int = 2, buckets: int = 8, hold: int = 600) -> OfferSnapshot:
        terms = OfferTerms(
            price=Decimal("59.90"),
            currency="CNY",
            quantity_cap=cap,
            per_buyer_limit=limit,
            opens_at=NOW - timedelta(minutes=1),
            closes_at=NOW + timedelta(minutes=30),
            hold=timedelta(seconds=hold),
            buckets=buckets,
        )
        with self.database.unit_of_work() as uow:
            offer = live_service.add_offer(uow, self.tenant_id, self.session_id, self.sku, terms, NOW)
            uow.commit()
        return load_offer(self.database, self.tenant_id, offer.id)


def build_stage(database: Database, tenant_id: str) -> Stage:
    with database.unit_of_work() as uow:
        booth = Booth(id=new_id("bth"), tenant_id=tenant_id, code="B-101", hall="H1", categories=["beauty"])
        uow.session.add(booth)
        uow.session.add(
            Product(
                id=new_id("prd"),
                tenant_id=tenant_id,
                sku="LIP-01",
                titles={"en": "Lipstick", "zh-CN": "口红"},
                category="beauty",
                direction="export",
                hs_code="330410",
                origin_country="CN",
                weight_kg=Decimal("0.05"),
                length_cm=Decimal(8),
                width_cm=Decimal(2),
                height_cm=Decimal(2),
                price=Decimal("89.00"),
                currency="CNY",
                attributes={},
                created_at=NOW,
            )
        )
        uow.session.flush()
        streamer_id = live_service.add_streamer(uow, tenant_id, "Lia", ["pt-BR", "zh-CN"], NOW)
        live = live_service.add_session(
            uow,
            tenant_id,
            "Beauty hall tour",
            streamer_id,
            NOW - timedelta(minutes=10),
            NOW + timedelta(hours=2),
            [Visit(booth.id, NOW - timedelta(minutes=5))],
            NOW,
        )
        uow.commit()
    return Stage(database, tenant_id, live.id, booth.id, "LIP-01")

"""A small park for console tests: an operator, two sellers, products and orders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from console_client import ConsoleClient as ConsoleClient
from ponte import schema
from ponte.accounts.core import ALL_TENANT_SCOPES
from ponte.accounts.store import ApiKeyRepository, TenantRepository
from ponte.catalog.store import Booth, Product, ProductRepository
from ponte.kernel.ids import new_id
from ponte.orders.intake import OrderIn
from ponte.orders.service import place_order
from ponte.platform.db import Database

LANGS = ["zh-CN", "en", "pt-BR", "es"]
T0 = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)

TITLES = {
    "BEAUTY-001": {
        "zh-CN": "玻尿酸精华液",
        "en": "Hyaluronic serum",
        "pt-BR": "Sérum de ácido hialurônico",
        "es": "Sérum de ácido hialurónico",
    },
    "HOME-002": {"zh-CN": "硅胶厨具套装", "en": "Silicone kitchen set", "es": "Juego de cocina de silicona"},
    "ELEC-003": {
        "zh-CN": "蓝牙耳机",
        "en": "Bluetooth earbuds",
        "pt-BR": "Fones Bluetooth",
        "es": "Auriculares Bluetooth",
    },
}


@dataclass
class Park:
    operator_id: str
    seller_id: str  # demo seller
    other_id: str  # a seller outside the demo, signed in with a key
    seller_key: str
    other_key: str
    operator_key: str
    revoked_key: str
    seller_order_ids: list[str]
    other_order_ids: list[str]


def buyer(n: int) -> dict[str, object]:
    return {
        "name": f"Maria Souza {n}",
        "tax_id": "111.444.777-35",
        "address": {
            "line1": "Av. Paulista 1000",
            "city": "São Paulo",
            "region": "SP",
            "postal_code": "01310-100",
            "country": "BR",
        },
    }


def product(sku: str, price: str, category: str) -> Product:
    return Product(
        id=new_id("prd"),
        sku=sku,
        titles=TITLES[sku],
        category=category,
        direction="export",
        hs_code="330499",
        origin_country="CN",
        weight_kg=Decimal("0.84"),
        length_cm=Decimal(10),
        width_cm=Decimal(8),
        height_cm=Decimal(5),
        price=Decimal(price),
        currency="USD",
        attributes={},
        created_at=T0,
    )


def seed(database: Database, orders_per_seller: int = 30) -> Park:
    schema.create_all(database.engine)
    with database.unit_of_work() as uow:
        tenants = TenantRepository(uow.session)
        operator = tenants.add("Qianhai Park", "demo-park", "operator", "CN")
        seller = tenants.add("Shenzhen Glow Beauty", "demo-glow", "seller", "CN")
        other = tenants.add("Yiwu Home Goods", "yiwu-home", "seller", "CN")
        keys = ApiKeyRepository(uow.session)
        _, seller_key = keys.issue(seller.id, "console", ALL_TENANT_SCOPES)
        _, other_key = keys.issue(other.id, "console", ALL_TENANT_SCOPES)
        _, operator_key = keys.issue(operator.id, "console", [*ALL_TENANT_SCOPES, "park:operate"])
        revoked, revoked_key = keys.issue(other.id, "old", ALL_TENANT_SCOPES)
        keys.revoke(other.id, revoked.id)
        uow.session.add(
            Booth(id=new_id("bth"), tenant_id=seller.id, code="A-101", hall="A", categories=["beauty"])
        )
        uow.session.add(
            Booth(id=new_id("bth"), tenant_id=other.id, code="C-207", hall="C", categories=["home"])
        )
        mine = ProductRepository(uow.session, seller.id)
        mine.add(product("BEAUTY-001", "12.50", "beauty"))
        mine.add(product("HOME-002", "30", "home"))
        ProductRepository(uow.session, other.id).add(product("ELEC-003", "19.90", "electronics"))
        uow.commit()
    ids: dict[str, list[str]] = {seller.id: [], other.id: []}
    for tenant_id, sku, prefix in ((seller.id, "BEAUTY-001", "GLOW"), (other.id, "ELEC-003", "YIWU")):
        for n in range(orders_per_seller):
            order_in = OrderIn.model_validate(
                {
                    "external_ref": f"{prefix}-{n:04d}",
                    "destination": "BR",
                    "destination_region": "BR-SP",
                    "currency": "USD",
                    "placed_at": (T0 + timedelta(hours=7 * n)).isoformat(),
                    "buyer": buyer(n),
                    "lines": [{"sku": sku, "quantity": 1 + n % 3}],
                }
            )
            with database.unit_of_work() as uow:
                ids[tenant_id].append(place_order(uow, tenant_id, order_in, T0 + timedelta(hours=7 * n)).id)
                uow.commit()
    return Park(
        operator.id,
        seller.id,
        other.id,
        seller_key,
        other_key,
        operator_key,
        revoked_key,
        ids[seller.id],
        ids[other.id],
    )


def sign_in(client: Any, key: str) -> None:
    """Sign a TestClient in with an API key through the login form."""
    response = client.post("/login", data={"api_key": key, "next": "/"})
    assert response.status_code == 200, response.text
    assert str(response.url).endswith("/")

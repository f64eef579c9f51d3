"""Valid payloads for the foundation's tests (real check digits, real postal codes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ponte.platform.db import Database


def product_payload(sku: str = "LIP-001", **overrides: Any) -> dict[str, Any]:
    payload = {
        "sku": sku,
        "titles": {"zh-CN": "哑光口红", "en": "Matte lipstick", "pt-BR": "Batom matte", "es": "Labial mate"},
        "category": "beauty",
        "hs_code": "330410",
        "origin_country": "CN",
        "weight_kg": "0.120",
        "length_cm": "10",
        "width_cm": "3",
        "height_cm": "3",
        "price": "9.90",
        "currency": "USD",
    }
    payload.update(overrides)
    return payload


def order_payload(ref: str = "SO-1", sku: str = "LIP-001", **overrides: Any) -> dict[str, Any]:
    payload = {
        "external_ref": ref,
        "channel": "api",
        "trade_mode": "9610",
        "destination": "BR",
        "destination_region": "BR-SP",
        "currency": "USD",
        "freight": "4.50",
        "buyer": {
            "name": "Maria da Silva",
            "tax_id": "529.982.247-25",
            "phone": "+55 11 91234-5678",
            "email": "maria@example.com.br",
            "address": {
                "line1": "Avenida Paulista 1000",
                "city": "São Paulo",
                "region": "SP",
                "postal_code": "01310-100",
                "country": "BR",
            },
        },
        "lines": [{"sku": sku, "quantity": 2}],
    }
    payload.update(overrides)
    return payload


@dataclass
class Tenants:
    """Two sellers and the park operator, each with an all-scopes API key."""

    a: str
    b: str
    operator: str
    key_a: str
    key_b: str
    key_operator: str

    def headers(self, key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}


def seed_tenants(database: Database) -> Tenants:
    from ponte.accounts.core import ALL_TENANT_SCOPES
    from ponte.accounts.store import ApiKeyRepository, TenantRepository

    with database.unit_of_work() as uow:
        tenants, keys = TenantRepository(uow.session), ApiKeyRepository(uow.session)
        a = tenants.add("Beleza Shenzhen Ltd", "beleza", "seller", "CN")
        b = tenants.add("Casa Guangzhou Co", "casa", "seller", "CN")
        op = tenants.add("Park operator", "park", "operator", "CN")
        _, key_a = keys.issue(a.id, "test", ALL_TENANT_SCOPES)
        _, key_b = keys.issue(b.id, "test", ALL_TENANT_SCOPES)
        _, key_op = keys.issue(op.id, "test", [*ALL_TENANT_SCOPES, "park:operate"])
        uow.commit()
    return Tenants(a.id, b.id, op.id, key_a, key_b, key_op)

"""Confirmations teach only their own tenant (unless it shares), overrides keep their reason, on SQLite and
PostgreSQL, through the service and through the API."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from factories import Tenants, product_payload
from ponte.catalog.store import Product, ProductRepository
from ponte.classify import service
from ponte.classify.service import Engine
from ponte.kernel.errors import NotFoundError, ValidationError
from ponte.platform.db import Database

# an invented product no example resembles, so only a tenant's confirmation can teach its code
TITLES = {"en": "Zorbix quantum glimmer capsule", "zh-CN": "佐比克斯量子微光胶囊"}
LOOKALIKE = "Zorbix quantum glimmer capsule deluxe"
CODE = "961700"  # vacuum flasks: nothing in the words says so


def _product(database: Database, tenant_id: str, sku: str = "ZQ-1") -> str:
    with database.unit_of_work() as uow:
        row = Product(
            id=f"prd_{tenant_id[-6:]}_{sku}",
            tenant_id=tenant_id,
            sku=sku,
            titles=dict(TITLES),
            category="home",
            direction="export",
            hs_code="392690",
            origin_country="CN",
            weight_kg=Decimal("0.3"),
            length_cm=Decimal("10"),
            width_cm=Decimal("10"),
            height_cm=Decimal("20"),
            price=Decimal("9.90"),
            currency="USD",
            attributes={},
            created_at=datetime.now(UTC),
        )
        ProductRepository(uow.session, tenant_id).add(row)
        uow.commit()
        return row.id


def _codes(database: Database, engine: Engine, tenant_id: str) -> list[str]:
    with database.unit_of_work() as uow:
        return [s.code for s in service.suggest(uow, engine, tenant_id, LOOKALIKE, "en").suggestions]


def test_confirmations_of_tenant_a_never_influence_tenant_b(
    database: Database, tenants: Tenants, engine: Engine
) -> None:
    product = _product(database, tenants.a)
    before_a, before_b = _codes(database, engine, tenants.a), _codes(database, engine, tenants.b)
    assert CODE not in before_a[:1]
    with database.unit_of_work() as uow:
        event = service.confirm(uow, engine, tenants.a, "seller-key", product, CODE)
    assert event["kind"] == "confirm" and event["previous_code"] == "392690"
    with database.unit_of_work() as uow:
        result = service.suggest(uow, engine, tenants.a, LOOKALIKE, "en")
        stored = ProductRepository(uow.session, tenants.a).get(product)
        assert stored.hs_code == CODE
    assert result.suggestions[0].code == CODE
    assert result.suggestions[0].reasons[0].kind == "tenant"
    assert _codes(database, engine, tenants.b) == before_b  # B learns nothing from A

    with database.unit_of_work() as uow:
        service.set_sharing(uow, tenants.a, True)  # A opts in: now B may learn from A
    with database.unit_of_work() as uow:
        shared = service.suggest(uow, engine, tenants.b, LOOKALIKE, "en")
    assert shared.suggestions[0].code == CODE and shared.suggestions[0].reasons[0].kind == "example"
    with database.unit_of_work() as uow:
        service.set_sharing(uow, tenants.a, False)
    assert _codes(database, engine, tenants.b) == before_b


def test_an_override_keeps_its_reason_in_the_history(
    database: Database, tenants: Tenants, engine: Engine
) -> None:
    product = _product(database, tenants.a)
    with database.unit_of_work() as uow:
        service.confirm(uow, engine, tenants.a, "seller", product, "392690")
    with database.unit_of_work() as uow, pytest.raises(ValidationError) as caught:
        service.override(uow, engine, tenants.a, "broker", product, "961700", "   ")
    assert (caught.value.field, caught.value.rule) == ("reason", "required")
    with database.unit_of_work() as uow:
        service.override(
            uow,
            engine,
            tenants.a,
            "broker",
            product,
            "961700",
            "Ruling N012345: a vacuum flask",
            "9617001000",
        )
    with database.unit_of_work() as uow:
        steps = service.history(uow, tenants.a, product)
        row = ProductRepository(uow.session, tenants.a).get(product)
    assert [(s["kind"], s["hs_code"], s["reason"]) for s in steps] == [
        ("confirm", "392690", None),
        ("override", "961700", "Ruling N012345: a vacuum flask"),
    ]
    assert steps[1]["previous_code"] == "392690" and (row.hs_code, row.cn_code) == ("961700", "9617001000")
    with database.unit_of_work() as uow, pytest.raises(NotFoundError):
        service.history(uow, tenants.b, product)  # another tenant cannot even see it
    with database.unit_of_work() as uow, pytest.raises(ValidationError) as bad:
        service.confirm(uow, engine, tenants.a, "seller", product, "961700", "8517130000")
    assert bad.value.rule == "cn-code-in-hs6"


def test_the_api_suggests_confirms_and_overrides(api, tenants: Tenants) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    got = api.get("/catalog/hs-suggestions", params={"title": "Batom matte longa duração"}, headers=h)
    assert got.status_code == 200
    body = got.json()
    assert body["lang"] == "pt-BR" and body["suggestions"][0]["code"] == "330410"
    assert body["suggestions"][0]["reasons"] and body["suggestions"][0]["confidence"] > 0
    html = api.get("/catalog/hs-suggestions", params={"title": "口红", "format": "html"}, headers=h)
    assert html.headers["content-type"].startswith("text/html") and 'data-code="330410"' in html.text
    assert api.get("/catalog/hs-suggestions", params={"title": ""}, headers=h).status_code == 422
    assert api.get("/catalog/hs-suggestions", params={"title": "x"}).status_code == 401

    product_id = api.post("/products", json=product_payload(), headers=h).json()["id"]
    confirm = {**h, "Idempotency-Key": "c-1"}
    first = api.post(
        f"/catalog/products/{product_id}/classification", json={"hs_code": "330410"}, headers=confirm
    )
    again = api.post(
        f"/catalog/products/{product_id}/classification", json={"hs_code": "330410"}, headers=confirm
    )
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    missing = api.post(
        f"/catalog/products/{product_id}/classification/override", json={"hs_code": "330499"}, headers=h
    )
    assert missing.status_code == 422
    over = api.post(
        f"/catalog/products/{product_id}/classification/override",
        json={"hs_code": "330499", "reason": "a tinted lip balm is a skin-care preparation"},
        headers=h,
    )
    assert over.status_code == 201
    steps = api.get(f"/catalog/products/{product_id}/classification/history", headers=h).json()
    assert [s["kind"] for s in steps] == ["confirm", "override"] and steps[1]["reason"].startswith("a tinted")
    other = api.get(
        f"/catalog/products/{product_id}/classification/history", headers=tenants.headers(tenants.key_b)
    )
    assert other.status_code == 404
    assert api.get(f"/products/{product_id}", headers=h).json()["hs_code"] == "330499"
    assert api.put("/catalog/classification/sharing", json={"share": True}, headers=h).json() == {
        "share": True
    }

"""Products of the calling seller."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from ponte.accounts.core import Principal
from ponte.api.deps import DatabaseDep, UowDep, require_scope
from ponte.api.idempotency import run_idempotent
from ponte.api.routing import ExactJsonRoute
from ponte.api.schemas import PageOut, ProductOut
from ponte.catalog import service as catalog
from ponte.kernel.clock import now
from ponte.kernel.errors import ValidationError
from ponte.kernel.languages import LANGUAGES
from ponte.kernel.money import check_currency
from ponte.reference import countries, hs

router = APIRouter(tags=["catalog"], route_class=ExactJsonRoute)
Positive = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=3)]


class ProductIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    sku: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    titles: dict[str, str] = Field(description="at least 'en'; also zh-CN, pt-BR, es")
    category: str = Field(min_length=1, max_length=40)
    hs_code: str = Field(min_length=6, max_length=12)
    origin_country: str = Field(min_length=2, max_length=2)
    weight_kg: Positive
    length_cm: Positive
    width_cm: Positive
    height_cm: Positive
    price: Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=4)]
    currency: str = Field(min_length=3, max_length=3)


def _check(body: ProductIn) -> None:
    if "en" not in body.titles:
        raise ValidationError("an English title is required", field="titles.en", rule="required")
    unknown = set(body.titles) - set(LANGUAGES)
    if unknown:
        raise ValidationError(
            f"languages must be zh-CN, en, pt-BR or es, not {', '.join(sorted(unknown))}",
            field="titles",
            rule="language",
        )
    hs.validate_hs6(body.hs_code[:6], "hs_code")
    countries.country(body.origin_country, "origin_country")
    check_currency(body.currency, "currency")


@router.get("/products", response_model=PageOut[ProductOut], summary="The seller's catalogue, page by page")
def list_products(
    caller: Annotated[Principal, Depends(require_scope("catalog:read"))],
    uow: UowDep,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    category: str | None = None,
) -> PageOut[ProductOut]:
    page = catalog.page(uow, caller.tenant_id, cursor, limit, category)
    return PageOut(items=[ProductOut.model_validate(p) for p in page.items], next_cursor=page.next_cursor)


@router.get("/products/{product_id}", response_model=ProductOut)
def get_product(
    product_id: str, caller: Annotated[Principal, Depends(require_scope("catalog:read"))], uow: UowDep
) -> ProductOut:
    return ProductOut.model_validate(catalog.get(uow, caller.tenant_id, product_id))


@router.post("/products", status_code=201, response_model=ProductOut, summary="Add a product")
async def create_product(
    body: ProductIn,
    request: Request,
    caller: Annotated[Principal, Depends(require_scope("catalog:write"))],
    database: DatabaseDep,
):  # type: ignore[no-untyped-def]
    _check(body)

    def handler(uow):  # type: ignore[no-untyped-def]
        data = body.model_dump()
        data["currency"] = data["currency"].upper()
        data["origin_country"] = data["origin_country"].upper()
        product = catalog.add_product(uow, caller.tenant_id, data, now())
        return 201, ProductOut.model_validate(product).model_dump()

    return await run_idempotent(request, caller, database, handler)

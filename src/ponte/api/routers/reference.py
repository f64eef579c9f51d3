"""Reference data: countries, FX rates, HS nomenclature."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from ponte.accounts.core import Principal
from ponte.api.deps import get_principal
from ponte.api.routing import ExactJsonRoute
from ponte.reference import countries, hs
from ponte.reference.fx import default_converter

router = APIRouter(prefix="/reference", tags=["reference"], route_class=ExactJsonRoute)
Caller = Annotated[Principal, Depends(get_principal)]


class CountryOut(BaseModel):
    code: str
    name: str


class RateOut(BaseModel):
    pair: str
    rate: str
    table: str
    rate_date: str


class HsOut(BaseModel):
    code: str
    description: str


@router.get("/countries", response_model=list[CountryOut])
def list_countries(
    caller: Caller, lang: Annotated[str, Query(pattern="^(en|zh-CN|pt-BR|es)$")] = "en"
) -> list[CountryOut]:
    return [
        CountryOut(code=c.alpha2, name=countries.country_name(c.alpha2, lang))
        for c in countries.all_countries()
    ]


@router.get("/fx", response_model=RateOut, summary="The rate Ponte would use for a pair on a date")
def fx_rate(
    request: Request,
    caller: Caller,
    base: Annotated[str, Query(min_length=3, max_length=3)],
    quote: Annotated[str, Query(min_length=3, max_length=3)],
    on: date,
) -> RateOut:
    settings = request.app.state.settings
    return RateOut(**default_converter(settings.fx_official_files).rate(base, quote, on).as_dict())


@router.get("/hs", response_model=list[HsOut], summary="Search the HS 2022 nomenclature")
def hs_search(caller: Caller, q: Annotated[str, Query(min_length=2, max_length=100)]) -> list[HsOut]:
    return [HsOut(code=e.code, description=e.description) for e in hs.search(q, limit=20)]

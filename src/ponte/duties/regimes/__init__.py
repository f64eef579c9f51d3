"""Regimes by jurisdiction: each takes a Ctx and returns (regime, treatment, dutiable value, basis)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ponte.duties.context import Ctx
from ponte.duties.regimes import americas, andes, ar, br, cn, eu, mo, mx

REGIMES: dict[str, Callable[[Ctx], tuple[str, str, Decimal, str]]] = {
    "CN": cn.china,
    "BR": br.rts,
    "MX": mx.courier,
    "CL": andes.chile,
    "CO": andes.colombia,
    "PE": andes.peru,
    "AR": ar.argentina,
    "PT": eu.eu,
    "ES": eu.eu,
    "MO": mo.macao,
    "UY": americas.uruguay,
    "EC": americas.ecuador,
    "DO": americas.dominican_republic,
    "CR": americas.costa_rica,
    "GT": americas.guatemala,
    "PY": americas.paraguay,
}


def jurisdiction_of(country: str) -> str | None:
    return country if country in REGIMES else None

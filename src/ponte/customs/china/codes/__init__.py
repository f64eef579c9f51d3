"""China customs code lists used by the CEB messages, as data (YAML) with effective date and source."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from ponte.kernel.errors import ValidationError
from ponte.reference import china_units
from ponte.reference._data import load_yaml

_BIG = ("country", "currency")


def _load(name: str) -> Any:
    return yaml.safe_load(resources.files(__name__).joinpath(name).read_text("utf-8"))


@cache
def code_list(name: str) -> frozenset[str]:
    """The set of valid codes of a list (country, currency, unit or a small list)."""
    if name == "unit":
        return frozenset(china_units.table())
    if name in _BIG:
        return frozenset(_load(f"{name}.yaml")["codes"])
    lists = _load("small.yaml")["lists"]
    if name not in lists:
        raise KeyError(name)
    return frozenset(str(k) for k in lists[name])


@cache
def code_table(name: str) -> dict[str, Any]:
    """The whole list with its labels, effective date and source."""
    if name == "unit":  # the one units table is shared with the duties engine
        data = load_yaml("china_units.yaml")
        return {**data, "name": "unit", "codes": {c: u.name for c, u in china_units.table().items()}}
    if name in _BIG:
        return _load(f"{name}.yaml")  # type: ignore[no-any-return]
    small = _load("small.yaml")
    return {
        "name": name,
        "effective": small["effective"],
        "source": small["source"],
        "codes": {str(k): v for k, v in small["lists"][name].items()},
    }


@cache
def _iso_index(name: str) -> dict[str, str]:
    return {row[0]: code for code, row in _load(f"{name}.yaml")["codes"].items() if row[0]}


def customs_country(iso2: str, field: str = "country") -> str:
    """ISO 3166-1 alpha-2 -> customs 3-digit country code."""
    try:
        return _iso_index("country")[iso2.upper()]
    except KeyError:
        raise ValidationError(
            f"country {iso2!r} has no China customs code in Ponte's table",
            field=field,
            rule="customs-country",
        ) from None


def customs_currency(iso: str, field: str = "currency") -> str:
    """ISO 4217 -> customs 3-digit currency code (the legacy table has no BRL, MXN, CLP, COP, PEN, ARS)."""
    try:
        return _iso_index("currency")[iso.upper()]
    except KeyError:
        raise ValidationError(
            f"currency {iso!r} has no China customs code; declare in USD or CNY",
            field=field,
            rule="customs-currency",
        ) from None


@cache
def iso_currencies() -> frozenset[str]:
    """The ISO 4217 currencies the customs currency table has a code for."""
    return frozenset(_iso_index("currency"))


def iso_country(code: str) -> str | None:
    row = _load_codes("country").get(code)
    return row[0] if row else None


@cache
def _load_codes(name: str) -> dict[str, Any]:
    return _load(f"{name}.yaml")["codes"]  # type: ignore[no-any-return]


@cache
def _return_modes() -> dict[str, str]:
    return {str(k): str(v) for k, v in _load("small.yaml")["returnTradeModeFor"].items()}


def return_trade_mode(trade_mode: str, field: str = "tradeMode") -> str:
    """The export-return trade mode (9661 general, 1261 special area) for an order's trade mode."""
    found = _return_modes().get(trade_mode)
    if found is None:
        raise ValidationError(
            f"trade mode {trade_mode!r} has no export-return trade mode",
            field=field,
            rule="return-trade-mode",
        )
    return str(found)


@cache
def china() -> str:
    """China's own code in the customs country list (also the CNY currency code: both are 142)."""
    return customs_country("CN")


@cache
def cny() -> str:
    return customs_currency("CNY")

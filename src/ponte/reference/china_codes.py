"""China customs' own numeric code lists, mapped from ISO codes.

The CBEC "unified version" messages use the legacy JGS-20 codes: a 3-digit
country, a 3-digit currency, a 3-digit unit of measure, a 1-character transport
mode, a 1-digit package type and the 4-digit trade (supervision) mode. They
are data (``data/china_codes.yaml``) with their effective date and source; this
module only looks them up. A code Ponte cannot map is an error naming the field
and the rule, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from ponte.kernel.errors import ValidationError
from ponte.reference._data import load_yaml

__all__ = [
    "CodeEntry",
    "code_list",
    "customs_country",
    "customs_currency",
    "iso_country",
    "iso_currency",
    "metadata",
    "package_type",
    "trade_mode",
    "transport_mode",
    "unit",
]

LISTS = ("trade_modes", "transport_modes", "package_types", "countries", "currencies", "units")


@dataclass(frozen=True, slots=True)
class CodeEntry:
    code: str
    zh: str
    en: str = ""
    iso: str | None = None
    confirmed: bool = True
    extra: tuple[tuple[str, str], ...] = ()


def metadata() -> dict[str, str]:
    data = load_yaml("china_codes.yaml")
    return {"effective": str(data["effective"]), "source": str(data["source"])}


@cache
def code_list(name: str) -> dict[str, CodeEntry]:
    """One list by name (``trade_modes``, ``transport_modes``, ``package_types``, ``countries``, ...)."""
    if name not in LISTS:
        raise ValidationError(f"{name!r} is not one of {', '.join(LISTS)}", field="list", rule="code-list")
    out: dict[str, CodeEntry] = {}
    for row in load_yaml("china_codes.yaml")[name]:
        item: dict[str, Any] = dict(row)
        code = str(item.pop("code"))
        extra = tuple(
            (k, str(v))
            for k, v in item.items()
            if k not in ("zh", "en", "iso", "confirmed") and v is not None
        )
        out[code] = CodeEntry(
            code,
            str(item.get("zh", "")),
            str(item.get("en", "")),
            item.get("iso"),
            bool(item.get("confirmed", True)),
            extra,
        )
    return out


@cache
def _by_iso(name: str) -> dict[str, CodeEntry]:
    return {e.iso: e for e in code_list(name).values() if e.iso}


def _get(name: str, code: object, field: str, rule: str) -> CodeEntry:
    key = str(code).strip().upper() if code is not None else ""
    found = code_list(name).get(key)
    if found is None:
        raise ValidationError(
            f"{code!r} is not in China customs' {name.replace('_', ' ')} list", field=field, rule=rule
        )
    return found


def trade_mode(code: object, field: str = "tradeMode") -> CodeEntry:
    return _get("trade_modes", code, field, "customs-trade-mode")


def transport_mode(code: object, field: str = "trafMode") -> CodeEntry:
    return _get("transport_modes", code, field, "customs-transport-mode")


def package_type(code: object, field: str = "wrapType") -> CodeEntry:
    return _get("package_types", code, field, "customs-package-type")


def unit(code: object, field: str = "unit") -> CodeEntry:
    key = str(code).strip() if code is not None else ""
    if key.isdigit() and len(key) < 3:
        key = key.zfill(3)
    return _get("units", key, field, "customs-unit")


def customs_country(alpha2: str, field: str = "country") -> str:
    """The 3-digit customs country code for an ISO 3166-1 alpha-2 code (``BR`` → ``410``)."""
    found = _by_iso("countries").get(str(alpha2).strip().upper())
    if found is None:
        raise ValidationError(
            f"{alpha2!r} has no China customs country code in Ponte's table",
            field=field,
            rule="customs-country",
        )
    return found.code


def iso_country(code: str, field: str = "country") -> str:
    entry = _get("countries", code, field, "customs-country")
    if not entry.iso:
        raise ValidationError(f"{code!r} stands for no single country", field=field, rule="customs-country")
    return entry.iso


def customs_currency(iso: str, field: str = "currency") -> str:
    """The 3-digit customs currency code (``CNY`` → ``142``, ``USD`` → ``502``).

    BRL, MXN, CLP, COP, PEN and ARS have no legacy code: declare in USD or CNY.
    """
    found = _by_iso("currencies").get(str(iso).strip().upper())
    if found is None:
        raise ValidationError(
            f"{iso!r} has no China customs currency code; declare in USD (502) or CNY (142)",
            field=field,
            rule="customs-currency",
        )
    return found.code


def iso_currency(code: str, field: str = "currency") -> str:
    entry = _get("currencies", code, field, "customs-currency")
    assert entry.iso
    return entry.iso

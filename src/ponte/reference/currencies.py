"""Currencies: ISO 4217 codes, minor units, names in four languages, display.

Minor units follow ISO 4217 (the ledger's precision, see :func:`ponte.kernel.money.minor_units`);
display follows CLDR through Babel, which for a few currencies (COP, for one) shows
fewer decimals than ISO keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import pycountry
from babel import Locale
from babel.numbers import format_currency

from ponte.kernel.languages import CLDR, check_language
from ponte.kernel.money import Money, check_currency, minor_units

__all__ = ["Currency", "currency", "format_money"]


@dataclass(frozen=True, slots=True)
class Currency:
    code: str
    numeric: str
    minor_units: int
    names: dict[str, str]

    def name(self, lang: str = "en") -> str:
        return self.names[check_language(lang)]


@cache
def currency(code: str, field: str = "currency") -> Currency:
    """ISO 4217 currency; an unknown code raises naming ``field`` (rule ``iso4217``)."""
    iso = check_currency(code, field)
    info = pycountry.currencies.get(alpha_3=iso)
    numeric = info.numeric if info is not None else ""
    names = {
        lang: Locale.parse(loc).currencies.get(iso, info.name if info else iso) for lang, loc in CLDR.items()
    }
    return Currency(iso, numeric, minor_units(iso), names)


def format_money(value: Money | tuple[Decimal, str], locale: str = "en") -> str:
    """Format money for a CLDR locale (``pt_BR``, ``es_CL``) or a Ponte language tag.

    Where a page mixes several dollar/peso currencies, the ISO code avoids the bare ``$``:
    pass ``locale`` and read :func:`currency` names instead.
    """
    amount, code = (value.amount, value.currency) if isinstance(value, Money) else value
    loc = CLDR.get(locale, locale)
    return format_currency(amount, code, locale=loc)

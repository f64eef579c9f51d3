"""Countries and their subdivisions, named in zh-CN, en, pt-BR and es.

Codes are ISO 3166-1 alpha-2 and ISO 3166-2 (pycountry, from Debian iso-codes);
country names come from CLDR through Babel so that they read as each language
writes them (巴西, Brasil, Brasil). Subdivision names are the ISO 3166-2 names
(local language), translated by pycountry's catalogues where one exists.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache, lru_cache

import pycountry
from babel import Locale

from ponte.kernel.errors import ValidationError
from ponte.kernel.languages import CLDR, LANGUAGES, check_language

__all__ = [
    "Country",
    "Subdivision",
    "all_countries",
    "country",
    "country_name",
    "subdivision",
    "subdivisions",
]


@dataclass(frozen=True, slots=True)
class Country:
    alpha2: str
    alpha3: str
    numeric: str
    names: dict[str, str]

    def name(self, lang: str = "en") -> str:
        return self.names[check_language(lang)]


@dataclass(frozen=True, slots=True)
class Subdivision:
    code: str  # ISO 3166-2, e.g. "BR-SP"
    country: str
    name: str
    type: str
    parent: str | None

    @property
    def short(self) -> str:
        """The part after the dash (``SP`` for ``BR-SP``), as used in postal addresses."""
        return self.code.split("-", 1)[1]

    def name_in(self, lang: str) -> str:
        return _subdivision_translation(check_language(lang))(self.name)


@lru_cache(maxsize=4)
def _locale(lang: str) -> Locale:
    return Locale.parse(CLDR[lang])


@cache
def _by_alpha2() -> dict[str, Country]:
    table: dict[str, Country] = {}
    for c in pycountry.countries:
        names: dict[str, str] = {}
        for lang in LANGUAGES:
            names[lang] = _locale(lang).territories.get(c.alpha_2, c.name)
        table[c.alpha_2] = Country(c.alpha_2, c.alpha_3, c.numeric, names)
    return table


@cache
def _codes() -> dict[str, str]:
    """Every alpha-2 and alpha-3 code -> its alpha-2 (pycountry alone: no names, no locale data)."""
    table: dict[str, str] = {}
    for c in pycountry.countries:
        table[c.alpha_2] = table[c.alpha_3] = c.alpha_2
    return table


def _alpha2(code: str, field: str) -> str:
    found = _codes().get(code.strip().upper()) if isinstance(code, str) else None
    if found is None:
        raise ValidationError(f"{code!r} is not an ISO 3166-1 country code", field=field, rule="iso3166-1")
    return found


def country(code: str, field: str = "country") -> Country:
    """The country for an ISO 3166-1 alpha-2 (or alpha-3) code; bad codes raise naming ``field``."""
    return _by_alpha2()[_alpha2(code, field)]


def country_name(code: str, lang: str = "en") -> str:
    return country(code).name(lang)


def all_countries() -> list[Country]:
    return sorted(_by_alpha2().values(), key=lambda c: c.alpha2)


@cache
def _subdivisions(alpha2: str) -> tuple[Subdivision, ...]:
    found = pycountry.subdivisions.get(country_code=alpha2) or []
    items = [Subdivision(s.code, alpha2, s.name, s.type, s.parent_code) for s in found]
    return tuple(sorted(items, key=lambda s: s.code))


def subdivisions(country_code: str, type: str | None = None) -> list[Subdivision]:
    """ISO 3166-2 subdivisions of a country, optionally only one ``type`` (e.g. ``"State"``)."""
    items = _subdivisions(_alpha2(country_code, "country"))  # the code checked without the names
    if type is not None:
        items = tuple(s for s in items if s.type.lower() == type.lower())
    return list(items)


def subdivision(code: str, field: str = "subdivision") -> Subdivision:
    """A subdivision by its ISO 3166-2 code (``BR-SP``, ``ES-M``, ``PT-11``)."""
    if isinstance(code, str) and "-" in code:
        alpha2 = code.split("-", 1)[0].upper()
        try:
            items = _subdivisions(_alpha2(alpha2, field))
        except ValidationError:
            items = ()
        for s in items:
            if s.code == code.upper():
                return s
    raise ValidationError(f"{code!r} is not an ISO 3166-2 subdivision code", field=field, rule="iso3166-2")


@lru_cache(maxsize=4)
def _subdivision_translation(lang: str):  # type: ignore[no-untyped-def]
    if lang == "en":
        return lambda text: text
    gnu = {"zh-CN": "zh_CN", "pt-BR": "pt_BR", "es": "es"}[lang]
    try:
        catalogue = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[gnu])
    except OSError:
        return lambda text: text
    return catalogue.gettext

"""The console's languages: catalogues, negotiation and Babel formatting for one locale.

Catalogues are the `.po` files under `locale/<lang>/LC_MESSAGES/messages.po`,
compiled in memory at start-up (no binary `.mo` files are kept).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal
from functools import cache
from importlib import resources

from babel.core import negotiate_locale
from babel.dates import format_date, format_datetime, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from ponte.kernel.languages import ALIASES, CLDR, LANGUAGES
from ponte.kernel.money import Money
from ponte.reference import countries

#: Console language tag -> gettext catalogue directory name.
CATALOGUES: dict[str, str] = {lang: lang.replace("-", "_") for lang in LANGUAGES}
LANG_COOKIE = "ponte_lang"


def N_(message: str) -> str:
    """Marks a message for extraction; translated where it is shown."""
    return message


def po_path(lang: str) -> resources.abc.Traversable:
    return resources.files("ponte.web").joinpath("locale", CATALOGUES[lang], "LC_MESSAGES", "messages.po")


def po_paths(lang: str) -> list[resources.abc.Traversable]:
    """`messages.po` first, then one `<capability>.po` per capability that adds pages."""
    folder = resources.files("ponte.web").joinpath("locale", CATALOGUES[lang], "LC_MESSAGES")
    extra = sorted(
        (p for p in folder.iterdir() if p.name.endswith(".po") and p.name != "messages.po"),
        key=lambda p: p.name,
    )
    return [po_path(lang), *extra]


@cache
def translations(lang: str) -> Translations:
    """The catalogue of one language, compiled from its `.po` files in memory."""
    paths = po_paths(lang)
    with paths[0].open("rb") as handle:
        catalog = read_po(handle, locale=CATALOGUES[lang])
    for path in paths[1:]:
        with path.open("rb") as handle:
            for message in read_po(handle, locale=CATALOGUES[lang]):
                if message.id:
                    catalog[message.id] = message
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain="messages")


def load_all() -> None:
    for lang in CATALOGUES:
        translations(lang)


def normalise(tag: str | None) -> str | None:
    """A console language for a tag such as `pt`, `pt_BR`, `zh-Hans-CN`, `es-MX`; None if unknown."""
    if not tag:
        return None
    tag = tag.strip().replace("_", "-")
    if tag in CATALOGUES:
        return tag
    found = negotiate_locale([tag], list(CATALOGUES), sep="-")
    if found:
        return found
    base = tag.split("-", 1)[0].lower()
    return base if base in CATALOGUES else ALIASES.get(base)


def from_accept_language(header: str | None) -> str | None:
    """The best console language for an Accept-Language header (q-values honoured)."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip()
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, position, tag))
    for _q, _p, tag in sorted(ranked):
        lang = normalise(tag)
        if lang:
            return lang
    return None


@dataclass(frozen=True)
class Locale:
    """Everything a page needs to speak one language: gettext and Babel formatting."""

    lang: str

    @property
    def cldr(self) -> str:
        return CLDR[self.lang]

    def gettext(self, message: str, **values: object) -> str:
        text = translations(self.lang).gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        text = translations(self.lang).ngettext(singular, plural, n)
        return text % dict(values, n=n)

    def number(self, value: int | Decimal) -> str:
        return format_decimal(value, locale=self.cldr)

    def money(self, amount: Decimal, currency: str) -> str:
        return Money(Decimal(amount), currency).format(self.cldr)

    def datetime(self, value: dt.datetime) -> str:
        return format_datetime(value.astimezone(UTC), "medium", tzinfo=UTC, locale=self.cldr) + " UTC"

    def date(self, value: dt.date) -> str:
        return format_date(value, "medium", locale=self.cldr)

    def short_date(self, value: dt.date) -> str:
        return format_skeleton("MMMd", value, locale=self.cldr)

    def country(self, code: str) -> str:
        try:
            return countries.country_name(code, self.lang)
        except Exception:
            return code

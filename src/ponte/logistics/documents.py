"""What a forwarder hands to an airline, as documents a person reads: the consolidation list (the house waybills
under a master), the flight manifest (per flight leg: its ULDs, masters, pieces, weights, special handling and
dangerous-goods lines) and the ULD contents list (per ULD: its bags and parcels).

Pure: stored shipments come in as plain data (``Master``), each document goes out as a ``Document`` (a title,
facts and tables of text, in one of the four languages, numbers written by Babel); ``documents_pdf`` prints it.
Times are UTC, as on the airline's own documents. The dangerous-goods lines name the UN number and packing
instruction of the rules in force on the day the leg flies (``handling.lithium_rule``, dated data).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache

from babel.dates import format_datetime
from babel.numbers import format_decimal

from ponte.kernel.errors import ValidationError
from ponte.kernel.languages import CLDR, check_language
from ponte.logistics._data import load_yaml
from ponte.logistics.documents_model import Document, HouseLine, Leg, Master, Piece, Table, UldLine
from ponte.logistics.handling import lithium_rule

__all__ = [
    "KINDS",
    "Document",
    "HouseLine",
    "Leg",
    "Master",
    "Piece",
    "Table",
    "UldLine",
    "check_kind",
    "consolidation_list",
    "dg_lines",
    "flight_manifest",
    "uld_contents",
]

KINDS = ("consolidation-list", "flight-manifest", "uld-contents")


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationError(
            f"{kind!r}: documents are {', '.join(KINDS)}", field="kind", rule="document-kind"
        )
    return kind


@cache
def _labels() -> dict[str, dict[str, str]]:
    return load_yaml("document_labels.yaml")["labels"]  # type: ignore[no-any-return]


@cache
def _dg_names() -> dict[str, str]:
    return {str(k): str(v) for k, v in load_yaml("dangerous_goods.yaml")["names"].items()}


class _Fmt:
    def __init__(self, lang: str) -> None:
        self.lang = check_language(lang)
        self.cldr = CLDR[self.lang]
        self.t = _labels()[self.lang]

    def kg(self, v: Decimal) -> str:
        return str(format_decimal(v, format="#,##0.000", locale=self.cldr))

    def m3(self, v: Decimal) -> str:
        return str(format_decimal(v, format="#,##0.000", locale=self.cldr))

    def n(self, v: int) -> str:
        return str(format_decimal(v, format="#,##0", locale=self.cldr))

    def at(self, v: datetime | None) -> str:
        if v is None:
            return "—"
        return f"{format_datetime(v, 'short', tzinfo=UTC, locale=self.cldr)} UTC"

    def day(self, v: date) -> str:
        return v.isoformat()


def _codes(pieces: Sequence[Piece]) -> str:
    return " ".join(sorted({c for p in pieces for c in p.shc}))


def _goods(pieces: Sequence[Piece], most: int = 4) -> str:
    names = sorted({p.goods for p in pieces if p.goods})
    return "; ".join(names[:most]) + (" …" if len(names) > most else "")


def _hs(pieces: Sequence[Piece]) -> str:
    return " ".join(sorted({h for p in pieces for h in p.hs_codes}))


def _route(m: Master) -> str:
    return f"{m.origin} → {m.destination}"


def consolidation_list(m: Master, lang: str, generated: datetime) -> Document:
    """The house waybills under one master: shipper, pieces, weight, volume, goods, HS codes, special handling."""
    f = _Fmt(lang)
    t = f.t
    rows = []
    for h in m.houses:
        mine = [p for p in m.pieces if p.house == h.number]
        volume = sum((p.volume_m3 for p in mine), Decimal(0))
        rows.append(
            (
                h.number,
                h.shipper,
                f.n(h.pieces),
                f.kg(h.gross_kg),
                f.m3(volume),
                _goods(mine),
                _hs(mine),
                _codes(mine),
            )
        )
    volume = sum((p.volume_m3 for p in m.pieces), Decimal(0))
    totals = (t["total"], "", f.n(len(m.pieces)), f.kg(m.gross_kg), f.m3(volume), "", "", _codes(m.pieces))
    houses = Table(
        t["house_waybills"],
        (
            t["hawb"],
            t["shipper"],
            t["pieces"],
            t["gross_kg"],
            t["volume_m3"],
            t["goods"],
            t["hs_codes"],
            t["shc"],
        ),
        tuple(rows),
        (26, 30, 12, 18, 16, 40, 22, 16),
        t["none"],
        totals,
    )
    return Document(
        "consolidation-list",
        f.lang,
        t["consolidation_list"],
        m.mawb,
        _master_facts(m, f),
        (houses,),
        t["page"],
        generated,
    )


def _master_facts(m: Master, f: _Fmt) -> tuple[tuple[str, str], ...]:
    t = f.t
    return (
        (t["mawb"], m.mawb),
        (t["flights"], ", ".join(m.legs)),
        (t["route"], _route(m)),
        (t["departs"], f.at(m.departs)),
        (t["arrives"], f.at(m.arrives)),
        (t["houses"], f.n(len(m.houses))),
        (t["pieces"], f.n(len(m.pieces))),
        (t["gross_kg"], f.kg(m.gross_kg)),
    )


def dg_lines(p: Piece, on: date) -> list[tuple[str, str, str]]:
    """The dangerous-goods lines of a piece: (UN number, proper shipping name, packing instruction)."""
    out = []
    if p.dangerous_goods and "/" in p.dangerous_goods:
        kind, packing = p.dangerous_goods.split("/", 1)
        rule = lithium_rule(kind, packing, on)
        names = _dg_names().get(rule.un, "").split(" | ")
        name = names[1] if packing == "contained-in" and len(names) > 1 else names[0]
        out.append((rule.un, name, rule.pi))
    if p.dry_ice_kg > 0:
        out.append(("UN1845", f"{_dg_names().get('UN1845', '')}, {p.dry_ice_kg} kg", "954"))
    return out


def flight_manifest(legs: Sequence[tuple[Leg, Sequence[Master]]], lang: str, generated: datetime) -> Document:
    """One page per flight leg: the leg's ULDs, the masters loaded on it and their dangerous-goods lines."""
    f = _Fmt(lang)
    t = f.t
    pages = tuple(_leg_page(leg, masters, f) for leg, masters in legs)
    first = legs[0][0] if legs else None
    return Document(
        "flight-manifest",
        f.lang,
        t["flight_manifest"],
        ", ".join(leg.key for leg, _m in legs),
        (),
        (),
        t["page"],
        generated,
        pages if first is not None else (),
    )


def _leg_page(leg: Leg, masters: Sequence[Master], f: _Fmt) -> tuple[Table, ...]:
    t = f.t
    ulds = [(u, m) for m in masters for u in m.ulds if leg.key in u.legs]
    pieces = [p for m in masters for p in m.pieces]
    gross = sum((u.gross_kg for u, _m in ulds), Decimal(0))
    facts = Table(
        f"{t['flight']} {leg.number} · {leg.origin} → {leg.destination} · {leg.day.isoformat()}",
        (t["item"], t["value"]),
        (
            (t["departs"], f.at(leg.departs)),
            (t["arrives"], f.at(leg.arrives)),
            (t["ulds"], f.n(len(ulds))),
            (t["masters"], f.n(len(masters))),
            (t["pieces"], f.n(len(pieces))),
            (t["gross_with_tare"], f.kg(gross)),
        ),
        (40, 60),
    )
    uld_rows = []
    for u, m in ulds:
        inside = [p for p in m.pieces if p.uld == u.id]
        uld_rows.append(
            (
                u.id,
                u.type,
                m.mawb,
                f.n(u.bags),
                f.n(len(inside)),
                f.kg(u.gross_kg),
                f.m3(u.volume_m3),
                _codes(inside),
            )
        )
    uld_table = Table(
        t["ulds"],
        (t["uld"], t["type"], t["mawb"], t["bags"], t["pieces"], t["gross_kg"], t["volume_m3"], t["shc"]),
        tuple(uld_rows),
        (20, 14, 26, 12, 12, 20, 18, 20),
        t["none"],
        (t["total"], "", "", f.n(sum(u.bags for u, _m in ulds)), f.n(len(pieces)), f.kg(gross), "", ""),
    )
    master_rows = tuple(
        (
            m.mawb,
            _route(m),
            f.n(len(m.houses)),
            f.n(len(m.pieces)),
            f.kg(m.gross_kg),
            _codes(m.pieces),
            _goods(m.pieces, 3),
        )
        for m in masters
    )
    master_table = Table(
        t["masters"],
        (t["mawb"], t["route"], t["houses"], t["pieces"], t["net_kg"], t["shc"], t["goods"]),
        master_rows,
        (26, 22, 12, 12, 20, 18, 50),
        t["none"],
    )
    dg_rows = []
    for m in masters:
        for p in m.pieces:
            for un, name, pi in dg_lines(p, leg.day):
                cao = t["yes"] if p.cargo_aircraft_only else t["no"]
                dg_rows.append((un, name, pi, m.mawb, p.house, p.uld, p.parcel, _codes([p]), cao))
    dg_table = Table(
        t["dangerous_goods"],
        (t["un"], t["dg_name"], t["pi"], t["mawb"], t["hawb"], t["uld"], t["parcel"], t["shc"], t["cao"]),
        tuple(dg_rows),
        (14, 38, 10, 24, 24, 14, 22, 12, 10),
        t["no_dangerous_goods"],
    )
    return (facts, uld_table, master_table, dg_table)


def uld_contents(m: Master, lang: str, generated: datetime) -> Document:
    """One table per ULD of the master: its bags and the parcels in each, with house, weight and handling."""
    f = _Fmt(lang)
    t = f.t
    tables = []
    for u in m.ulds:
        inside = sorted((p for p in m.pieces if p.uld == u.id), key=lambda p: (p.bag or "", p.parcel))
        rows = tuple(
            (
                p.bag or t["loose"],
                p.parcel,
                p.house,
                f.kg(p.gross_kg),
                f.m3(p.volume_m3),
                _codes([p]),
                p.goods,
            )
            for p in inside
        )
        heading = t["uld_heading"].format(uld=u.id, type=u.type, bags=f.n(u.bags), legs=", ".join(u.legs))
        tables.append(
            Table(
                heading,
                (t["bag"], t["parcel"], t["hawb"], t["gross_kg"], t["volume_m3"], t["shc"], t["goods"]),
                rows,
                (16, 26, 26, 16, 16, 14, 50),
                t["none"],
                (
                    t["total"],
                    f.n(len(inside)),
                    "",
                    f.kg(sum((p.gross_kg for p in inside), Decimal(0))),
                    "",
                    "",
                    "",
                ),
            )
        )
    return Document(
        "uld-contents",
        f.lang,
        t["uld_contents"],
        m.mawb,
        _master_facts(m, f),
        tuple(tables),
        t["page"],
        generated,
    )

"""Dangerous goods and special handling of a parcel, from the handling of every product in it.

Pure and dated: the rules are ``data/dangerous_goods.yaml`` as they stand on the day the parcel flies (a rule that
changed keeps both versions), the classes ``data/segregation.yaml``. The result names the parcel's segregation
class, its special-handling codes, whether it may fly on passenger aircraft, and the lines of the shipper's
declaration and of the captain's notification (NOTOC) where they are needed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from ponte.catalog.core import Handling
from ponte.kernel.errors import ValidationError
from ponte.logistics._data import load_yaml
from ponte.logistics.errors import LogisticsError
from ponte.logistics.uld import segregation_classes

__all__ = ["DgLine", "LithiumRule", "ParcelHandling", "classify", "lithium_rule"]


@dataclass(frozen=True, slots=True)
class LithiumRule:
    kind: str
    packing: str
    un: str
    pi: str
    start: date
    end: date | None
    section_ii_max: (
        Decimal | None
    )  # Wh (lithium ion) or g of lithium (lithium metal) per battery; None: no Section II
    cao: bool

    def section(self, per_battery: Decimal | None) -> str:
        """``II`` (excepted) when the battery is within the Section II limit, else ``I`` (fully regulated). An
        unknown rating is fully regulated: nothing is excepted on a guess."""
        if self.section_ii_max is not None and per_battery is not None and per_battery <= self.section_ii_max:
            return "II"
        return "I"


@dataclass(frozen=True, slots=True)
class DgLine:
    """One line of the shipper's declaration / NOTOC: UN number, name, packing instruction, section, count."""

    un: str
    name: str
    pi: str
    section: str  # "I" fully regulated, "II" excepted; "" for dry ice
    hazard_class: str
    quantity: int  # items (batteries or pieces of equipment) in the parcel
    net_kg: Decimal  # dry ice: kilograms; batteries: 0 (stated per item elsewhere)
    cao: bool


@dataclass(frozen=True, slots=True)
class ParcelHandling:
    klass: str  # segregation class code (CAO, PER, RLI, RLM, ELI, ELM, ICE, GEN)
    shc: tuple[str, ...]  # special-handling codes, sorted
    cargo_aircraft_only: bool
    perishable: bool
    dry_ice_kg: Decimal
    lines: tuple[DgLine, ...]

    @property
    def declaration(self) -> bool:
        """A shipper's declaration for dangerous goods is needed (fully regulated goods)."""
        return any(line.section == "I" for line in self.lines)

    @property
    def notoc(self) -> bool:
        """The goods go on the captain's notification (fully regulated goods and dry ice)."""
        return any(line.section in ("I", "") for line in self.lines)

    @property
    def dangerous_goods(self) -> str:
        """``UN3481/967/II+UN1845`` … or empty for general cargo (the parcel record's summary)."""
        return "+".join(
            f"{line.un}/{line.pi}/{line.section}" if line.section else line.un for line in self.lines
        )


def _date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@cache
def _rules() -> tuple[LithiumRule, ...]:
    data = load_yaml("dangerous_goods.yaml")
    return tuple(
        LithiumRule(
            kind=r["kind"],
            packing=r["packing"],
            un=r["un"],
            pi=str(r["pi"]),
            start=_date(r["from"]),
            end=_date(r["to"]) if r.get("to") else None,
            section_ii_max=Decimal(str(r["section_ii_max"])) if r.get("section_ii_max") else None,
            cao=bool(r["cao"]),
        )
        for r in data["lithium"]
    )


def lithium_rule(kind: str, packing: str, on: date) -> LithiumRule:
    """The packing instruction that applies to a battery of this kind and packing on ``on``."""
    for rule in _rules():
        if (
            rule.kind == kind
            and rule.packing == packing
            and rule.start <= on
            and (rule.end is None or on <= rule.end)
        ):
            return rule
    raise ValidationError(
        f"no dangerous-goods rule for {kind} batteries {packing} equipment on {on}",
        field="handling.battery",
        rule=LogisticsError.SEGREGATION_CLASS,
    )


def classify(items: Iterable[tuple[Handling, int]], on: date) -> ParcelHandling:
    """The handling of a parcel holding ``(product handling, quantity)`` items, as it flies on ``on``."""
    data = load_yaml("dangerous_goods.yaml")
    codes, ice, per = data["codes"], data["dry_ice"], data["perishable"]
    shc: set[str] = set()
    lines: list[DgLine] = []
    candidates = {"GEN"}
    cao = perishable = False
    dry_ice = Decimal(0)
    for handling, quantity in items:
        if handling.battery:
            rule = lithium_rule(handling.battery, handling.battery_packing or "contained-in", on)
            rating = handling.battery_wh if handling.battery == "lithium-ion" else handling.lithium_g
            section = rule.section(rating)
            group = "section_ii" if section == "II" else "fully_regulated"
            shc.add(codes[group][handling.battery])
            name = data["names"][rule.un].split(" | ")[0 if rule.packing != "contained-in" else -1]
            lines.append(DgLine(rule.un, name, rule.pi, section, "9", quantity, Decimal(0), rule.cao))
            if rule.cao:
                cao = True
                shc.add(codes["cargo_aircraft_only"])
                candidates.add("CAO")
            elif section == "I":
                candidates.add("RLI" if handling.battery == "lithium-ion" else "RLM")
            else:
                candidates.add("ELI" if handling.battery == "lithium-ion" else "ELM")
        if handling.dry_ice_kg:
            dry_ice += handling.dry_ice_kg * quantity
        if handling.perishable:
            perishable = True
            shc.add(per["shc"])
            if handling.temperature == "chilled":
                shc.add(per["chilled"])
            elif handling.temperature == "frozen":
                shc.add(per["frozen"])
            candidates.add("PER")
    if dry_ice > 0:
        if dry_ice > Decimal(str(ice["max_per_package_kg"])):
            raise ValidationError(
                f"{dry_ice} kg of dry ice is over the {ice['max_per_package_kg']} kg a package may hold",
                field="handling.dry_ice_kg",
                rule=LogisticsError.POSITIVE,
            )
        shc.add(ice["shc"])
        lines.append(
            DgLine(
                ice["un"],
                data["names"][ice["un"]],
                str(ice["pi"]),
                "",
                ice["hazard_class"],
                1,
                dry_ice,
                False,
            )
        )
        candidates.add("ICE")
    classes = segregation_classes()
    klass = min(candidates, key=lambda c: classes[c].rank)
    return ParcelHandling(klass, tuple(sorted(shc)), cao, perishable, dry_ice, tuple(lines))

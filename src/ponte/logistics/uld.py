"""ULD and bag catalogue, segregation classes, airports, aircraft and flights."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

import airportsdata

from ponte.kernel.errors import ValidationError
from ponte.logistics._data import load_yaml


@lru_cache(maxsize=1)
def _airports() -> dict[str, dict[str, object]]:
    return airportsdata.load("IATA")  # type: ignore[return-value]


def check_airport(code: object, field: str = "airport") -> str:
    """An IATA airport code known to ``airportsdata``; anything else names the field."""
    if not isinstance(code, str) or len(code.strip()) != 3:
        raise ValidationError(
            f"{code!r} is not a 3-letter IATA airport code", field=field, rule="iata-airport"
        )
    upper = code.strip().upper()
    if upper not in _airports():
        raise ValidationError(f"{upper} is not a known IATA airport", field=field, rule="iata-airport")
    return upper


def airport_timezone(code: str) -> str:
    return str(_airports()[check_airport(code)]["tz"])


def check_utc(value: datetime, field: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError("time must carry a time zone", field=field, rule="tz-aware")
    return value


@dataclass(frozen=True, slots=True)
class UldType:
    """A unit load device type (or a bag): limits for planning. Weights in grams, volume in cm3
    internally so that packing works in exact integers."""

    code: str
    kind: str
    max_gross_g: int
    tare_g: int
    volume_cm3: int
    length_cm: int
    width_cm: int
    height_cm: int
    deck: str = "lower"
    confirmed: bool = True
    iata: str = ""  # the IATA type code when the position type is a contour of it ("PMC-L" is a PMC)

    @property
    def type_code(self) -> str:
        """The IATA ULD type code (what a ULD's id and ONE Record's ``uldTypeCode`` carry)."""
        return self.iata or self.code

    @property
    def payload_g(self) -> int:
        return self.max_gross_g - self.tare_g

    @property
    def payload_kg(self) -> Decimal:
        return Decimal(self.payload_g) / 1000

    def fits_dims(self, dims: tuple[int, int, int]) -> bool:
        box = sorted((self.length_cm, self.width_cm, self.height_cm))
        return all(d <= b for d, b in zip(sorted(dims), box, strict=True))


def _g(kg: object) -> int:
    return int(Decimal(str(kg)) * 1000)


def _cm3(m3: object) -> int:
    return int(Decimal(str(m3)) * 1_000_000)


@lru_cache(maxsize=1)
def uld_types() -> dict[str, UldType]:
    data = load_yaml("ulds.yaml")
    return {
        u["code"]: UldType(
            u["code"],
            u["kind"],
            _g(u["max_gross_kg"]),
            _g(u["tare_kg"]),
            _cm3(u["volume_m3"]),
            u["length_cm"],
            u["width_cm"],
            u["height_cm"],
            u["deck"],
            u["confirmed"],
            str(u.get("iata", "")),
        )
        for u in data["uld_types"]
    }


@lru_cache(maxsize=1)
def bag_types() -> dict[str, UldType]:
    data = load_yaml("ulds.yaml")
    return {
        b["code"]: UldType(
            b["code"],
            "bag",
            _g(b["max_gross_kg"]),
            _g(b["tare_kg"]),
            _cm3(b["volume_m3"]),
            b["length_cm"],
            b["width_cm"],
            b["height_cm"],
            "any",
            True,
        )
        for b in data["bag_types"]
    }


def uld_type(code: str, field: str = "uld_type") -> UldType:
    try:
        return uld_types()[code]
    except KeyError:
        raise ValidationError(
            f"{code!r} is not a ULD type in the catalogue", field=field, rule="uld-type"
        ) from None


@dataclass(frozen=True, slots=True)
class SegregationClass:
    code: str
    name: str
    shc: str
    priority: int
    cargo_aircraft_only: bool
    rank: int = 0  # most restrictive first, when a parcel holds goods of several classes


@lru_cache(maxsize=1)
def segregation_classes() -> dict[str, SegregationClass]:
    data = load_yaml("segregation.yaml")
    return {
        c["code"]: SegregationClass(
            c["code"], c["name"], c["shc"], c["priority"], c["cargo_aircraft_only"], c["rank"]
        )
        for c in data["classes"]
    }


@lru_cache(maxsize=1)
def segregation_aliases() -> dict[str, str]:
    """Class names of older parcel files and the class each stands for (``ELB`` → ``CAO``)."""
    return {str(k): str(v) for k, v in (load_yaml("segregation.yaml").get("aliases") or {}).items()}


def segregation_code(value: str) -> str:
    """A class code as written in a file (any case, an alias) as the class it is; unknown stays as given."""
    code = value.strip().upper()
    return segregation_aliases().get(code, code)


@dataclass(frozen=True)
class Flight:
    """One flight leg with its cargo capacity. Times are UTC; ``cutoff`` is the latest time cargo
    may be tendered (lodged) for it."""

    number: str
    carrier: str  # AWB prefix of the operating carrier
    origin: str
    destination: str
    departs: datetime
    arrives: datetime
    cutoff: datetime
    freighter: bool
    payload_kg: Decimal
    positions: dict[str, int] = field(default_factory=dict)  # ULD type -> positions offered to us
    cost_per_kg: Decimal = Decimal(0)
    currency: str = "USD"
    leg: int = 1  # leg of a multi-leg flight number (CA897 PEK-MAD is 1, MAD-GRU is 2)

    def __post_init__(self) -> None:
        object.__setattr__(self, "origin", check_airport(self.origin, "flight.origin"))
        object.__setattr__(self, "destination", check_airport(self.destination, "flight.destination"))
        for name in ("departs", "arrives", "cutoff"):
            check_utc(getattr(self, name), f"flight.{name}")
        if self.arrives <= self.departs:
            raise ValidationError("arrival is not after departure", field="flight.arrives", rule="time-order")
        if self.cutoff > self.departs:
            raise ValidationError("cut-off is after departure", field="flight.cutoff", rule="time-order")
        if self.payload_kg <= 0:
            raise ValidationError("payload must be positive", field="flight.payload_kg", rule="positive")
        for code, count in self.positions.items():
            uld_type(code, "flight.positions")
            if count < 0:
                raise ValidationError(
                    "position count is negative", field="flight.positions", rule="non-negative"
                )

    @property
    def key(self) -> str:
        """One key per flight leg: number, UTC departure date, and the leg's airports."""
        return f"{self.number}/{self.departs:%Y-%m-%d}/{self.origin}-{self.destination}"

    @property
    def payload_g(self) -> int:
        return int(self.payload_kg * 1000)

"""Air waybill numbers: prefix + 7-digit serial + modulus-7 check digit, and AWB stock.

An AWB number has 11 digits: the carrier's three-digit IATA accounting prefix, a
seven-digit serial and a check digit equal to the serial modulo 7 (IATA's FWB
example ``020-12345675``: 1234567 mod 7 = 5). House waybills are the forwarder's own
numbers and carry no check digit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ponte.kernel.errors import ConflictError, ValidationError
from ponte.logistics._data import load_yaml

_AWB_RE = re.compile(r"^\s*(\d{3})[\s-]?(\d{7})(\d)\s*$")
_HAWB_RE = re.compile(r"^[A-Z0-9]{1,16}$")


@dataclass(frozen=True, slots=True)
class Airline:
    prefix: str
    iata: str
    name: str
    country: str
    confirmed: bool


def airlines() -> dict[str, Airline]:
    """Known AWB prefixes, keyed by prefix (data file ``airlines.yaml``)."""
    data = load_yaml("airlines.yaml")
    return {
        str(a["prefix"]): Airline(str(a["prefix"]), str(a["iata"]), a["name"], a["country"], a["confirmed"])
        for a in data["airlines"]
    }


def check_digit(serial: int | str) -> int:
    """Modulus-7 check digit of a seven-digit serial."""
    text = str(serial)
    if not text.isdigit() or len(text) > 7:
        raise ValidationError(f"{serial!r} is not a seven-digit serial", field="serial", rule="awb-serial")
    return int(text) % 7


@dataclass(frozen=True, slots=True, order=True)
class AwbNumber:
    prefix: str
    serial: str
    check: int

    @classmethod
    def parse(cls, value: object, field: str = "awb") -> AwbNumber:
        """Parse ``784-83707805`` or ``78483707805``; refuse a bad format or check digit."""
        match = _AWB_RE.match(value) if isinstance(value, str) else None
        if match is None:
            raise ValidationError(
                f"{value!r} is not an air waybill number (3-digit prefix, 8 digits)",
                field=field,
                rule="awb-format",
            )
        prefix, serial, digit = match.group(1), match.group(2), int(match.group(3))
        expected = int(serial) % 7
        if digit != expected:
            raise ValidationError(
                f"{value!r} has check digit {digit}; serial {serial} mod 7 is {expected}",
                field=field,
                rule="awb-check-digit",
            )
        return cls(prefix, serial, digit)

    @classmethod
    def issue(cls, prefix: str, serial: int) -> AwbNumber:
        if not (isinstance(prefix, str) and len(prefix) == 3 and prefix.isdigit()):
            raise ValidationError(f"{prefix!r} is not a 3-digit prefix", field="prefix", rule="awb-prefix")
        if not 0 <= serial <= 9_999_999:
            raise ValidationError(f"{serial} is not a 7-digit serial", field="serial", rule="awb-serial")
        return cls(prefix, f"{serial:07d}", serial % 7)

    @property
    def number(self) -> str:
        """The eight digits after the prefix (serial + check digit)."""
        return f"{self.serial}{self.check}"

    @property
    def airline(self) -> Airline | None:
        return airlines().get(self.prefix)

    def __str__(self) -> str:
        return f"{self.prefix}-{self.number}"


def is_valid_awb(value: str) -> bool:
    try:
        AwbNumber.parse(value)
    except ValidationError:
        return False
    return True


def check_house_number(value: object, field: str = "hawb") -> str:
    """House waybill numbers: the forwarder's own, 1-16 upper-case letters or digits."""
    if not isinstance(value, str) or not _HAWB_RE.match(value):
        raise ValidationError(
            f"{value!r} is not a house waybill number (1-16 characters A-Z, 0-9)",
            field=field,
            rule="hawb-format",
        )
    return value


@dataclass(frozen=True, slots=True)
class StockRange:
    """Serials ``first..last`` (inclusive) issued by one airline to the forwarder."""

    prefix: str
    first: int
    last: int

    def __post_init__(self) -> None:
        AwbNumber.issue(self.prefix, self.first)
        AwbNumber.issue(self.prefix, self.last)
        if self.last < self.first:
            raise ValidationError("last serial is before the first", field="stock.last", rule="range-order")


@dataclass
class AwbStock:
    """AWB stock of one forwarder: ranges per prefix; a number is never handed out twice."""

    ranges: list[StockRange] = field(default_factory=list)
    used: set[tuple[str, int]] = field(default_factory=set)

    def add_range(self, rng: StockRange) -> None:
        for other in self.ranges:
            if other.prefix == rng.prefix and rng.first <= other.last and other.first <= rng.last:
                raise ConflictError(
                    f"range {rng.first}-{rng.last} overlaps {other.first}-{other.last} "
                    f"for prefix {rng.prefix}",
                    field="stock",
                    rule="range-overlap",
                )
        self.ranges.append(rng)

    def mark_used(self, awb: AwbNumber) -> None:
        key = (awb.prefix, int(awb.serial))
        if key in self.used:
            raise ConflictError(f"AWB {awb} was already used", field="awb", rule="awb-unique")
        self.used.add(key)

    def remaining(self, prefix: str) -> int:
        total = sum(r.last - r.first + 1 for r in self.ranges if r.prefix == prefix)
        return total - sum(1 for p, _ in self.used if p == prefix)

    def next(self, prefix: str) -> AwbNumber:
        """The lowest unused serial of the airline's stock; an empty stock is an error."""
        for rng in sorted((r for r in self.ranges if r.prefix == prefix), key=lambda r: r.first):
            for serial in range(rng.first, rng.last + 1):
                if (prefix, serial) not in self.used:
                    awb = AwbNumber.issue(prefix, serial)
                    self.used.add((prefix, serial))
                    return awb
        raise ConflictError(
            f"no AWB stock left for prefix {prefix}; ask the airline for a new range",
            field="prefix",
            rule="awb-stock-exhausted",
        )

"""Warehouses and their stock ledger, as plain values and pure rules (no database, no clock).

Every movement of stock is a row that moves a quantity of one lot from one *bucket* to another:

``outside`` (not in the warehouse) → ``available`` → ``reserved`` (for an order) → ``picked`` → ``packed`` →
``outside`` (handed to the last-mile carrier). Receipts, adjustments, returns, transfers and write-offs move
between ``outside`` and ``available``. A level is the sum of what moved into a bucket minus what moved out, so
levels are derived from the ledger; nothing can be created or lost by a movement.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo, available_timezones

from ponte.kernel.errors import ValidationError, Violation
from ponte.reference.countries import country
from ponte.reference.currencies import currency

__all__ = [
    "BUCKETS",
    "KINDS",
    "Allocation",
    "Bucket",
    "Kind",
    "Levels",
    "LotStock",
    "MovementSpec",
    "StockPosition",
    "WarehouseError",
    "WarehouseSpec",
    "allocate_fefo",
    "levels_of",
]


class WarehouseError(StrEnum):
    """The rules a warehouse operation can break (the ``rule`` of its error)."""

    UNKNOWN_WAREHOUSE = "unknown-warehouse"
    UNKNOWN_LOCATION = "unknown-location"
    UNKNOWN_LOT = "unknown-lot"
    NEGATIVE = "not-negative"
    POSITIVE = "positive"
    INSUFFICIENT = "insufficient-stock"
    EXPIRED = "lot-expired"
    SAME_TENANT = "same-tenant"
    SAME_WAREHOUSE = "different-warehouse"
    STATE = "state"
    REASON = "reason-required"
    TRADE_MODE = "trade-mode"
    TIME_ZONE = "time-zone"
    COUNTRY = "country"
    CURRENCY = "currency"
    CODE = "code"
    DUPLICATE = "unique"
    ZONE = "temperature-zone"
    MODE = "transport-mode"
    DISPOSITION = "disposition"


class Bucket(StrEnum):
    OUTSIDE = "outside"
    AVAILABLE = "available"
    RESERVED = "reserved"
    PICKED = "picked"
    PACKED = "packed"


#: The buckets whose level is kept (``outside`` is the world beyond the warehouse).
BUCKETS: tuple[Bucket, ...] = (Bucket.AVAILABLE, Bucket.RESERVED, Bucket.PICKED, Bucket.PACKED)


class Kind(StrEnum):
    RECEIPT = "receipt"
    RESERVATION = "reservation"
    RELEASE = "release"
    PICK = "pick"
    PACK = "pack"
    SHIP = "ship"
    ADJUSTMENT = "adjustment"
    RETURN = "return"
    TRANSFER_OUT = "transfer-out"
    TRANSFER_IN = "transfer-in"
    WRITE_OFF = "write-off"


#: Each kind of movement and the buckets it moves between; an adjustment goes either way.
KINDS: Mapping[Kind, tuple[tuple[Bucket, Bucket], ...]] = {
    Kind.RECEIPT: ((Bucket.OUTSIDE, Bucket.AVAILABLE),),
    Kind.RESERVATION: ((Bucket.AVAILABLE, Bucket.RESERVED),),
    Kind.RELEASE: ((Bucket.RESERVED, Bucket.AVAILABLE),),
    Kind.PICK: ((Bucket.RESERVED, Bucket.PICKED),),
    Kind.PACK: ((Bucket.PICKED, Bucket.PACKED),),
    Kind.SHIP: ((Bucket.PACKED, Bucket.OUTSIDE),),
    Kind.ADJUSTMENT: ((Bucket.OUTSIDE, Bucket.AVAILABLE), (Bucket.AVAILABLE, Bucket.OUTSIDE)),
    Kind.RETURN: ((Bucket.OUTSIDE, Bucket.AVAILABLE),),
    Kind.TRANSFER_OUT: ((Bucket.AVAILABLE, Bucket.OUTSIDE),),
    Kind.TRANSFER_IN: ((Bucket.OUTSIDE, Bucket.AVAILABLE),),
    Kind.WRITE_OFF: ((Bucket.AVAILABLE, Bucket.OUTSIDE),),
}

#: Kinds that must say why (an adjustment, a write-off).
NEEDS_REASON = frozenset({Kind.ADJUSTMENT, Kind.WRITE_OFF})

#: The customs trade modes a warehouse serves: 9810 export to an overseas warehouse, 1210 bonded import.
TRADE_MODES = frozenset({"9810", "1210"})

#: Temperature zones of a warehouse or location (perishables: chilled cherries, frozen goods).
ZONES = frozenset({"ambient", "chilled", "frozen"})


@dataclass(frozen=True)
class StockPosition:
    """What one warehouse can ship of one SKU now: ``available`` is unreserved stock of unexpired lots.

    The fulfilment choice reads these (``WarehouseService.stock_positions``); keep the name and shape stable.
    """

    warehouse_code: str
    tenant_id: str
    country: str
    bonded: bool
    trade_mode: str
    sku: str
    available: int
    handling_days: int
    cut_off_local: time | None
    currency: str


@dataclass(frozen=True)
class WarehouseSpec:
    """A warehouse as its operator describes it (checked by ``check_warehouse``)."""

    code: str
    name: str
    operator: str
    country: str
    address: Mapping[str, str]
    time_zone: str
    currency: str
    bonded: bool
    trade_mode: str
    cut_off_local: time | None = None
    handling_days: int = 1
    temperature_zones: tuple[str, ...] = ("ambient",)


@dataclass(frozen=True)
class Levels:
    """The quantity of one lot in each bucket."""

    available: int = 0
    reserved: int = 0
    picked: int = 0
    packed: int = 0

    @property
    def on_hand(self) -> int:
        """What is physically in the warehouse (every bucket but ``outside``)."""
        return self.available + self.reserved + self.picked + self.packed

    def get(self, bucket: Bucket) -> int:
        return int(getattr(self, bucket.value)) if bucket is not Bucket.OUTSIDE else 0

    def moved(self, source: Bucket, target: Bucket, quantity: int) -> Levels:
        values = {b.value: self.get(b) for b in BUCKETS}
        if source is not Bucket.OUTSIDE:
            values[source.value] -= quantity
        if target is not Bucket.OUTSIDE:
            values[target.value] += quantity
        return Levels(**values)

    def negative(self) -> list[Bucket]:
        return [b for b in BUCKETS if self.get(b) < 0]


@dataclass(frozen=True)
class MovementSpec:
    """One row of the ledger, before it is stored."""

    kind: Kind
    lot_id: str
    quantity: int
    source: Bucket
    target: Bucket
    reason: str = ""
    order_id: str | None = None
    reservation_id: str | None = None
    inbound_id: str | None = None
    transfer_id: str | None = None


def levels_of(movements: Iterable[tuple[str, Bucket | str, Bucket | str, int]]) -> dict[str, Levels]:
    """Per lot, the levels the movements ``(lot_id, source, target, quantity)`` leave (the ledger's truth)."""
    sums: dict[str, dict[Bucket, int]] = {}
    for lot_id, source, target, quantity in movements:
        per = sums.setdefault(lot_id, dict.fromkeys(BUCKETS, 0))
        s, t = Bucket(source), Bucket(target)
        if s is not Bucket.OUTSIDE:
            per[s] -= quantity
        if t is not Bucket.OUTSIDE:
            per[t] += quantity
    return {lot: Levels(**{b.value: n for b, n in per.items()}) for lot, per in sums.items()}


def movement(
    kind: Kind,
    lot_id: str,
    quantity: int,
    *,
    outward: bool = False,
    reason: str = "",
    order_id: str | None = None,
    reservation_id: str | None = None,
    inbound_id: str | None = None,
    transfer_id: str | None = None,
) -> MovementSpec:
    """A movement of ``kind`` (an adjustment is inward unless ``outward``), checked."""
    if quantity <= 0:
        raise ValidationError(
            f"a movement moves a positive quantity, not {quantity}",
            field="quantity",
            rule=WarehouseError.POSITIVE,
        )
    if kind in NEEDS_REASON and not reason.strip():
        raise ValidationError(f"a {kind.value} must say why", field="reason", rule=WarehouseError.REASON)
    pairs = KINDS[kind]
    source, target = pairs[1] if outward and len(pairs) > 1 else pairs[0]
    return MovementSpec(
        kind,
        lot_id,
        quantity,
        source,
        target,
        reason.strip(),
        order_id,
        reservation_id,
        inbound_id,
        transfer_id,
    )


@dataclass(frozen=True)
class LotStock:
    """One lot of a SKU with its levels, as FEFO allocation sees it."""

    lot_id: str
    sku: str
    lot_code: str
    location_code: str
    expires_on: date | None
    levels: Levels = field(default_factory=Levels)

    def expired(self, on: date) -> bool:
        """A lot is expired on its expiry date (it may not be sold that day)."""
        return self.expires_on is not None and self.expires_on <= on


@dataclass(frozen=True)
class Allocation:
    lot_id: str
    quantity: int


def fefo_order(lots: Iterable[LotStock]) -> list[LotStock]:
    """First expiry first out; lots that never expire last; ties by lot id (a stable, lockable order)."""
    return sorted(lots, key=lambda lot: (lot.expires_on is None, lot.expires_on or date.max, lot.lot_id))


def allocate_fefo(
    lots: Iterable[LotStock], quantity: int, on: date, field_name: str = "quantity"
) -> list[Allocation]:
    """Take ``quantity`` from the available stock of unexpired lots, earliest expiry first.

    Raises when the unexpired available stock is short (nothing is taken then)."""
    if quantity <= 0:
        raise ValidationError(
            f"a quantity is positive, not {quantity}", field=field_name, rule=WarehouseError.POSITIVE
        )
    out: list[Allocation] = []
    need = quantity
    for lot in fefo_order(lots):
        if need == 0:
            break
        if lot.expired(on) or lot.levels.available <= 0:
            continue
        take = min(need, lot.levels.available)
        out.append(Allocation(lot.lot_id, take))
        need -= take
    if need:
        held = quantity - need
        raise ValidationError(
            f"only {held} unexpired and unreserved, {quantity} asked",
            field=field_name,
            rule=WarehouseError.INSUFFICIENT,
        )
    return out


def available_now(lots: Iterable[LotStock], on: date) -> int:
    """Unreserved stock of lots not expired on ``on``."""
    return sum(lot.levels.available for lot in lots if not lot.expired(on))


def _rule(check: Callable[[], object], field: str) -> list[Violation]:
    try:
        check()
    except ValidationError as e:
        return [Violation(field, e.rule, e.message)]
    return []


def check_warehouse(spec: WarehouseSpec) -> list[Violation]:
    """What is wrong with a warehouse's description (empty when nothing)."""
    bad: list[Violation] = []
    if not spec.code or not spec.code.replace("-", "").isalnum() or len(spec.code) > 32:
        bad.append(Violation("code", WarehouseError.CODE, "a code is 1 to 32 letters, digits or dashes"))
    if not spec.name.strip():
        bad.append(Violation("name", WarehouseError.CODE, "a warehouse has a name"))
    bad += _rule(lambda: country(spec.country), "country")
    bad += _rule(lambda: currency(spec.currency), "currency")
    if spec.time_zone not in available_timezones():
        bad.append(
            Violation("time_zone", WarehouseError.TIME_ZONE, f"{spec.time_zone!r} is not an IANA time zone")
        )
    if spec.trade_mode not in TRADE_MODES:
        bad.append(
            Violation(
                "trade_mode",
                WarehouseError.TRADE_MODE,
                "a warehouse serves 9810 (overseas) or 1210 (bonded import)",
            )
        )
    elif (spec.trade_mode == "1210") != spec.bonded:
        bad.append(
            Violation(
                "bonded",
                WarehouseError.TRADE_MODE,
                "bonded import (1210) is served by a bonded warehouse only",
            )
        )
    elif spec.trade_mode == "1210" and spec.country != "CN":
        bad.append(Violation("country", WarehouseError.TRADE_MODE, "a 1210 bonded warehouse is in China"))
    if spec.handling_days < 0:
        bad.append(Violation("handling_days", WarehouseError.NEGATIVE, "handling days are not negative"))
    unknown = [z for z in spec.temperature_zones if z not in ZONES]
    if unknown or not spec.temperature_zones:
        bad.append(Violation("temperature_zones", WarehouseError.ZONE, f"zones are among {sorted(ZONES)}"))
    return bad


def local_cut_off_passed(at: datetime, cut_off: time | None, tz_name: str) -> bool:
    """Whether ``at`` is after today's cut-off in the warehouse's time zone (orders then leave a day later)."""
    if cut_off is None:
        return False
    return at.astimezone(ZoneInfo(tz_name)).time() > cut_off

"""Inbound first legs: the advance shipping notice (ASN) of stock flying or sailing to a warehouse, and how a
receipt compares with it (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from ponte.kernel.errors import ValidationError, Violation
from ponte.reference.countries import country
from ponte.warehouses.core import TRADE_MODES, WarehouseError

__all__ = ["Discrepancy", "InboundLine", "InboundSpec", "ReceivedLine", "check_inbound", "discrepancies"]

MODES = frozenset({"air", "sea"})


@dataclass(frozen=True)
class InboundLine:
    sku: str
    quantity: int
    lot_code: str
    expires_on: date | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "sku": self.sku,
            "quantity": self.quantity,
            "lot_code": self.lot_code,
            "expires_on": self.expires_on.isoformat() if self.expires_on else None,
        }


@dataclass(frozen=True)
class InboundSpec:
    """A first leg as announced: by air (an air waybill) or sea (a bill of lading), declared to customs under
    the warehouse's trade mode (9810 export to an overseas warehouse, 1210 import into a bonded one)."""

    warehouse_code: str
    asn_number: str
    mode: str
    origin_country: str
    trade_mode: str
    expected_at: datetime
    lines: tuple[InboundLine, ...]
    declaration_id: str | None = None
    awb: str | None = None
    bill_of_lading: str | None = None
    departed_at: datetime | None = None


@dataclass(frozen=True)
class ReceivedLine:
    """What the dock counted of one lot."""

    sku: str
    lot_code: str
    quantity: int
    expires_on: date | None = None


@dataclass(frozen=True)
class Discrepancy:
    sku: str
    lot_code: str
    expires_on: date | None
    announced: int
    counted: int
    difference: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "difference", self.counted - self.announced)

    def as_dict(self) -> dict[str, object]:
        return {
            "sku": self.sku,
            "lot_code": self.lot_code,
            "announced": self.announced,
            "counted": self.counted,
            "difference": self.difference,
        }


def _awb_ok(awb: str) -> bool:
    """An air waybill: 3-digit airline prefix and 8-digit serial whose last digit is the first seven mod 7."""
    digits = awb.replace("-", "").replace(" ", "")
    return len(digits) == 11 and digits.isdigit() and int(digits[3:10]) % 7 == int(digits[10])


def check_inbound(spec: InboundSpec) -> list[Violation]:
    bad: list[Violation] = []
    if not spec.asn_number.strip() or len(spec.asn_number) > 64:
        bad.append(
            Violation("asn_number", WarehouseError.CODE, "an advance notice number is 1 to 64 characters")
        )
    if spec.mode not in MODES:
        bad.append(Violation("mode", WarehouseError.MODE, "a first leg goes by air or sea"))
    try:
        country(spec.origin_country, "origin_country")
    except ValidationError as e:
        bad.append(Violation("origin_country", e.rule, e.message))
    if spec.trade_mode not in TRADE_MODES:
        bad.append(
            Violation("trade_mode", WarehouseError.TRADE_MODE, "a first leg is declared under 9810 or 1210")
        )
    if spec.mode == "air" and spec.awb is not None and not _awb_ok(spec.awb):
        bad.append(
            Violation("awb", "awb-check-digit", "an air waybill is 3 + 8 digits with a mod-7 check digit")
        )
    if spec.mode == "sea" and spec.awb:
        bad.append(
            Violation("awb", WarehouseError.MODE, "a sea leg has a bill of lading, not an air waybill")
        )
    if spec.mode == "air" and spec.bill_of_lading:
        bad.append(
            Violation(
                "bill_of_lading", WarehouseError.MODE, "an air leg has an air waybill, not a bill of lading"
            )
        )
    if spec.departed_at is not None and spec.departed_at > spec.expected_at:
        bad.append(Violation("expected_at", "after-departure", "a leg arrives after it departs"))
    if not spec.lines:
        bad.append(Violation("lines", "min-items", "an advance notice has at least one line"))
    seen: set[tuple[str, str]] = set()
    for i, line in enumerate(spec.lines):
        if isinstance(line.quantity, bool) or not isinstance(line.quantity, int) or line.quantity <= 0:
            bad.append(
                Violation(f"lines/{i}/quantity", WarehouseError.POSITIVE, "an announced quantity is positive")
            )
        if not line.sku or not line.lot_code:
            bad.append(Violation(f"lines/{i}/lot_code", WarehouseError.CODE, "a line names its SKU and lot"))
        key = (line.sku, line.lot_code)
        if key in seen:
            bad.append(
                Violation(f"lines/{i}/lot_code", WarehouseError.DUPLICATE, "a lot appears once per notice")
            )
        seen.add(key)
    return bad


def discrepancies(
    announced: Iterable[Mapping[str, object]], counted: Sequence[ReceivedLine]
) -> list[Discrepancy]:
    """Every lot announced or counted, with both figures (a lot counted but not announced has 0 announced)."""
    out: dict[tuple[str, str], Discrepancy] = {}
    expiry: dict[tuple[str, str], date | None] = {}
    planned: dict[tuple[str, str], int] = {}
    for line in announced:
        key = (str(line["sku"]), str(line["lot_code"]))
        planned[key] = planned.get(key, 0) + int(line["quantity"])  # type: ignore[call-overload]
        raw = line.get("expires_on")
        expiry[key] = date.fromisoformat(str(raw)) if raw else None
    got: dict[tuple[str, str], int] = {}
    for c in counted:
        key = (c.sku, c.lot_code)
        got[key] = got.get(key, 0) + c.quantity
        if c.expires_on is not None:
            expiry[key] = c.expires_on
    for key in list(planned) + [k for k in got if k not in planned]:
        out[key] = Discrepancy(key[0], key[1], expiry.get(key), planned.get(key, 0), got.get(key, 0))
    return list(out.values())

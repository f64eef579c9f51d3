"""What the warehouses' use cases return: plain values the API, console and CLI show as they are."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

__all__ = [
    "InboundView",
    "LotView",
    "Mismatch",
    "MovementView",
    "PickLine",
    "ReservationView",
    "StockLine",
    "WarehouseView",
]


def plain(value: Any) -> Any:
    """A dataclass as JSON-ready values (dates and times as ISO text)."""
    if hasattr(value, "__dataclass_fields__"):
        return {k: plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class WarehouseView:
    id: str
    code: str
    name: str
    operator: str
    country: str
    address: dict[str, str]
    time_zone: str
    currency: str
    bonded: bool
    trade_mode: str
    cut_off_local: str | None
    handling_days: int
    temperature_zones: list[str]
    locations: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class LotView:
    lot_id: str
    warehouse_code: str
    sku: str
    lot_code: str
    location: str
    expires_on: date | None
    expired: bool
    available: int
    reserved: int
    picked: int
    packed: int
    on_hand: int


@dataclass(frozen=True)
class StockLine:
    """One SKU in one warehouse: its levels, its daily demand and how many days the stock covers."""

    warehouse_code: str
    sku: str
    available: int
    reserved: int
    on_hand: int
    expired: int
    inbound: int
    daily_demand: float
    cover_days: float | None


@dataclass(frozen=True)
class MovementView:
    id: str
    at: datetime
    warehouse_code: str
    lot_id: str
    sku: str
    kind: str
    source: str
    target: str
    quantity: int
    reason: str
    order_id: str | None
    reservation_id: str | None
    inbound_id: str | None
    transfer_id: str | None


@dataclass(frozen=True)
class PickLine:
    sku: str
    lot_id: str
    lot_code: str
    location: str
    expires_on: date | None
    quantity: int


@dataclass(frozen=True)
class ReservationView:
    id: str
    warehouse_code: str
    order_id: str
    status: str
    lines: list[dict[str, Any]]
    picks: list[PickLine]
    carrier: str | None
    tracking_number: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class InboundView:
    id: str
    warehouse_code: str
    asn_number: str
    mode: str
    origin_country: str
    trade_mode: str
    declaration_id: str | None
    awb: str | None
    bill_of_lading: str | None
    lines: list[dict[str, Any]]
    status: str
    departed_at: datetime | None
    expected_at: datetime
    received_at: datetime | None
    discrepancies: list[dict[str, Any]]


@dataclass(frozen=True)
class Mismatch:
    """A lot whose cached levels differ from the ledger's sums (``reconcile`` finds none when all is well)."""

    lot_id: str
    ledger: dict[str, int]
    cached: dict[str, int]


@dataclass(frozen=True)
class Suggestion:
    """A replenishment shipment suggested for one SKU into one warehouse, with what it costs to land."""

    warehouse_code: str
    sku: str
    mode: str
    lead_days: int
    review_days: int
    service_level: float
    daily_forecast: float
    sigma_daily: float
    safety_stock: int
    order_up_to: int
    available: int
    inbound: int
    quantity: int
    weight_kg: str | None
    currency: str | None
    goods_value: str | None
    freight: str | None
    duties: str | None
    duty_regime: str | None
    duty_note: str
    total_cost: str | None

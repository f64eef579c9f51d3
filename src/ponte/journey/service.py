"""The journey's use cases: every step of an order, stored, linked and moved through one service call.

The API, the console, the CLI and the batch call these; each stages its work in the caller's unit of
work (the caller commits once, so a step and its move are stored together or not at all) — except
``send``, which commits message by message so that a crash sends nothing twice. Each capability does
its part through its service: duties quote, logistics pack and book, customs declare; the journey moves
the order, records why, and tells the seller's webhooks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ponte.customs import service as customs
from ponte.customs.adapters.transport import Transport
from ponte.customs.china.quote import QuoteFacts
from ponte.customs.china.signer import Signer
from ponte.duties import service as duties
from ponte.duties.context import FxSource
from ponte.duties.params import Rules
from ponte.fulfilment import service as fulfilment
from ponte.fulfilment.model import AirRate
from ponte.journey.core import Verdict, needs_withdrawal, state_after_tracking, verdict_of
from ponte.journey.reads import overview
from ponte.journey.store import OrderQuote, QuoteRepository
from ponte.kernel.errors import ConflictError, ValidationError
from ponte.kernel.ids import new_id
from ponte.logistics import service as logistics
from ponte.logistics.network import Lanes
from ponte.logistics.shipping import Waybill
from ponte.logistics.uld import Flight
from ponte.orders import service as orders
from ponte.orders.intake import OrderIn, PaymentIn
from ponte.platform.db import Database, UnitOfWork
from ponte.reference.markets import market
from ponte.warehouses.service import WarehouseService
from ponte.webhooks import service as webhooks

__all__ = [
    "Context",
    "Placed",
    "Shipped",
    "apply_receipt",
    "cancel",
    "declare",
    "frozen_quote",
    "fulfil",
    "overview",
    "pay",
    "place",
    "record_tracking",
    "requote",
    "return_order",
    "send",
    "ship",
]

#: Trade modes whose parcel flies from the park (the others leave a warehouse with a last-mile carrier).
AIR_MODES = ("9610", "9710")


@dataclass(frozen=True)
class Context:
    """What the journey's steps need beyond the database, built once by ``ponte.bootstrap``."""

    rules: Rules
    fx: FxSource | None
    lanes: Lanes | None = None
    flights: Callable[[date, int], list[Flight]] | None = None
    signer_for: Callable[[customs.SigningMaterial], Signer] | None = None
    transport: Callable[[], Transport] | None = None
    air: Mapping[tuple[str, str], AirRate] | None = None
    warehouses: WarehouseService | None = None

    def fulfilment(self) -> fulfilment.Setup:
        if self.lanes is None:
            raise ValidationError("no flight network is configured", field="lanes", rule="schedule")
        return fulfilment.Setup(self.rules, self.fx, self.lanes, self.air or {}, self.warehouses)


@dataclass(frozen=True)
class Placed:
    """An order as a step left it: its row, and the frozen quote and its verdict when it was quoted."""

    order: orders.Order
    quote: OrderQuote | None = None
    verdict: Verdict | None = None


def _move(uow: UnitOfWork, tenant_id: str, order_id: str, to: str, at: datetime, note: str) -> orders.Order:
    """Move the order and tell the seller's webhooks (``order.<state>``) in the same unit of work."""
    order = orders.move(uow, tenant_id, order_id, to, at, note)
    payload = {"order_id": order.id, "external_ref": order.external_ref, "status": to, "note": note}
    webhooks.notify(uow, tenant_id, f"order.{to}", payload, at, new_id("evt"))
    return order


# --- placing and quoting -------------------------------------------------------------------------


def _quote(
    uow: UnitOfWork, tenant_id: str, order_id: str, ctx: Context, at: datetime
) -> tuple[OrderQuote, Verdict]:
    frozen = duties.quote_stored_order(uow, tenant_id, order_id, rules=ctx.rules, fx=ctx.fx, quoted_at=at)
    data = frozen.as_dict()
    stored = QuoteRepository(uow.session, tenant_id).add(
        order_id, frozen.status, str(data["rules"]["digest"]), data, at
    )
    return stored, verdict_of(frozen.status, frozen.reasons)


def place(uow: UnitOfWork, tenant_id: str, order_in: OrderIn, ctx: Context, at: datetime) -> Placed:
    """Store an order and quote it at once: the quote is frozen with the order, and its verdict moves
    it to ``quoted`` (it may go on) or ``held`` (blocked or incomplete, with the reasons)."""
    order = orders.place_order(uow, tenant_id, order_in, at)
    return _quoted(uow, tenant_id, order.id, ctx, at, "")


def requote(uow: UnitOfWork, tenant_id: str, order_id: str, ctx: Context, at: datetime) -> Placed:
    """Quote an order again (after its facts, the seller's registrations or the rules changed); a new
    revision is frozen, the old ones are kept."""
    return _quoted(uow, tenant_id, order_id, ctx, at, "requoted: ")


def _quoted(uow: UnitOfWork, tenant_id: str, order_id: str, ctx: Context, at: datetime, why: str) -> Placed:
    orders.get(uow, tenant_id, order_id)
    quote, verdict = _quote(uow, tenant_id, order_id, ctx, at)
    order = _move(uow, tenant_id, order_id, verdict.state, at, why + verdict.summary())
    return Placed(order, quote, verdict)


def frozen_quote(uow: UnitOfWork, tenant_id: str, order_id: str, revision: int | None = None) -> OrderQuote:
    """The quote frozen with the order (its latest revision, or the one asked for)."""
    quotes = QuoteRepository(uow.session, tenant_id)
    if revision is None:
        return quotes.get_latest(order_id)
    found = next((q for q in quotes.all(order_id) if q.revision == revision), None)
    if found is None:
        raise ConflictError(
            f"the order has no quote revision {revision}", field="revision", rule="quote-revision"
        )
    return found


def pay(uow: UnitOfWork, tenant_id: str, order_id: str, payment: PaymentIn, at: datetime) -> orders.Order:
    """Record the buyer's payment (a fact of the order, needed before it is declared)."""
    order = orders.record_payment(uow, tenant_id, order_id, payment, at)
    payload = {"order_id": order.id, "external_ref": order.external_ref, "status": order.status}
    webhooks.notify(uow, tenant_id, "order.paid", payload, at, new_id("evt"))
    return order


# --- fulfilment, parcel, booking -------------------------------------------------------------------


def fulfil(uow: UnitOfWork, tenant_id: str, order_id: str, ctx: Context, at: datetime) -> orders.Order:
    """Choose how the order ships (``fulfilment.choose``: the direct air parcel, stock in an overseas or a
    bonded warehouse, B2B, under the seller's rules), record the choice, reserve the warehouse stock it
    needs, and pack its parcel: weight and box from the catalogue, the handling class from its products.
    The order takes the chosen trade mode (its history says why); the journey ships one parcel per order,
    so it never splits an order between a warehouse and the park."""
    order = orders.get(uow, tenant_id, order_id)
    if order.status != "quoted":
        raise ConflictError(
            f"a {order.status} order cannot be fulfilled; a quoted one can",
            field="status",
            rule="order-transition",
        )
    chosen = fulfilment.choose(uow, tenant_id, order_id, ctx.fulfilment(), at, never_split=True)
    option = chosen.choice.chosen
    assert option is not None  # choose refuses an order without one
    leg = option.legs[0]
    if leg.mode != order.trade_mode:
        orders.set_trade_mode(uow, tenant_id, order_id, leg.mode, at, chosen.choice.why)
        _quote(uow, tenant_id, order_id, ctx, at)  # the frozen quote follows the mode (China's channel)
    record = orders.load_order(uow, tenant_id, order_id)
    # a warehouse order leaves stock kept in the buyer's market (9810 overseas, 1210 bonded in China)
    near = market(order.destination, "destination").airports[0]
    air = leg.site is None
    parcel = logistics.pack(uow, tenant_id, record, at, lanes=ctx.lanes, route=None if air else (near, near))
    how = "air parcel" if air else f"warehouse {leg.site}"
    note = (
        f"{leg.mode} {how} ({chosen.choice.reason}); parcel {parcel.id} {parcel.gross.kg} kg "
        f"{parcel.dangerous_goods or 'GEN'}"
    )
    return _move(uow, tenant_id, order_id, "packed", at, note)


@dataclass(frozen=True)
class Shipped:
    """What a booking did: the orders booked with their waybills, and those still waiting with why."""

    booked: dict[str, Waybill]
    waiting: dict[str, str] = field(default_factory=dict)
    consolidation_id: str | None = None


def ship(
    uow: UnitOfWork,
    tenant_id: str,
    order_ids: Sequence[str],
    ctx: Context,
    at: datetime,
    *,
    days: int = 7,
    carrier: str | None = None,
    waybill_no: str | None = None,
) -> Shipped:
    """Book packed orders: air parcels are consolidated together onto the schedule's flights (house and
    master waybills issued from the tenant's AWB stock); a warehouse order is handed to its last-mile
    carrier with that carrier's waybill (``carrier`` and ``waybill_no``)."""
    rows = [orders.get(uow, tenant_id, i) for i in dict.fromkeys(order_ids)]
    if not rows:
        raise ValidationError("name at least one order", field="order_ids", rule="required")
    for row in rows:
        if row.status != "packed":
            raise ConflictError(
                f"order {row.id} is {row.status}; only packed orders ship",
                field="order_ids",
                rule="order-transition",
            )
    by_air = [r for r in rows if r.trade_mode in AIR_MODES]
    by_carrier = [r for r in rows if r.trade_mode not in AIR_MODES]
    booked: dict[str, Waybill] = {}
    waiting: dict[str, str] = {}
    consolidation = None
    if by_carrier:
        if len(by_carrier) > 1 or not carrier or not waybill_no:
            raise ValidationError(
                "a warehouse order ships alone, with its last-mile carrier and that carrier's waybill",
                field="waybill",
                rule="last-mile-waybill",
            )
        only = by_carrier[0]
        booked[only.id] = logistics.hand_over(uow, tenant_id, only.id, carrier, waybill_no, at)
    if by_air:
        if ctx.flights is None:
            raise ValidationError("no flight schedule is configured", field="flights", rule="schedule")
        rows_of = logistics.parcel_rows(uow, tenant_id, [r.id for r in by_air])
        start = min(r.placed_at for r in by_air).date()
        result = logistics.consolidate_and_issue(
            uow, tenant_id, list(rows_of.values()), ctx.flights(start, days), at
        )
        consolidation = result.id
        reasons = {
            u["order"]: u["reason"] for u in result.summary.get("unplaced_parcels", []) if u.get("order")
        }
        for order_id in rows_of:
            parcel = logistics.parcel(uow, tenant_id, order_id)
            if parcel is not None and parcel.id in result.waybills:
                booked[order_id] = result.waybills[parcel.id]
            else:
                waiting[order_id] = str(reasons.get(order_id, "no flight with room in the window"))
    for order_id, wb in booked.items():
        note = f"{wb.carrier} {wb.flight or ''} house {wb.house}" + (
            f" master {wb.master}" if wb.master else ""
        )
        _move(uow, tenant_id, order_id, "booked", at, note.replace("  ", " "))
    return Shipped(booked, waiting, consolidation)


def offload(uow: UnitOfWork, tenant_id: str, shipment_id: str, at: datetime) -> dict[str, Any]:
    """Take a booked shipment off its flights (capacity released on every leg) and its orders back to
    ``packed``, for ``ship`` to book again; refused, naming them, once an order is declared with it."""
    _, parcels = logistics.shipment(uow, tenant_id, shipment_id)
    order_ids = [p["order"] for p in parcels if p["order"]]
    if declared := [i for i in order_ids if orders.get(uow, tenant_id, i).status != "booked"]:
        why = f"orders {', '.join(declared)} are declared to customs with this flight; withdraw them first"
        raise ConflictError(why, field="shipment_id", rule="offload-before-declared")
    done = logistics.offload(uow, tenant_id, shipment_id, at)
    for order_id in order_ids:
        _move(uow, tenant_id, order_id, "packed", at, f"offloaded from shipment {shipment_id}")
    return {**done, "orders": order_ids}


# --- customs ---------------------------------------------------------------------------------------


def declare(
    uow: UnitOfWork, tenant_id: str, order_id: str, ctx: Context, at: datetime
) -> customs.DeclaredOrder:
    """Declare a booked order to China customs: messages built from the stored order, its parcel, its
    waybill (the real master waybill and flight) and its frozen quote, signed with the tenant's key,
    queued in the outbox. A rejected order is declared again the same way once it is fixed."""
    row = orders.get(uow, tenant_id, order_id)
    if row.status not in ("booked", "rejected"):
        raise ConflictError(
            f"a {row.status} order cannot be declared; a booked (or rejected) one can",
            field="status",
            rule="order-transition",
        )
    if row.payment_ref is None:
        raise ValidationError(
            "the order is not paid; record its payment first", field="payment", rule="paid-before-declared"
        )
    order = orders.load_order(uow, tenant_id, order_id)
    parcel, waybill = logistics.parcel(uow, tenant_id, order_id), logistics.waybill(uow, tenant_id, order_id)
    if parcel is None or waybill is None:
        raise ConflictError("the order has no booked parcel", field="waybill", rule="booked-before-declared")
    quote = QuoteFacts.from_quote(frozen_quote(uow, tenant_id, order_id).frozen["response"])
    declared = customs.declare_order(
        uow, tenant_id, order, parcel, waybill, at, signer=_signer(uow, tenant_id, ctx), quote=quote
    )
    _move(uow, tenant_id, order_id, "declared", at, f"declaration {declared.id} revision {declared.revision}")
    return declared


def _signer(uow: UnitOfWork, tenant_id: str, ctx: Context) -> Signer:
    if ctx.signer_for is None:
        raise ValidationError("no customs signer is configured", field="signer", rule="signer")
    return ctx.signer_for(customs.signing_material(uow, tenant_id))


def send(database: Database, tenant_id: str, ctx: Context, at: datetime) -> int:
    """Send the tenant's queued customs messages through its transport (one commit per message)."""
    if ctx.transport is None:
        raise ValidationError("no customs transport is configured", field="transport", rule="transport")
    return customs.send_outbox(database, tenant_id, ctx.transport(), at)


def apply_receipt(uow: UnitOfWork, tenant_id: str, raw: bytes, at: datetime) -> customs.AppliedReceipt:
    """Apply a customs receipt; a declaration it releases clears its order, one it refuses rejects it."""
    result = customs.apply_receipt(uow, tenant_id, raw, at)
    for change in result.changes:
        if change.order_id and change.journey:
            current = orders.get(uow, tenant_id, change.order_id).status
            if current in ("declared", "rejected") and current != change.journey:
                _move(uow, tenant_id, change.order_id, change.journey, at, f"customs: {change.after}")
    return result


# --- tracking, cancel, return ----------------------------------------------------------------------


def record_tracking(
    uow: UnitOfWork,
    tenant_id: str,
    rows: Sequence[Mapping[str, object]],
    at: datetime,
    source: str = "carrier",
) -> dict[str, Any]:
    """Record tracking events; a departure puts a cleared order in transit, a delivery delivers it."""
    recorded = logistics.record_events(uow, tenant_id, rows, at, source)
    moved: dict[str, str] = {}
    for order_id, codes in logistics.orders_of_events(uow, tenant_id, recorded.added).items():
        for code in codes:
            state = orders.get(uow, tenant_id, order_id).status
            to = state_after_tracking(state, code)
            if to is not None:
                _move(uow, tenant_id, order_id, to, at, f"tracking {code}")
                moved[order_id] = to
    return {**recorded.as_dict(), "orders_moved": moved}


def cancel(
    uow: UnitOfWork, tenant_id: str, order_id: str, reason: str, ctx: Context, at: datetime
) -> orders.Order:
    """Cancel an order that has not left: its parcel comes off its booking, the warehouse stock its
    fulfilment reserved is released, and an order customs hold gets a withdrawal application."""
    row = orders.get(uow, tenant_id, order_id)
    if needs_withdrawal(row.status):
        customs.withdraw(
            uow, tenant_id, orders.load_order(uow, tenant_id, order_id), at,
            signer=_signer(uow, tenant_id, ctx), reason=reason,
        )  # fmt: skip
    if row.status in ("packed", "booked", *("declared", "rejected", "cleared")):
        logistics.withdraw_parcel(uow, tenant_id, order_id, at)
        if ctx.lanes is not None:
            fulfilment.release(uow, tenant_id, order_id, ctx.fulfilment())  # its warehouse stock comes back
    return _move(uow, tenant_id, order_id, "cancelled", at, reason)


def return_order(
    uow: UnitOfWork, tenant_id: str, order_id: str, reason: str, ctx: Context, at: datetime
) -> orders.Order:
    """The buyer sent it back: customs get the return application, the order is returned."""
    row = orders.get(uow, tenant_id, order_id)
    if row.status not in ("in_transit", "delivered"):
        raise ConflictError(
            f"a {row.status} order cannot be returned", field="status", rule="order-transition"
        )
    customs.return_application(
        uow, tenant_id, orders.load_order(uow, tenant_id, order_id), at,
        signer=_signer(uow, tenant_id, ctx), reason=reason,
    )  # fmt: skip
    return _move(uow, tenant_id, order_id, "returned", at, reason)


def summary(placed: Placed) -> dict[str, Any]:
    return {
        "status": placed.order.status,
        "verdict": placed.verdict.kind if placed.verdict else None,
        "reasons": list(placed.verdict.reasons) if placed.verdict else [],
    }

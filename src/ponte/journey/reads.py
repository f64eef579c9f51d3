"""The order's journey as one read: everything its steps stored, linked (the state and history, the frozen
quote, the parcel, the waybill and flight, the declarations with their messages, the tracking timeline)."""

from __future__ import annotations

from typing import Any

from ponte.customs import service as customs
from ponte.journey.store import QuoteRepository
from ponte.kernel.clock import now as at_now
from ponte.kernel.errors import NotFoundError
from ponte.logistics import service as logistics
from ponte.orders import service as orders
from ponte.platform.db import UnitOfWork

__all__ = ["overview"]


def overview(uow: UnitOfWork, tenant_id: str, order_id: str, base: str = "") -> dict[str, Any]:
    """Everything the order's journey stored, linked: the state and history, the frozen quote, the
    parcel, the waybill and flight, the declarations with their messages, and the tracking timeline."""
    order = orders.get(uow, tenant_id, order_id)
    quote = QuoteRepository(uow.session, tenant_id).latest(order_id)
    parcel = logistics.parcel(uow, tenant_id, order_id)
    waybill = logistics.waybill(uow, tenant_id, order_id)
    declarations = customs.declarations_of(uow, tenant_id, order_id)
    tracking = None
    if parcel is not None:
        try:
            tracking = logistics.timeline(uow, tenant_id, parcel.id, at_now())
        except NotFoundError:
            tracking = None
    own = f"{base}/orders/{order_id}"
    return {
        "order_id": order.id,
        "status": order.status,
        "paid": order.payment_ref is not None,
        "events": [
            {"at": e.at, "kind": e.kind, "detail": e.detail} for e in orders.history(uow, tenant_id, order_id)
        ],
        "quote": None
        if quote is None
        else {
            "revision": quote.revision,
            "verdict": quote.verdict,
            "rules": quote.rules_version,
            "total_tax": quote.frozen["response"].get("total_tax"),
            "landed_cost": quote.frozen["response"].get("landed_cost"),
            "href": f"{own}/quote",
        },
        "parcel": None
        if parcel is None
        else {
            "id": parcel.id,
            "gross_kg": str(parcel.gross.kg),
            "net_kg": str(parcel.net.kg),
            "box_cm": [str(parcel.box.length_cm), str(parcel.box.width_cm), str(parcel.box.height_cm)],
            "dangerous_goods": parcel.dangerous_goods,
            "perishable": parcel.perishable,
            "origin": parcel.origin,
            "destination": parcel.destination,
        },
        "waybill": None
        if waybill is None
        else {
            "house": waybill.house,
            "master": waybill.master,
            "carrier": waybill.carrier,
            "flight": waybill.flight,
            "departs": waybill.departs,
            "arrives": waybill.arrives,
        },
        "declarations": [
            {
                "id": d.id,
                "revision": d.revision,
                "state": d.state,
                "messages": [{"kind": m.kind, "state": m.state, "signed": m.signed} for m in d.messages],
                "href": f"{base}/customs/declarations/{d.id}",
            }
            for d in declarations
        ],
        "tracking": tracking,
        "links": {
            "self": own,
            "quote": f"{own}/quote",
            "declarations": f"{base}/customs/orders/{order_id}/declarations",
            "tracking": f"{base}/tracking/{parcel.id}" if parcel is not None else None,
        },
    }

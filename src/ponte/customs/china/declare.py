"""From an order to the message data its direction needs.

Export orders get CEB303 (order), CEB403 (receipt of payment), CEB505 (waybill) and CEB603 (inventory);
import orders get CEB311 (order), CEB411 (payment), CEB511 (waybill) and CEB621 (inventory). Guids are
derived from the order number, the message kind and the revision (UUID 5), so building twice gives the
same messages and a re-declaration after a rejection gets fresh guids.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ponte.customs.china.envelope import BEIJING, Senders, ceb_time, guid_for
from ponte.customs.china.export import build_export
from ponte.customs.china.imports import build_import
from ponte.customs.china.orders import CustomsOrder, Transfer

__all__ = ["BEIJING", "Senders", "build_export", "build_import", "build_order", "ceb_time", "guid_for"]


def build_order(
    order: CustomsOrder,
    senders: Senders | Transfer,
    *,
    now: datetime,
    scope: str = "",
    revision: int = 0,
    app_types: dict[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """The data of every message of one order (export 303/403/505/603, import 311/411/511/621).

    ``app_types`` gives the appType of a kind customs already hold from an earlier revision: 2 (change)
    for those, 1 (new) for the rest; the e-port refuses a second "new" of the same business key."""
    s = senders if isinstance(senders, Senders) else Senders.single(senders)
    fn = build_export if order.direction == "export" else build_import
    return fn(order, s, now=now, scope=scope, revision=revision, app_types=app_types)

"""The parts every CEB message builder shares: guids, Beijing time, decimals, the BaseTransfer of the
enterprise that really sends each message.

Guids are derived from the scope (the tenant), the business key, the message kind and the revision
(UUID 5), so building twice gives the same messages and a re-declaration gets fresh guids.

Each message names the enterprise that really sends it in its BaseTransfer (``kinds.SENDER``): the
payment voucher the payment company, the waybill the logistics enterprise, the rest the tenant's
transmitting enterprise.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from ponte.customs.china.kinds import SENDER
from ponte.customs.china.orders import Transfer

__all__ = [
    "BEIJING",
    "Senders",
    "app_fields",
    "ceb_time",
    "dec",
    "envelope",
    "followup_envelope",
    "guid_for",
    "transfer_block",
]

BEIJING = ZoneInfo("Asia/Shanghai")  # CEB times are Beijing local time without a zone designator
_NS = uuid.UUID("6f1c0a52-6d1e-5c4b-9a1e-2b7c3f0d9e11")


@dataclass(frozen=True)
class Senders:
    """The BaseTransfer of each sender: the transmitting enterprise, the payment company, the carrier."""

    transmitter: Transfer
    payment: Transfer | None = None
    logistics: Transfer | None = None

    @classmethod
    def single(cls, transfer: Transfer) -> Senders:
        """One enterprise sends everything (a test harness, or a platform entrusted by all)."""
        return cls(transfer, transfer, transfer)

    def for_kind(self, kind: str) -> Transfer:
        role = SENDER.get(kind, "transmitter")
        found = getattr(self, role) or None
        return found if found is not None else self.transmitter


def guid_for(scope: str, order_no: str, kind: str, revision: int = 0, part: str = "") -> str:
    return str(uuid.uuid5(_NS, f"{scope}\x1f{order_no}\x1f{kind}\x1f{revision}\x1f{part}")).upper()


def ceb_time(t: datetime) -> str:
    return t.astimezone(BEIJING).strftime("%Y%m%d%H%M%S")


def dec(v: Decimal) -> Decimal:
    """A decimal as customs write it: no trailing zeros on whole numbers."""
    return v.normalize() if v == v.to_integral() else v


def transfer_block(t: Transfer) -> dict[str, Any]:
    return {"copCode": t.cop_code, "copName": t.cop_name, "dxpMode": t.dxp_mode, "dxpId": t.dxp_id}


def envelope(
    kind: str, key: str, scope: str, revision: int, wrapper: str, body: Any, senders: Senders
) -> dict[str, Any]:
    return {
        "guid": guid_for(scope, key, kind, revision, "message"),
        "version": "1.0",
        wrapper: body if isinstance(body, list) else [body],
        "BaseTransfer": transfer_block(senders.for_kind(kind)),
    }


def followup_envelope(
    kind: str,
    key: str,
    revision: int,
    wrapper: str,
    rows: list[dict[str, Any]],
    transfer: Transfer,
    scope: str = "",
) -> dict[str, Any]:
    """The message data of a follow-up (one or more records under ``wrapper``)."""
    return {
        "guid": guid_for(scope, key, kind, revision, "message"),
        "version": "1.0",
        wrapper: rows,
        "BaseTransfer": transfer_block(transfer),
    }


def app_fields(
    kind: str, key: str, now: datetime, revision: int, scope: str = "", app_type: str = "1"
) -> dict[str, Any]:
    """guid, appType, appTime and appStatus (declare) of a follow-up record."""
    return {
        "guid": guid_for(scope, key, kind, revision),
        "appType": app_type,
        "appTime": ceb_time(now),
        "appStatus": "2",
    }

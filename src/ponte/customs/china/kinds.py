"""Which messages an order of each direction gets, which of them are signed, who sends each, and the
business key its receipt echoes. Defined once; the builder, the service, the CLI and the simulator read
them from here.

Sources: GACC 海关跨境电商统一版系统企业对接报文规范（202205版）, message catalogue (the PDF marks 509,
603, 605, 607, 701 as signed; the import XSD makes ds:Signature mandatory for 621, 623, 625, 711) and
the sender of each message (ceb-messages.md §2): the order comes from the platform or the e-commerce
enterprise, the payment voucher (411) from the licensed payment company, the waybill (505/511) from the
logistics enterprise, the inventory list from the e-commerce enterprise or its declaring agent.
"""

from __future__ import annotations

from typing import Literal

__all__ = [
    "EXPORT_KINDS",
    "IMPORT_KINDS",
    "RECEIPT_KEY",
    "SENDER",
    "SIGNED_KINDS",
    "Sender",
    "kinds_for",
]

EXPORT_KINDS: tuple[str, ...] = ("303", "403", "505", "603")
IMPORT_KINDS: tuple[str, ...] = ("311", "411", "511", "621")

#: Messages that carry the enterprise's ds:Signature.
SIGNED_KINDS: frozenset[str] = frozenset({"509", "603", "605", "607", "701", "621", "623", "625", "711"})

Sender = Literal["transmitter", "payment", "logistics"]
#: Whose DXP identity transmits each message (the BaseTransfer block and the DxpMsg SenderId).
#: Everything not listed is sent by the tenant's transmitting enterprise.
SENDER: dict[str, Sender] = {
    "411": "payment",
    "505": "logistics",
    "511": "logistics",
    "513": "logistics",
}

#: The field of a declaration's business record that its receipt echoes.
RECEIPT_KEY: dict[str, str] = {
    "303": "orderNo",
    "403": "orderNo",
    "505": "logisticsNo",
    "603": "copNo",
    "605": "copNo",
    "607": "copNo",
    "509": "copNo",
    "507": "copNo",
    "701": "copNo",
    "213": "coElNo",
    "215": "coElNo",
    "311": "orderNo",
    "411": "payTransactionId",
    "511": "logisticsNo",
    "513": "logisticsNo",
    "621": "copNo",
    "623": "copNo",
    "625": "copNo",
    "711": "copNo",
}


def kinds_for(direction: str) -> tuple[str, ...]:
    return EXPORT_KINDS if direction == "export" else IMPORT_KINDS

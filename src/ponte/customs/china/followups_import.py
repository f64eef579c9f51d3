"""The messages that follow an import declaration: waybill status (513), import cancellation (623),
import return (625) and warehouse entry (711)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ponte.customs.china.envelope import app_fields, ceb_time, followup_envelope
from ponte.customs.china.envelope import dec as _d
from ponte.customs.china.orders import CustomsOrder, Party, Transfer

__all__ = ["import_cancel", "import_return", "warehouse_entry", "waybill_status"]


def waybill_status(
    order: CustomsOrder, signed_at: datetime, transfer: Transfer, *, now: datetime, revision: int = 0
) -> dict[str, Any]:
    """CEB513: the import parcel was signed for (status S)."""
    row = {
        **app_fields("513", order.order_no, now, revision),
        "logisticsCode": order.logistics.code,
        "logisticsName": order.logistics.name,
        "logisticsNo": order.logistics_no,
        "logisticsStatus": "S",
        "logisticsTime": ceb_time(signed_at),
    }
    return followup_envelope("513", order.order_no, revision, "LogisticsStatus", [row], transfer)


def _buyer(order: CustomsOrder) -> dict[str, Any]:
    b = order.buyer
    return {"buyerIdType": "1", "buyerIdNumber": b.id_number, "buyerName": b.name, "buyerTelephone": b.phone}


def _import_head(
    kind: str, order: CustomsOrder, invt_no: str, reason: str, now: datetime, revision: int
) -> dict[str, Any]:
    return {
        **app_fields(kind, order.order_no, now, revision),
        "customsCode": order.customs_code,
        "orderNo": order.order_no,
        "ebpCode": order.platform.code,
        "ebpName": order.platform.name,
        "ebcCode": order.seller.code,
        "ebcName": order.seller.name,
        "logisticsNo": order.logistics_no,
        "logisticsCode": order.logistics.code,
        "logisticsName": order.logistics.name,
        "copNo": order.order_no[:20],
        "invtNo": invt_no,
        **_buyer(order),
        "agentCode": order.agent.code,
        "agentName": order.agent.name,
        "reason": reason,
    }


def import_cancel(
    order: CustomsOrder, invt_no: str, reason: str, transfer: Transfer, *, now: datetime, revision: int = 0
) -> dict[str, Any]:
    """CEB623: cancel an import inventory (appType 1 only; must be signed)."""
    row = _import_head("623", order, invt_no, reason, now, revision)
    return followup_envelope("623", order.order_no, revision, "InvtCancel", [row], transfer)


def import_return(
    order: CustomsOrder, invt_no: str, reason: str, transfer: Transfer, *, now: datetime, revision: int = 0
) -> dict[str, Any]:
    """CEB625: return of an import inventory (every line; must be signed)."""
    head = _import_head("625", order, invt_no, reason, now, revision)
    rows = [
        {"gnum": i, "gcode": ln.hs_code, "gname": ln.gname or ln.name, "qty": _d(ln.qty), "unit": ln.unit}
        for i, ln in enumerate(order.lines, 1)
    ]
    return followup_envelope(
        "625",
        order.order_no,
        revision,
        "InvtRefund",
        [{"InvtRefundHead": head, "InvtRefundList": rows}],
        transfer,
    )


def warehouse_entry(
    batch_no: str,
    orders: list[CustomsOrder],
    operator: Party,
    transfer: Transfer,
    *,
    now: datetime,
    revision: int = 0,
) -> dict[str, Any]:
    """CEB711: direct-mail import parcels entered the supervised site (one Delivery per message)."""
    o = orders[0]
    c = o.conveyance
    head = {
        **app_fields("711", batch_no, now, revision),
        "customsCode": o.customs_code,
        "copNo": batch_no[:20],
        "operatorCode": operator.code,
        "operatorName": operator.name,
        "ieFlag": "I",
        "trafMode": c.traf_mode,
        "trafNo": c.traf_name or "",
        "voyageNo": c.voyage_no or "",
        "billNo": c.bill_no or "",
        "logisticsCode": o.logistics.code,
        "logisticsName": o.logistics.name,
    }
    rows = [{"gnum": i, "logisticsNo": x.logistics_no} for i, x in enumerate(orders, 1)]
    data = followup_envelope("711", batch_no, revision, "Delivery", [], transfer)
    data["Delivery"] = {"DeliveryHead": head, "DeliveryList": rows}
    return data

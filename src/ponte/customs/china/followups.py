"""The messages that follow an export declaration: arrival (507), departure (509), master/sub waybill
(607), summary application (701), export cancellation (605), export return (213) and its tally (215).
The import follow-ups (513, 623, 625, 711) are in ``followups_import``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ponte.customs.china.codes import customs_country, return_trade_mode
from ponte.customs.china.envelope import BEIJING, app_fields, ceb_time, followup_envelope
from ponte.customs.china.envelope import dec as _d
from ponte.customs.china.followups_import import import_cancel, import_return, warehouse_entry, waybill_status
from ponte.customs.china.orders import CustomsOrder, Party, Transfer

__all__ = [
    "BEIJING",
    "arrival",
    "departure",
    "export_cancel",
    "export_return",
    "export_return_tally",
    "import_cancel",
    "import_return",
    "summary_application",
    "warehouse_entry",
    "waybill_binding",
    "waybill_status",
]


def arrival(
    batch_no: str,
    orders: list[CustomsOrder],
    operator: Party,
    transfer: Transfer,
    *,
    now: datetime,
    domestic_traf_no: str,
    revision: int = 0,
) -> dict[str, Any]:
    """CEB507: the parcels of a master bill arrived at the supervised site."""
    o = orders[0]
    head = {
        **app_fields("507", batch_no, now, revision),
        "customsCode": o.customs_code,
        "copNo": batch_no,
        "operatorCode": operator.code,
        "operatorName": operator.name,
        "loctNo": o.loct_no,
        "ieFlag": "E",
        "trafMode": o.conveyance.traf_mode,
        "billNo": o.conveyance.bill_no,
        "domesticTrafNo": domestic_traf_no,
        "logisticsCode": o.logistics.code,
        "logisticsName": o.logistics.name,
        "msgCount": 1,
        "msgSeqNo": 1,
    }
    rows = [
        {"gnum": i, "logisticsNo": x.logistics_no, "totalPackageNo": x.conveyance.total_package_no}
        for i, x in enumerate(orders, 1)
    ]
    return followup_envelope(
        "507", batch_no, revision, "Arrival", [{"ArrivalHead": head, "ArrivalList": rows}], transfer
    )


def departure(
    batch_no: str,
    orders: list[CustomsOrder],
    transfer: Transfer,
    *,
    now: datetime,
    left_at: datetime,
    revision: int = 0,
) -> dict[str, Any]:
    """CEB509: the parcels left China."""
    o = orders[0]
    c = o.conveyance
    head = {
        **app_fields("509", batch_no, now, revision),
        "customsCode": o.customs_code,
        "copNo": batch_no,
        "logisticsCode": o.logistics.code,
        "logisticsName": o.logistics.name,
        "trafMode": c.traf_mode,
        "trafName": c.traf_name,
        "voyageNo": c.voyage_no,
        "billNo": c.bill_no,
        "leaveTime": ceb_time(left_at),
        "msgCount": 1,
        "msgSeqNo": 1,
    }
    rows = [
        {"gnum": i, "totalPackageNo": x.conveyance.total_package_no, "logisticsNo": x.logistics_no}
        for i, x in enumerate(orders, 1)
    ]
    return followup_envelope(
        "509", batch_no, revision, "Departure", [{"DepartureHead": head, "DepartureList": rows}], transfer
    )


def waybill_binding(
    batch_no: str, orders: list[CustomsOrder], transfer: Transfer, *, now: datetime, revision: int = 0
) -> dict[str, Any]:
    """CEB607: binds parcels to the master bill and conveyance."""
    o = orders[0]
    c = o.conveyance
    gross = sum((x.gross_weight for x in orders), orders[0].gross_weight * 0)
    head = {
        **app_fields("607", batch_no, now, revision),
        "customsCode": o.customs_code,
        "copNo": batch_no,
        "agentCode": o.agent.code,
        "agentName": o.agent.name,
        "loctNo": o.loct_no,
        "trafMode": c.traf_mode,
        "trafName": c.traf_name or "",
        "voyageNo": c.voyage_no or "",
        "billNo": c.bill_no or "",
        "grossWeight": _d(gross),
        "logisticsCode": o.logistics.code,
        "logisticsName": o.logistics.name,
        "msgCount": 1,
        "msgSeqNo": 1,
    }
    rows = [
        {"gnum": i, "totalPackageNo": x.conveyance.total_package_no, "logisticsNo": x.logistics_no}
        for i, x in enumerate(orders, 1)
    ]
    return followup_envelope(
        "607", batch_no, revision, "WayBill", [{"WayBillHead": head, "WayBillList": rows}], transfer
    )


def summary_application(
    cop_no: str,
    seller: Party,
    agent: Party,
    broker: Party,
    customs_code: str,
    invt_nos: list[str],
    transfer: Transfer,
    *,
    now: datetime,
    revision: int = 0,
) -> dict[str, Any]:
    """CEB701: summarise B-type export inventories into a customs declaration."""
    head = {
        **app_fields("701", cop_no, now, revision),
        "customsCode": customs_code,
        "copNo": cop_no,
        "agentCode": agent.code,
        "agentName": agent.name,
        "ebcCode": seller.code,
        "ebcName": seller.name,
        "declAgentCode": broker.code,
        "declAgentName": broker.name,
        "summaryFlag": "1",
        "itemNameFlag": "1",
        "msgCount": 1,
        "msgSeqNo": 1,
    }
    rows = [{"invtNo": n} for n in invt_nos]
    return followup_envelope(
        "701",
        cop_no,
        revision,
        "SummaryApply",
        [{"SummaryApplyHead": head, "SummaryApplyList": rows}],
        transfer,
    )


def export_cancel(
    order: CustomsOrder, invt_no: str, reason: str, transfer: Transfer, *, now: datetime, revision: int = 0
) -> dict[str, Any]:
    """CEB605: cancel an export inventory."""
    row = {
        **app_fields("605", order.order_no, now, revision),
        "customsCode": order.customs_code,
        "copNo": order.order_no[:30],
        "invtNo": invt_no,
        "reason": reason,
        "agentCode": order.agent.code,
        "agentName": order.agent.name,
        "ebcCode": order.seller.code,
        "ebcName": order.seller.name,
    }
    return followup_envelope("605", order.order_no, revision, "InvtCancel", [row], transfer)


def export_return(
    order: CustomsOrder, invt_no: str, reason: str, transfer: Transfer, *, now: datetime, revision: int = 0
) -> dict[str, Any]:
    """CEB213: retail export return (9661; 1261 from a special area)."""
    c = order.conveyance
    head = {
        **app_fields("213", order.order_no, now, revision),
        "customsCode": order.customs_code,
        "loctNo": order.loct_no,
        "ebpCode": order.platform.code,
        "ebpName": order.platform.name,
        "ebcCode": order.seller.code,
        "ebcName": order.seller.name,
        "logisticsNo": order.logistics_no,
        "logisticsCode": order.logistics.code,
        "logisticsName": order.logistics.name,
        "coElNo": order.order_no[:30],
        "invtNo": invt_no,
        "tradeMode": return_trade_mode(order.trade_mode),
        "agentCode": order.agent.code,
        "agentName": order.agent.name,
        "billNo": c.bill_no or "",
        "ieFlag": "I",
        "trafMode": c.traf_mode,
        "trafName": c.traf_name or "",
        "portCode": order.port_code,
        "reason": reason,
        "country": customs_country(order.country),
        "voyageNo": c.voyage_no or "",
    }
    rows = [
        {
            "gnum": i,
            "gcode": ln.hs_code,
            "gname": ln.gname or ln.name,
            "gmodel": ln.gmodel[:250],
            "qty": _d(ln.qty),
            "qty1": _d(ln.qty1 or ln.qty),
            "unit": ln.unit,
            "unit1": ln.unit1 or ln.unit,
        }
        for i, ln in enumerate(order.lines, 1)
    ]
    return followup_envelope(
        "213",
        order.order_no,
        revision,
        "InvtRefund",
        [{"InvtRefundHead": head, "InvtRefundList": rows}],
        transfer,
    )


def export_return_tally(
    order: CustomsOrder,
    invt_no: str,
    operator: Party,
    transfer: Transfer,
    *,
    now: datetime,
    revision: int = 0,
) -> dict[str, Any]:
    """CEB215: tally of returned export parcels at the supervised site."""
    c = order.conveyance
    row = {
        **app_fields("215", order.order_no, now, revision),
        "customsCode": order.customs_code,
        "operatorCode": operator.code,
        "operatorName": operator.name,
        "logisticsCode": order.logistics.code,
        "logisticsName": order.logistics.name,
        "logisticsNo": order.logistics_no,
        "invtNo": invt_no,
        "coElNo": order.order_no[:20],
        "billNo": c.bill_no or "",
        "ieFlag": "I",
        "trafMode": c.traf_mode,
        "trafName": c.traf_name or "",
        "voyageNo": c.voyage_no or "",
    }
    return followup_envelope("215", order.order_no, revision, "InvtRefundDetail", [row], transfer)

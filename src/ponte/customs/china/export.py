"""CEB303/403/505/603 for one export order (9610, 9710, 9810, 1210)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ponte.customs.china.codes import customs_country, customs_currency
from ponte.customs.china.envelope import BEIJING, Senders, ceb_time, envelope, guid_for
from ponte.customs.china.envelope import dec as _d
from ponte.customs.china.orders import CustomsOrder

__all__ = ["build_export"]


def build_export(
    order: CustomsOrder,
    senders: Senders,
    *,
    now: datetime,
    scope: str = "",
    revision: int = 0,
    app_status: str = "2",
    app_types: dict[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Data of CEB303/403/505/603 for one export order."""
    g = lambda kind: guid_for(scope, order.order_no, kind, revision)  # noqa: E731
    types = app_types or {}
    app = {"appTime": ceb_time(now), "appStatus": app_status}
    cur = customs_currency(order.currency)
    dest = customs_country(order.country)
    goods = order.goods_value
    order_type = {"9710": "B", "9810": "W"}.get(order.trade_mode, "E")
    head = {
        "guid": g("303"),
        "appType": types.get("303", "1"),
        **app,
        "orderType": order_type,
        "orderNo": order.order_no,
        "ebpCode": order.platform.code,
        "ebpName": order.platform.name,
        "ebcCode": order.seller.code,
        "ebcName": order.seller.name,
        "goodsValue": _d(goods),
        "freight": _d(order.freight),
        "currency": cur,
        "note": order.note,
    }
    olines = [
        {
            "gnum": i,
            "itemNo": ln.sku,
            "itemName": ln.name,
            "barCode": ln.barcode,
            "unit": ln.unit,
            "currency": cur,
            "qty": _d(ln.qty),
            "price": _d(ln.price),
            "totalPrice": _d(ln.total),
        }
        for i, ln in enumerate(order.lines, 1)
    ]
    receipts = {
        "guid": g("403"),
        "appType": types.get("403", "1"),
        **app,
        "ebpCode": order.platform.code,
        "ebpName": order.platform.name,
        "ebcCode": order.seller.code,
        "ebcName": order.seller.name,
        "orderNo": order.order_no,
        "payCode": order.payment.code,
        "payName": order.payment.name,
        "payNo": order.pay_transaction_id,
        "charge": _d(goods + order.freight),
        "currency": cur,
        "accountingDate": ceb_time(order.paid_at),
    }
    goods_info = "; ".join(f"{ln.name} x{_d(ln.qty)}" for ln in order.lines)[:200]
    logistics = {
        "guid": g("505"),
        "appType": types.get("505", "1"),
        **app,
        "logisticsCode": order.logistics.code,
        "logisticsName": order.logistics.name,
        "logisticsNo": order.logistics_no,
        "freight": _d(order.freight),
        "insuredFee": _d(order.insured_fee),
        "currency": cur,
        "grossWeight": _d(order.gross_weight),
        "packNo": 1,
        "goodsInfo": goods_info,
        "ebcCode": order.seller.code,
        "ebcName": order.seller.name,
    }
    owner = order.owner or order.seller
    conv = order.conveyance
    bonded = order.trade_mode in ("1210", "1239")
    ihead = {
        "guid": g("603"),
        "appType": types.get("603", "1"),
        **app,
        "customsCode": order.customs_code,
        "ebpCode": order.platform.code,
        "ebpName": order.platform.name,
        "orderNo": order.order_no,
        "logisticsCode": order.logistics.code,
        "logisticsName": order.logistics.name,
        "logisticsNo": order.logistics_no,
        "copNo": order.order_no[:30],
        "ieFlag": "E",
        "portCode": order.port_code,
        "ieDate": now.astimezone(BEIJING).strftime("%Y%m%d"),
        "statisticsFlag": order.statistics_flag,
        "agentCode": order.agent.code,
        "agentName": order.agent.name,
        "ebcCode": order.seller.code,
        "ebcName": order.seller.name,
        "ownerCode": owner.code,
        "ownerName": owner.name,
        "iacCode": order.area.code if bonded and order.area else None,
        "iacName": order.area.name if bonded and order.area else None,
        "emsNo": order.ems_no if bonded else None,
        "tradeMode": order.trade_mode,
        "trafMode": conv.traf_mode,
        "trafName": conv.traf_name,
        "voyageNo": conv.voyage_no,
        "billNo": conv.bill_no,
        "totalPackageNo": conv.total_package_no,
        "loctNo": order.loct_no,
        "country": dest,
        "POD": order.pod or "",
        "freight": _d(order.freight),
        "fCurrency": cur,
        "fFlag": "3",
        "insuredFee": _d(order.insured_fee),
        "iCurrency": cur,
        "iFlag": "3",
        "wrapType": order.wrap_type,
        "packNo": 1,
        "grossWeight": _d(order.gross_weight),
        "netWeight": _d(order.net_weight),
    }
    ilines = [
        {
            "gnum": i,
            "itemNo": ln.sku[:20],
            "itemRecordNo": ln.item_record_no if bonded else None,
            "itemName": ln.name,
            "gcode": ln.hs_code,
            "gname": ln.gname or ln.name,
            "gmodel": ln.gmodel,
            "barCode": ln.barcode or "无",
            "country": dest,
            "currency": cur,
            "qty": _d(ln.qty),
            "qty1": _d(ln.qty1),
            "qty2": _d(ln.qty2) if ln.qty2 else None,
            "unit": ln.unit,
            "unit1": ln.unit1,
            "unit2": ln.unit2 if ln.qty2 else None,
            "price": _d(ln.price),
            "totalPrice": _d(ln.total),
        }
        for i, ln in enumerate(order.lines, 1)
    ]
    return {
        "303": envelope(
            "303", order.order_no, scope, revision, "Order", {"OrderHead": head, "OrderList": olines}, senders
        ),
        "403": envelope("403", order.order_no, scope, revision, "Receipts", receipts, senders),
        "505": envelope("505", order.order_no, scope, revision, "Logistics", logistics, senders),
        "603": envelope(
            "603",
            order.order_no,
            scope,
            revision,
            "Inventory",
            {"InventoryHead": ihead, "InventoryList": ilines},
            senders,
        ),
    }

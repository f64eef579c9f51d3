"""CEB311/411/511/621 for one import order (9610 direct mail, 1210 bonded), declared in CNY."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ponte.customs.china.codes import china, cny, customs_country
from ponte.customs.china.envelope import BEIJING, Senders, ceb_time, envelope, guid_for
from ponte.customs.china.envelope import dec as _d
from ponte.customs.china.orders import CustomsOrder

__all__ = ["build_import"]


def build_import(
    order: CustomsOrder,
    senders: Senders,
    *,
    now: datetime,
    scope: str = "",
    revision: int = 0,
    app_status: str = "2",
    app_types: dict[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Data of CEB311/411/511/621 for one import order (declared in CNY, one parcel)."""
    g = lambda kind: guid_for(scope, order.order_no, kind, revision)  # noqa: E731
    types = app_types or {}
    app = {"appTime": ceb_time(now), "appStatus": app_status}
    goods = order.goods_value
    paid = goods + order.freight + order.tax_total - order.discount
    b, c = order.buyer, order.consignee
    head = {
        "guid": g("311"),
        "appType": types.get("311", "1"),
        **app,
        "orderType": "I",
        "orderNo": order.order_no,
        "ebpCode": order.platform.code,
        "ebpName": order.platform.name,
        "ebcCode": order.seller.code,
        "ebcName": order.seller.name,
        "goodsValue": _d(goods),
        "freight": _d(order.freight),
        "discount": _d(order.discount),
        "taxTotal": _d(order.tax_total),
        "acturalPaid": _d(paid),
        "currency": cny(),
        "buyerRegNo": b.reg_no or b.phone,
        "buyerName": b.name,
        "buyerTelephone": b.phone,
        "buyerIdType": "1",
        "buyerIdNumber": b.id_number,
        "payCode": order.payment.code,
        "payName": order.payment.name,
        "payTransactionId": order.pay_transaction_id,
        "consignee": c.name,
        "consigneeTelephone": c.phone,
        "consigneeAddress": c.address,
        "consigneeDistrict": c.district,
        "note": order.note,
    }
    olines = [
        {
            "gnum": i,
            "itemNo": ln.sku,
            "itemName": ln.name,
            "gmodel": ln.gmodel,
            "barCode": ln.barcode,
            "unit": ln.unit,
            "qty": _d(ln.qty),
            "price": _d(ln.price),
            "totalPrice": _d(ln.total),
            "currency": cny(),
            "country": customs_country(ln.origin_country),
        }
        for i, ln in enumerate(order.lines, 1)
    ]
    payment = {
        "guid": g("411"),
        "appType": types.get("411", "1"),
        **app,
        "payCode": order.payment.code,
        "payName": order.payment.name,
        "payTransactionId": order.pay_transaction_id,
        "orderNo": order.order_no,
        "ebpCode": order.platform.code,
        "ebpName": order.platform.name,
        "payerIdType": "1",
        "payerIdNumber": b.id_number,
        "payerName": b.name,
        "telephone": b.phone,
        "amountPaid": _d(paid),
        "currency": cny(),
        "payTime": ceb_time(order.paid_at),
    }
    conv = order.conveyance
    bonded = order.trade_mode in ("1210", "1239")
    waybill = {
        "guid": g("511"),
        "appType": types.get("511", "1"),
        **app,
        "logisticsCode": order.logistics.code,
        "logisticsName": order.logistics.name,
        "logisticsNo": order.logistics_no,
        "billNo": None if bonded else conv.bill_no,
        "orderNo": order.order_no,
        "freight": _d(order.freight),
        "insuredFee": _d(order.insured_fee),
        "currency": cny(),
        "weight": _d(order.gross_weight),
        "packNo": 1,
        "goodsInfo": "; ".join(ln.name for ln in order.lines)[:200],
        "consignee": c.name,
        "consigneeAddress": c.address,
        "consigneeTelephone": c.phone,
    }
    ihead = {
        "guid": g("621"),
        "appType": types.get("621", "1"),
        **app,
        "orderNo": order.order_no,
        "ebpCode": order.platform.code,
        "ebpName": order.platform.name,
        "ebcCode": order.seller.code,
        "ebcName": order.seller.name,
        "logisticsNo": order.logistics_no,
        "logisticsCode": order.logistics.code,
        "logisticsName": order.logistics.name,
        "copNo": order.order_no[:20],
        "assureCode": order.seller.code,
        "emsNo": order.ems_no if bonded else None,
        "ieFlag": "I",
        "declTime": now.astimezone(BEIJING).strftime("%Y%m%d"),
        "customsCode": order.customs_code,
        "portCode": order.port_code,
        "buyerIdType": "1",
        "buyerIdNumber": b.id_number,
        "buyerName": b.name,
        "buyerTelephone": b.phone,
        "consigneeAddress": c.address,
        "agentCode": order.agent.code,
        "agentName": order.agent.name,
        "areaCode": order.area.code if bonded and order.area else None,
        "areaName": order.area.name if bonded and order.area else None,
        "tradeMode": order.trade_mode,
        "trafMode": conv.traf_mode,
        "trafNo": None if bonded else conv.traf_name,
        "voyageNo": None if bonded else conv.voyage_no,
        "billNo": None if bonded else conv.bill_no,
        "loctNo": order.loct_no,
        "country": china() if bonded else customs_country(order.country),
        "freight": _d(order.freight),
        "insuredFee": _d(order.insured_fee),
        "currency": cny(),
        "wrapType": order.wrap_type,
        "packNo": 1,
        "grossWeight": _d(order.gross_weight),
        "netWeight": _d(order.net_weight),
    }
    ilines = [
        {
            "gnum": i,
            "itemRecordNo": ln.item_record_no if bonded else None,
            "itemNo": ln.sku[:20],
            "itemName": ln.name,
            "gcode": ln.hs_code,
            "gname": ln.gname or ln.name,
            "gmodel": ln.gmodel,
            "barCode": ln.barcode,
            "country": customs_country(ln.origin_country),
            "currency": cny(),
            "qty": _d(ln.qty),
            "unit": ln.unit,
            "qty1": _d(ln.qty1),
            "unit1": ln.unit1,
            "qty2": _d(ln.qty2) if ln.qty2 else None,
            "unit2": ln.unit2 if ln.qty2 else None,
            "price": _d(ln.price),
            "totalPrice": _d(ln.total),
        }
        for i, ln in enumerate(order.lines, 1)
    ]
    return {
        "311": envelope(
            "311", order.order_no, scope, revision, "Order", {"OrderHead": head, "OrderList": olines}, senders
        ),
        "411": envelope("411", order.order_no, scope, revision, "Payment", {"PaymentHead": payment}, senders),
        "511": envelope(
            "511", order.order_no, scope, revision, "Logistics", {"LogisticsHead": waybill}, senders
        ),
        "621": envelope(
            "621",
            order.order_no,
            scope,
            revision,
            "Inventory",
            {"InventoryHead": ihead, "InventoryList": ilines},
            senders,
        ),
    }

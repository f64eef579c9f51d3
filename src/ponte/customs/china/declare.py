"""From an order to the message data its trade mode needs.

Export orders get CEB303 (order), CEB403 (receipt of payment), CEB505 (waybill) and CEB603 (inventory);
import orders get CEB311 (order), CEB411 (payment), CEB511 (waybill) and CEB621 (inventory). Guids are
derived from the order number, the message kind and the revision (UUID 5), so building twice gives the
same messages and a re-declaration after a rejection gets fresh guids.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from ponte.customs.china.codes import china, cny, customs_country, customs_currency
from ponte.customs.china.orders import CustomsOrder, Transfer

BEIJING = ZoneInfo("Asia/Shanghai")  # CEB times are Beijing local time without a zone designator
_NS = uuid.UUID("6f1c0a52-6d1e-5c4b-9a1e-2b7c3f0d9e11")

EXPORT_KINDS = ("303", "403", "505", "603")
IMPORT_KINDS = ("311", "411", "511", "621")


def kinds_for(order: CustomsOrder) -> tuple[str, ...]:
    return EXPORT_KINDS if order.direction == "export" else IMPORT_KINDS


def guid_for(scope: str, order_no: str, kind: str, revision: int = 0, part: str = "") -> str:
    return str(uuid.uuid5(_NS, f"{scope}\x1f{order_no}\x1f{kind}\x1f{revision}\x1f{part}")).upper()


def ceb_time(t: datetime) -> str:
    return t.astimezone(BEIJING).strftime("%Y%m%d%H%M%S")


def _d(v: Decimal) -> Decimal:
    return v.normalize() if v == v.to_integral() else v


def _transfer(t: Transfer) -> dict[str, Any]:
    return {"copCode": t.cop_code, "copName": t.cop_name, "dxpMode": t.dxp_mode, "dxpId": t.dxp_id}


def _msg(
    kind: str, order: CustomsOrder, scope: str, revision: int, wrapper: str, body: Any, transfer: Transfer
) -> dict[str, Any]:
    return {
        "guid": guid_for(scope, order.order_no, kind, revision, "message"),
        "version": "1.0",
        wrapper: [body],
        "BaseTransfer": _transfer(transfer),
    }


def build_export(
    order: CustomsOrder,
    transfer: Transfer,
    *,
    now: datetime,
    scope: str = "",
    revision: int = 0,
    app_status: str = "2",
) -> dict[str, dict[str, Any]]:
    """Data of CEB303/403/505/603 for one export order."""
    g = lambda kind: guid_for(scope, order.order_no, kind, revision)  # noqa: E731
    app = {"appType": "1", "appTime": ceb_time(now), "appStatus": app_status}
    cur = customs_currency(order.currency)
    dest = customs_country(order.country)
    goods = order.goods_value
    order_type = {"9710": "B", "9810": "W"}.get(order.trade_mode, "E")
    head = {
        "guid": g("303"),
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
            "qty1": _d(ln.qty1 if ln.qty1 is not None else ln.qty),
            "qty2": _d(ln.qty2) if ln.qty2 else None,
            "unit": ln.unit,
            "unit1": ln.unit1 or ln.unit,
            "unit2": ln.unit2 if ln.qty2 else None,
            "price": _d(ln.price),
            "totalPrice": _d(ln.total),
        }
        for i, ln in enumerate(order.lines, 1)
    ]
    return {
        "303": _msg(
            "303", order, scope, revision, "Order", {"OrderHead": head, "OrderList": olines}, transfer
        ),
        "403": _msg("403", order, scope, revision, "Receipts", receipts, transfer),
        "505": _msg("505", order, scope, revision, "Logistics", logistics, transfer),
        "603": _msg(
            "603",
            order,
            scope,
            revision,
            "Inventory",
            {"InventoryHead": ihead, "InventoryList": ilines},
            transfer,
        ),
    }


def build_import(
    order: CustomsOrder,
    transfer: Transfer,
    *,
    now: datetime,
    scope: str = "",
    revision: int = 0,
    app_status: str = "2",
) -> dict[str, dict[str, Any]]:
    """Data of CEB311/411/511/621 for one import order (declared in CNY, one parcel)."""
    g = lambda kind: guid_for(scope, order.order_no, kind, revision)  # noqa: E731
    app = {"appType": "1", "appTime": ceb_time(now), "appStatus": app_status}
    goods = order.goods_value
    paid = goods + order.freight + order.tax_total - order.discount
    b, c = order.buyer, order.consignee
    head = {
        "guid": g("311"),
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
            "qty1": _d(ln.qty1 if ln.qty1 is not None else ln.qty),
            "unit1": ln.unit1 or ln.unit,
            "qty2": _d(ln.qty2) if ln.qty2 else None,
            "unit2": ln.unit2 if ln.qty2 else None,
            "price": _d(ln.price),
            "totalPrice": _d(ln.total),
        }
        for i, ln in enumerate(order.lines, 1)
    ]
    return {
        "311": _msg(
            "311", order, scope, revision, "Order", {"OrderHead": head, "OrderList": olines}, transfer
        ),
        "411": _msg("411", order, scope, revision, "Payment", {"PaymentHead": payment}, transfer),
        "511": _msg("511", order, scope, revision, "Logistics", {"LogisticsHead": waybill}, transfer),
        "621": _msg(
            "621",
            order,
            scope,
            revision,
            "Inventory",
            {"InventoryHead": ihead, "InventoryList": ilines},
            transfer,
        ),
    }


def build_order(
    order: CustomsOrder, transfer: Transfer, *, now: datetime, scope: str = "", revision: int = 0
) -> dict[str, dict[str, Any]]:
    fn = build_export if order.direction == "export" else build_import
    return fn(order, transfer, now=now, scope=scope, revision=revision)

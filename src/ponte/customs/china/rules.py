"""Business rules customs checks beyond the schema: totals, line arithmetic, consecutive item numbers,
trade-mode requirements, and the documents of one order agreeing with each other (order, payment,
waybill and inventory list). Sources: spec PDF 202205 field texts; section 8 of Ponte's CEB notes."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from ponte.customs.china.codes import china
from ponte.kernel.errors import Violation

ZERO = Decimal(0)
CENT = Decimal("0.01")  # a line total may be qty x price rounded half-up to the fen/cent


def dec(v: Any) -> Decimal | None:
    if v is None or v == "":
        return None
    if isinstance(v, Decimal):
        return v
    try:
        return Decimal(str(v))
    except InvalidOperation:
        return None


def _rows(v: Any) -> list[dict[str, Any]]:
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def records(code: str, data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    """(path, head, lines) of every business record of a message."""
    wrapper, head_name, list_name = _LAYOUT[code]
    for i, rec in enumerate(_rows(data.get(wrapper)), 1):
        path = f"CEB{code}Message/{wrapper}[{i}]"
        if head_name is None:
            yield path, rec, []
        else:
            lines = _rows(rec.get(list_name)) if list_name else []
            yield f"{path}/{head_name}", rec.get(head_name) or {}, lines


_LAYOUT: dict[str, tuple[str, str | None, str | None]] = {
    "303": ("Order", "OrderHead", "OrderList"),
    "311": ("Order", "OrderHead", "OrderList"),
    "403": ("Receipts", None, None),
    "411": ("Payment", "PaymentHead", None),
    "505": ("Logistics", None, None),
    "511": ("Logistics", "LogisticsHead", None),
    "603": ("Inventory", "InventoryHead", "InventoryList"),
    "621": ("Inventory", "InventoryHead", "InventoryList"),
    "625": ("InvtRefund", "InvtRefundHead", "InvtRefundList"),
    "213": ("InvtRefund", "InvtRefundHead", "InvtRefundList"),
    "701": ("SummaryApply", "SummaryApplyHead", "SummaryApplyList"),
    "507": ("Arrival", "ArrivalHead", "ArrivalList"),
    "509": ("Departure", "DepartureHead", "DepartureList"),
    "607": ("WayBill", "WayBillHead", "WayBillList"),
    "605": ("InvtCancel", None, None),
    "623": ("InvtCancel", None, None),
    "215": ("InvtRefundDetail", None, None),
    "513": ("LogisticsStatus", None, None),
    "711": ("Delivery", "DeliveryHead", "DeliveryList"),
}


def _list_path(head_path: str, list_name: str, j: int) -> str:
    return f"{head_path.rsplit('/', 1)[0]}/{list_name}[{j}]"


def _lines(
    code: str,
    head_path: str,
    lines: list[dict[str, Any]],
    out: list[Violation],
    currency: Any = None,
    check_total: bool = True,
) -> Decimal:
    list_name = _LAYOUT[code][2] or ""
    total = ZERO
    for j, line in enumerate(lines, 1):
        lp = _list_path(head_path, list_name, j)
        if str(line.get("gnum")) != str(j):
            out.append(
                Violation(f"{lp}/gnum", "gnum-consecutive", f"must be {j}: item numbers run 1, 2, 3...")
            )
        if check_total:
            qty, price, tp = dec(line.get("qty")), dec(line.get("price")), dec(line.get("totalPrice"))
            if qty is not None and price is not None and tp is not None:
                expected = qty * price
                if expected != tp and expected.quantize(CENT, ROUND_HALF_UP) != tp:
                    out.append(
                        Violation(
                            f"{lp}/totalPrice",
                            "line-total",
                            f"must equal qty x price = {expected.normalize():f} (got {tp:f})",
                        )
                    )
            total += tp or ZERO
        if currency is not None and "currency" in line and line["currency"] != currency:
            out.append(Violation(f"{lp}/currency", "same-currency", "must be the currency of the head"))
        if (line.get("unit2") in (None, "")) != (line.get("qty2") in (None, "")):
            out.append(Violation(f"{lp}/qty2", "second-unit-pair", "qty2 and unit2 go together"))
    return total


def _weights(path: str, head: dict[str, Any], out: list[Violation]) -> None:
    gw, nw = dec(head.get("grossWeight")), dec(head.get("netWeight"))
    if nw is not None and nw <= 0:
        out.append(Violation(f"{path}/netWeight", "positive", "must be greater than 0"))
    if gw is not None and nw is not None and gw < nw:
        out.append(Violation(f"{path}/grossWeight", "gross>=net", "must not be less than netWeight"))


def _need(path: str, head: dict[str, Any], names: tuple[str, ...], why: str, out: list[Violation]) -> None:
    for n in names:
        if head.get(n) in (None, ""):
            out.append(Violation(f"{path}/{n}", "trade-mode-required", f"is required {why}"))


def message_rules(code: str, data: dict[str, Any]) -> list[Violation]:
    """Violations of the business rules inside one message (``code`` like "311")."""
    out: list[Violation] = []
    if code not in _LAYOUT:
        return out
    for path, head, lines in records(code, data):
        if code in ("303", "311"):
            total = _lines(code, path, lines, out, head.get("currency"))
            gv = dec(head.get("goodsValue"))
            if gv is not None and gv != total:
                out.append(
                    Violation(
                        f"{path}/goodsValue",
                        "goods-value-total",
                        f"must equal the sum of line totals {total:f} (got {gv:f})",
                    )
                )
            if code == "311":
                parts = [
                    dec(head.get(k)) for k in ("goodsValue", "freight", "taxTotal", "discount", "acturalPaid")
                ]
                g, fr, tax, disc, paid = parts
                if (
                    g is not None
                    and fr is not None
                    and tax is not None
                    and disc is not None
                    and paid is not None
                ) and g + fr + tax - disc != paid:
                    out.append(
                        Violation(
                            f"{path}/acturalPaid",
                            "actural-paid",
                            f"must equal goodsValue + freight + taxTotal - discount = "
                            f"{g + fr + tax - disc:f} (got {paid:f})",
                        )
                    )
        elif code in ("603", "621"):
            _lines(code, path, lines, out)
            _weights(path, head, out)
            mode = head.get("tradeMode")
            if code == "621":
                if mode == "9610":
                    _need(path, head, ("trafNo", "voyageNo", "billNo"), "for direct-mail import (9610)", out)
                if mode in ("1210", "1239"):
                    _need(path, head, ("emsNo", "areaCode", "areaName"), "for bonded import", out)
                    for j, line in enumerate(lines, 1):
                        _need(
                            _list_path(path, "InventoryList", j),
                            line,
                            ("itemRecordNo",),
                            "for bonded import",
                            out,
                        )
                    if head.get("country") not in (None, china()):
                        out.append(
                            Violation(
                                f"{path}/country",
                                "bonded-country",
                                f"must be {china()} (China) for bonded import",
                            )
                        )
                assure = head.get("assureCode")
                if assure and assure not in (
                    head.get("ebpCode"),
                    head.get("ebcCode"),
                    head.get("logisticsCode"),
                ):
                    out.append(
                        Violation(
                            f"{path}/assureCode",
                            "assure-party",
                            "must be the platform, the e-commerce or the logistics enterprise",
                        )
                    )
            elif mode in ("1210", "1239"):
                _need(path, head, ("iacCode", "iacName", "emsNo"), "for special-area export", out)
        elif code in ("213", "507", "509", "607"):
            _lines(code, path, lines, out, check_total=False)
        elif code == "701":
            st, et = head.get("startTime"), head.get("endTime")
            if bool(st) != bool(et):
                out.append(Violation(f"{path}/endTime", "time-pair", "startTime and endTime go together"))
            elif st and et and str(et) < str(st):
                out.append(Violation(f"{path}/endTime", "time-order", "must not be before startTime"))
    return out

"""The documents of one order must agree: export 303/403/505/603, import 311/411/511/621 ("三单对碰").

Each violation names the message and field that disagrees and the rule, e.g.
``CEB411Message/Payment[1]/PaymentHead/amountPaid`` / ``three-documents:amount-paid``.
"""

from __future__ import annotations

from typing import Any

from ponte.customs.china.rules import ZERO, dec, records
from ponte.kernel.errors import Violation


def _index(
    code: str, msgs: dict[str, list[dict[str, Any]]], key: str
) -> dict[Any, tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    out = {}
    for data in msgs.get(code, []):
        for path, head, lines in records(code, data):
            out[head.get(key)] = (path, head, lines)
    return out


def _same(
    out: list[Violation], path: str, name: str, value: Any, expected: Any, rule: str, what: str
) -> None:
    if value != expected:
        out.append(Violation(f"{path}/{name}", rule, f"must equal {what} ({expected!r}), got {value!r}"))


def _gnums(
    out: list[Violation], path: str, lines: list[dict[str, Any]], order_lines: list[dict[str, Any]], rule: str
) -> None:
    ours = {str(x.get("gnum")) for x in lines}
    theirs = {str(x.get("gnum")) for x in order_lines}
    if ours != theirs:
        out.append(
            Violation(
                f"{path.rsplit('/', 1)[0]}/InventoryList",
                rule,
                f"item numbers {sorted(ours)} must match the order's {sorted(theirs)}",
            )
        )


def check_export(msgs: dict[str, list[dict[str, Any]]]) -> list[Violation]:
    """``msgs`` maps "303", "403", "505", "603" to lists of message data."""
    out: list[Violation] = []
    orders = _index("303", msgs, "orderNo")
    waybills = _index("505", msgs, "logisticsNo")
    r = "three-documents"
    for path, inv, lines in _index("603", msgs, "orderNo").values():
        order = orders.get(inv.get("orderNo"))
        if order is None:
            out.append(Violation(f"{path}/orderNo", f"{r}:order-exists", "no CEB303 order with this orderNo"))
        else:
            _, head, olines = order
            _same(
                out,
                path,
                "ebpCode",
                inv.get("ebpCode"),
                head.get("ebpCode"),
                f"{r}:ebpCode",
                "the order ebpCode",
            )
            _same(
                out,
                path,
                "ebcCode",
                inv.get("ebcCode"),
                head.get("ebcCode"),
                f"{r}:ebcCode",
                "the order ebcCode",
            )
            _gnums(out, path, lines, olines, f"{r}:gnum")
            by_g = {str(x.get("gnum")): x for x in olines}
            total = ZERO
            for j, line in enumerate(lines, 1):
                ol = by_g.get(str(line.get("gnum")))
                lp = f"{path.rsplit('/', 1)[0]}/InventoryList[{j}]"
                if ol is not None:
                    _same(
                        out,
                        lp,
                        "itemNo",
                        line.get("itemNo"),
                        ol.get("itemNo"),
                        f"{r}:itemNo",
                        "the order itemNo",
                    )
                    _same(
                        out,
                        lp,
                        "currency",
                        line.get("currency"),
                        ol.get("currency"),
                        f"{r}:currency",
                        "the order currency",
                    )
                total += dec(line.get("totalPrice")) or ZERO
            gv = dec(head.get("goodsValue"))
            if gv is not None and total != gv:
                out.append(
                    Violation(
                        f"{path.rsplit('/', 1)[0]}/InventoryList",
                        f"{r}:goods-value",
                        f"line totals {total:f} must equal the order goodsValue {gv:f}",
                    )
                )
        wb = waybills.get(inv.get("logisticsNo"))
        if wb is None:
            out.append(
                Violation(f"{path}/logisticsNo", f"{r}:waybill-exists", "no CEB505 waybill with this number")
            )
        else:
            _same(
                out,
                path,
                "logisticsCode",
                inv.get("logisticsCode"),
                wb[1].get("logisticsCode"),
                f"{r}:logisticsCode",
                "the waybill logisticsCode",
            )
    for path, rec, _ in _index("403", msgs, "orderNo").values():
        order = orders.get(rec.get("orderNo"))
        if order is None:
            out.append(Violation(f"{path}/orderNo", f"{r}:order-exists", "no CEB303 order with this orderNo"))
            continue
        head = order[1]
        _same(
            out, path, "ebcCode", rec.get("ebcCode"), head.get("ebcCode"), f"{r}:ebcCode", "the order ebcCode"
        )
        _same(
            out,
            path,
            "currency",
            rec.get("currency"),
            head.get("currency"),
            f"{r}:currency",
            "the order currency",
        )
        gv, fr, charge = dec(head.get("goodsValue")), dec(head.get("freight")), dec(rec.get("charge"))
        if gv is not None and fr is not None and charge is not None and gv + fr != charge:
            out.append(
                Violation(
                    f"{path}/charge",
                    f"{r}:charge",
                    f"must equal the order goodsValue + freight = {gv + fr:f}",
                )
            )
    return out


def check_import(msgs: dict[str, list[dict[str, Any]]]) -> list[Violation]:
    """``msgs`` maps "311", "411", "511", "621" to lists of message data."""
    out: list[Violation] = []
    r = "three-documents"
    orders = _index("311", msgs, "orderNo")
    waybills = _index("511", msgs, "logisticsNo")
    for path, pay, _ in _index("411", msgs, "orderNo").values():
        order = orders.get(pay.get("orderNo"))
        if order is None:
            out.append(Violation(f"{path}/orderNo", f"{r}:order-exists", "no CEB311 order with this orderNo"))
            continue
        h = order[1]
        if dec(pay.get("amountPaid")) != dec(h.get("acturalPaid")):
            out.append(
                Violation(
                    f"{path}/amountPaid",
                    f"{r}:amount-paid",
                    f"must equal the order acturalPaid {h.get('acturalPaid')}",
                )
            )
        _same(
            out, path, "payerName", pay.get("payerName"), h.get("buyerName"), f"{r}:payer", "the order buyer"
        )
        _same(
            out,
            path,
            "payerIdNumber",
            pay.get("payerIdNumber"),
            h.get("buyerIdNumber"),
            f"{r}:payer",
            "the order buyer ID",
        )
        _same(out, path, "ebpCode", pay.get("ebpCode"), h.get("ebpCode"), f"{r}:ebpCode", "the order ebpCode")
        if h.get("payCode"):
            _same(
                out,
                path,
                "payCode",
                pay.get("payCode"),
                h.get("payCode"),
                f"{r}:payCode",
                "the order payCode",
            )
        if h.get("payTransactionId"):
            _same(
                out,
                path,
                "payTransactionId",
                pay.get("payTransactionId"),
                h.get("payTransactionId"),
                f"{r}:payTransactionId",
                "the order payTransactionId",
            )
    for path, wb, _ in waybills.values():
        order = orders.get(wb.get("orderNo"))
        if order is None:
            out.append(Violation(f"{path}/orderNo", f"{r}:order-exists", "no CEB311 order with this orderNo"))
            continue
        for name in ("consignee", "consigneeTelephone", "consigneeAddress"):
            _same(out, path, name, wb.get(name), order[1].get(name), f"{r}:consignee", f"the order {name}")
    for path, inv, lines in _index("621", msgs, "orderNo").values():
        order = orders.get(inv.get("orderNo"))
        if order is None:
            out.append(Violation(f"{path}/orderNo", f"{r}:order-exists", "no CEB311 order with this orderNo"))
            continue
        _, h, olines = order
        for name in ("ebpCode", "ebcCode", "buyerName", "buyerIdNumber", "buyerTelephone"):
            _same(out, path, name, inv.get(name), h.get(name), f"{r}:{name}", f"the order {name}")
        _same(
            out,
            path,
            "consigneeAddress",
            inv.get("consigneeAddress"),
            h.get("consigneeAddress"),
            f"{r}:consignee",
            "the order consigneeAddress",
        )
        _gnums(out, path, lines, olines, f"{r}:gnum")
        total = sum((dec(x.get("totalPrice")) or ZERO for x in lines), ZERO)
        gv = dec(h.get("goodsValue"))
        if gv is not None and total != gv:
            out.append(
                Violation(
                    f"{path.rsplit('/', 1)[0]}/InventoryList",
                    f"{r}:goods-value",
                    f"line totals {total:f} must equal the order goodsValue {gv:f}",
                )
            )
        if dec(inv.get("freight")) != dec(h.get("freight")):
            out.append(Violation(f"{path}/freight", f"{r}:freight", "must equal the order freight"))
        wbi = waybills.get(inv.get("logisticsNo"))
        if wbi is None:
            out.append(
                Violation(f"{path}/logisticsNo", f"{r}:waybill-exists", "no CEB511 waybill with this number")
            )
        else:
            _same(
                out,
                path,
                "logisticsCode",
                inv.get("logisticsCode"),
                wbi[1].get("logisticsCode"),
                f"{r}:logisticsCode",
                "the waybill logisticsCode",
            )
    return out

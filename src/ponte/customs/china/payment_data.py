"""The real-time payment data an import platform owes customs on request (GACC Announcement 2018
No. 179, 海关总署公告2018年第179号).

Customs call the platform with ``openReq = {"orderNo", "sessionID", "serviceTime"}``; the platform answers
within its session by uploading ``payExInfoStr`` (form field) to the e-port's ``realTimeDataUpload``:
``sessionID``, ``payExchangeInfoHead`` (guid, initalRequest and initalResponse — the raw exchange with the
payment company —, ebpCode, payCode, payTransactionId, totalAmount, currency 142, verDept 1 UnionPay /
2 NetsUnion / 3 other, payType, tradingTime, note), ``payExchangeInfoLists`` (per order: orderNo,
goodsInfo [{gname, itemLink}], recpAccount, recpCode, recpName), ``serviceTime``, ``certNo`` and
``signValue``. The signed text is those four members written as
``"sessionID":"…"||"payExchangeInfoHead":"{…}"||"payExchangeInfoLists":"[…]"||"serviceTime":"…"``
(JSON without spaces, unescaped slashes and Unicode), signed by the enterprise's card
(``cus-sec_SpcSignDataAsPEM``), as the integrations that upload it do.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from ponte.customs.errors import CustomsCode
from ponte.kernel.errors import ValidationError, Violation

__all__ = ["Evidence", "PaymentDataRequest", "TextSigner", "answer", "parse_request", "signed_text"]


class TextSigner(Protocol):
    def sign_data(self, data: str) -> tuple[bytes, str]: ...


@dataclass(frozen=True)
class PaymentDataRequest:
    order_no: str
    session_id: str
    service_time: str


@dataclass(frozen=True)
class Evidence:
    """What the platform keeps of the payment: the raw request to and answer from the payment company,
    and what customs ask about the goods and the payee."""

    initial_request: str
    initial_response: str
    pay_type: str
    verifying_body: str  # verDept: 1 UnionPay, 2 NetsUnion, 3 other
    goods: tuple[tuple[str, str], ...]  # (goods name, link to the item on the platform)
    payee_account: str
    payee_code: str
    payee_name: str


def parse_request(raw: str | bytes) -> PaymentDataRequest:
    """Customs' ``openReq``; every missing member is named."""
    try:
        data = json.loads(raw)
    except (ValueError, TypeError):
        raise ValidationError("openReq is not JSON", field="openReq", rule="json") from None
    if not isinstance(data, dict):
        raise ValidationError("openReq is a JSON object", field="openReq", rule="json")
    missing = [k for k in ("orderNo", "sessionID", "serviceTime") if not str(data.get(k) or "").strip()]
    if missing:
        raise ValidationError.of([Violation(f"openReq.{k}", "required", "is required") for k in missing])
    return PaymentDataRequest(str(data["orderNo"]), str(data["sessionID"]), str(data["serviceTime"]))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def signed_text(session_id: str, head: dict[str, Any], lists: list[dict[str, Any]], service_time: str) -> str:
    return (
        f'"sessionID":"{session_id}"||"payExchangeInfoHead":"{_json(head)}"||'
        f'"payExchangeInfoLists":"{_json(lists)}"||"serviceTime":"{service_time}"'
    )


def answer(
    request: PaymentDataRequest,
    *,
    ebp_code: str,
    pay_code: str,
    pay_transaction_id: str,
    amount_paid: Decimal,
    trading_time: str,
    evidence: Evidence,
    service_time: str,
    signer: TextSigner,
) -> dict[str, Any]:
    """The ``payExInfoStr`` document for ``request``, signed."""
    problems = [
        Violation(
            f"evidence.{name}", CustomsCode.PROFILE_FIELD, "customs ask for it (Announcement 2018 No. 179)"
        )
        for name in ("initial_request", "initial_response", "pay_type")
        if not getattr(evidence, name)
    ]
    if evidence.verifying_body not in ("1", "2", "3"):
        problems.append(
            Violation("evidence.verifying_body", "code-list", "1 UnionPay, 2 NetsUnion or 3 other")
        )
    if not evidence.goods:
        problems.append(Violation("evidence.goods", "required", "the goods and their links"))
    if problems:
        raise ValidationError.of(problems)
    head = {
        "guid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"179/{request.session_id}/{request.order_no}")).upper(),
        "initalRequest": evidence.initial_request,
        "initalResponse": evidence.initial_response,
        "ebpCode": ebp_code,
        "payCode": pay_code,
        "payTransactionId": pay_transaction_id,
        # a JSON number on the wire; a fen amount's shortest float form is its decimal digits exactly
        "totalAmount": float(amount_paid) if amount_paid != amount_paid.to_integral() else int(amount_paid),
        "currency": "142",
        "verDept": evidence.verifying_body,
        "payType": evidence.pay_type,
        "tradingTime": trading_time,
        "note": "",
    }
    lists = [
        {
            "orderNo": request.order_no,
            "goodsInfo": [{"gname": g, "itemLink": link} for g, link in evidence.goods],
            "recpAccount": evidence.payee_account,
            "recpCode": evidence.payee_code,
            "recpName": evidence.payee_name,
        }
    ]
    signature, cert_no = signer.sign_data(signed_text(request.session_id, head, lists, service_time))
    return {
        "sessionID": request.session_id,
        "payExchangeInfoHead": head,
        "payExchangeInfoLists": lists,
        "serviceTime": service_time,
        "certNo": cert_no,
        "signValue": base64.b64encode(signature).decode(),
    }

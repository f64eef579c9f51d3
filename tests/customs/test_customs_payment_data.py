"""The real-time payment data an import platform owes customs (Announcement 2018 No. 179): built from
the declared order, signed by the card as the integrations sign it, uploaded in the e-port's form."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs

import httpx
import pytest
from customs_factory import NOW, make_order, put_profile

from ponte.customs import service
from ponte.customs.adapters.eport_client import EportClientDevice
from ponte.customs.adapters.eport_stand_in import SoftCard, StandIn
from ponte.customs.adapters.payment_data_upload import PaymentDataUploader
from ponte.customs.china import sm2
from ponte.customs.china.payment_data import Evidence, signed_text
from ponte.customs.china.signer import DeviceSigner
from ponte.kernel.errors import PonteError, ValidationError

EVIDENCE = Evidence(
    initial_request="app_id=2021&method=alipay.trade.pay&out_trade_no=PO0000000031",
    initial_response='{"code":"10000","trade_no":"2026030622001400001"}',
    pay_type="1",
    verifying_body="3",
    goods=(("智利车厘子", "https://shop.example.cn/item/31"),),
    payee_account="OSA000000000001",
    payee_code="4403960ABC",
    payee_name="深圳前海跨境电商服务有限公司",
)


def test_the_answer_is_signed_by_the_card_over_the_text_customs_expect(database, tenants) -> None:  # type: ignore[no-untyped-def]
    signer = put_profile(database, tenants.a)
    order = make_order(31, "import", "9610")
    with database.unit_of_work() as uow:
        service.declare_raw(uow, tenants.a, order, NOW, signer=signer)
        uow.commit()
    open_req = json.dumps(
        {"orderNo": order.order_no, "sessionID": "ad2254-8hewyf32", "serviceTime": "1553047681"}
    )
    with StandIn(SoftCard("sm2")) as card:
        device = DeviceSigner(EportClientDevice(card.url, "88888888"))
        with database.unit_of_work() as uow:
            doc = service.answer_payment_request(uow, tenants.a, open_req, EVIDENCE, NOW, signer=device)
        public = sm2.public_key_of(card.card.certificate_der)
    head, lists = doc["payExchangeInfoHead"], doc["payExchangeInfoLists"]
    assert head["payTransactionId"] == order.pay_transaction_id and head["currency"] == "142"
    assert head["ebpCode"] == order.platform.code and lists[0]["orderNo"] == order.order_no
    assert doc["certNo"] == card.card.cert_no
    text = signed_text(doc["sessionID"], head, lists, doc["serviceTime"])
    assert text.startswith('"sessionID":"ad2254-8hewyf32"||"payExchangeInfoHead":"{"guid":')
    assert public is not None and sm2.verify(public, base64.b64decode(doc["signValue"]), text.encode())
    with database.unit_of_work() as uow, pytest.raises(ValidationError) as exc:
        service.answer_payment_request(uow, tenants.a, '{"orderNo": "X"}', EVIDENCE, NOW, signer=device)
    assert {v.field for v in exc.value.violations} == {"openReq.sessionID", "openReq.serviceTime"}


def test_the_upload_is_the_eport_form_and_a_refusal_is_an_error() -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(parse_qs(request.content.decode()))
        code = "10000" if len(seen) == 1 else "20001"
        return httpx.Response(200, json={"code": code, "message": "" if code == "10000" else "验签失败"})

    uploader = PaymentDataUploader("https://eport.test/ceb2grab/grab/realTimeDataUpload",
                                   httpx.Client(transport=httpx.MockTransport(handler)))  # fmt: skip
    assert uploader.upload({"sessionID": "s", "certNo": "01"})["code"] == "10000"
    assert json.loads(seen[0]["payExInfoStr"][0]) == {"sessionID": "s", "certNo": "01"}
    with pytest.raises(PonteError) as exc:
        uploader.upload({"sessionID": "s"})
    assert "验签失败" in exc.value.message

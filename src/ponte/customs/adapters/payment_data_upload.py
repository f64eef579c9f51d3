"""Uploading the 179 payment-data answer to the e-port (``POST …/ceb2grab/grab/realTimeDataUpload``, form
field ``payExInfoStr``). The e-port answers ``{"code": "10000", "message": "", "serviceTime": …}`` when it
took the data; any other code is an error carrying its message."""

from __future__ import annotations

import json
from typing import Any

import httpx

from ponte.customs.errors import CustomsCode
from ponte.kernel.errors import PonteError

__all__ = ["PaymentDataUploader"]

ACCEPTED = "10000"


class PaymentDataUploader:
    def __init__(self, url: str, client: httpx.Client | None = None) -> None:
        self.url = url
        self.client = client or httpx.Client(timeout=10.0)

    def upload(self, document: dict[str, Any]) -> dict[str, Any]:
        body = {"payExInfoStr": json.dumps(document, ensure_ascii=False, separators=(",", ":"))}
        try:
            response = self.client.post(self.url, data=body)
            answer = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise PonteError(
                f"the e-port's payment-data upload did not answer: {exc}",
                field="customs_payment_data_url",
                rule=CustomsCode.TRANSPORT,
                status=502,
            ) from None
        if response.status_code != 200 or str(answer.get("code")) != ACCEPTED:
            raise PonteError(
                f"the e-port refused the payment data: {answer.get('code')} {answer.get('message', '')}",
                field="payExInfoStr",
                rule=CustomsCode.TRANSPORT,
                status=502,
            )
        return dict(answer)

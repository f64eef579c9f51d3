"""A tenant's customs profile with real code formats, for the journey's tests."""

from __future__ import annotations

import json
from typing import Any

from ponte.customs.china.profile import CustomsProfile, Enterprise, Signing


def profile_body(certificate_pem: str) -> dict[str, Any]:
    profile = CustomsProfile(
        transmitter=Enterprise(code="4403960ABC", name="深圳前海跨境电商服务有限公司"),
        dxp_id="DXPENT0000458763",
        platform=Enterprise(code="4403960PLT", name="前海跨境电商平台"),
        logistics=Enterprise(code="4403980LGX", name="顺达国际物流有限公司", dxp_id="DXPENT0000458764"),
        payment=Enterprise(code="312226T001", name="跨境支付一号有限公司", dxp_id="DXPENT0000458765"),
        payment_companies=(
            Enterprise(code="31222699S7", name="跨境支付二号有限公司", dxp_id="DXPENT0000458766"),
            Enterprise(code="4403169D3W", name="跨境支付三号有限公司", dxp_id="DXPENT0000458767"),
        ),
        agent=Enterprise(code="4403960AGT", name="前海报关服务有限公司"),
        area=Enterprise(code="4403660ARE", name="前海保税仓储有限公司"),
        ems_no="T5349W000001",
        customs_code="5349",
        port_code="5345",
        bonded_traf_mode="W",
        signing=Signing(method="software", convention="rsa-sha1", certificate_pem=certificate_pem),
    )
    return json.loads(profile.model_dump_json())

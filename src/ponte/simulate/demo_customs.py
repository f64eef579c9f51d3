"""The demo's declarations: the demo seller gets a customs profile (a throw-away development key), its
booked orders are declared through the journey, sent to the local customs simulator and answered, so the
console's declarations show every state: released, accepted, rejected by customs (with the reason) and
an e-port error, each with its receipts, and the broker has rejected ones to resend."""

from __future__ import annotations

import logging
import tempfile
from datetime import datetime
from pathlib import Path

from ponte.customs import service as customs
from ponte.customs.adapters.eport_simulator import Simulator
from ponte.customs.adapters.transport import FileDropTransport
from ponte.customs.china.parse import parse
from ponte.customs.china.profile import CustomsProfile, Enterprise, Signing
from ponte.customs.china.rules import records
from ponte.customs.china.signer import demo_credentials
from ponte.journey import service as journey
from ponte.kernel.errors import PonteError
from ponte.orders import service as orders
from ponte.platform.db import Database

log = logging.getLogger("ponte.demo")

#: How many of the booked orders end in each state, in this order (the rest stay declared).
PLAN = (("released", 4), ("accepted", 3), ("rejected", 3), ("error", 2))
#: Customs' answers for the refused ones: (returnStatus, returnInfo) as real receipts word them.
REFUSALS = {
    "rejected": ("100", "[Code:2600;Desc:商品名称与申报不符 (goods name does not match the declaration)]"),
    "error": ("4", "[Code:4;Desc:发送海关失败 (forwarding to customs failed)]"),
}
#: Simulator ticks that take a declaration to the state (2 declared -> 120 accepted -> 800 released).
TICKS = {"released": 3, "accepted": 2, "rejected": 1, "error": 0}


def demo_profile(certificate_pem: str) -> CustomsProfile:
    """The demo seller's declaring parties (codes in the formats customs use; none is a real company)."""
    return CustomsProfile(
        transmitter=Enterprise(code="4403960ABC", name="深圳前海跨境电商服务有限公司"),
        dxp_id="DXPENT0000458763",
        platform=Enterprise(code="4403960PLT", name="前海跨境电商平台"),
        logistics=Enterprise(code="4403980LGX", name="顺达国际物流有限公司", dxp_id="DXPENT0000458764"),
        payment=Enterprise(code="312226T001", name="跨境支付一号有限公司", dxp_id="DXPENT0000458765"),
        payment_companies=(  # the payment companies the simulated buyers paid through
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


def _inventory_head(database: Database, tenant_id: str, declaration_id: str) -> tuple[str, dict[str, object]]:
    with database.unit_of_work() as uow:
        detail = customs.declaration_detail(uow, tenant_id, declaration_id, reveal=True)
    msg = next(m for m in detail.declaration.messages if m.kind in ("603", "621"))
    _, head, _ = next(records(msg.kind, parse(detail.xml[msg.guid]).data))
    return msg.kind, head


def _apply(database: Database, tenant_id: str, raw: bytes, at: datetime) -> None:
    with database.unit_of_work() as uow:
        journey.apply_receipt(uow, tenant_id, raw, at)  # receipts move the orders too
        uow.commit()


def _run(database: Database, ctx: journey.Context, tenant_id: str, ids: list[str], state: str, root: Path,
         at: datetime) -> int:  # fmt: skip
    declared = []
    for order_id in ids:
        try:
            with database.unit_of_work() as uow:
                declared.append(journey.declare(uow, tenant_id, order_id, ctx, at).id)
                uow.commit()
        except PonteError as exc:
            log.info("order %s not declared: %s", order_id, exc)
    if not declared:
        return 0
    customs.send_outbox(database, tenant_id, FileDropTransport(root / "inbox", delivered=root / "sent"), at)
    simulator = Simulator(root)
    for _ in range(TICKS[state]):
        simulator.tick()
    for path in sorted((root / "receipts").glob("*.xml")) if (root / "receipts").exists() else []:
        _apply(database, tenant_id, path.read_bytes(), at)
    if state in REFUSALS:
        status, info = REFUSALS[state]
        for declaration_id in declared:
            kind, head = _inventory_head(database, tenant_id, declaration_id)
            _apply(database, tenant_id, simulator.answer(kind, head, status, info), at)
    return len(declared)


def declare_demo(
    database: Database,
    ctx: journey.Context,
    tenant_id: str,
    at: datetime,
    plan: tuple[tuple[str, int], ...] = PLAN,
) -> dict[str, int]:
    """Declare the tenant's booked orders and have customs answer them: ``plan`` says how many end in
    each state (released, accepted, rejected, error); returns how many were declared for each."""
    key, cert = demo_credentials()
    with database.unit_of_work() as uow:
        customs.put_profile(uow, tenant_id, demo_profile(cert.decode()), at, signing_key=key.decode())
        page, _ = orders.search(uow, tenant_id, None, 200, status="booked")
        uow.commit()
    booked = [o.id for o in page.items if o.payment_ref]  # customs take paid orders only
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="ponte-demo-customs-") as tmp:
        start = 0
        for state, n in plan:
            chosen = booked[start : start + n]
            start += n
            counts[state] = _run(database, ctx, tenant_id, chosen, state, Path(tmp) / state, at)
    return counts

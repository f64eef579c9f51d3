"""Use cases over the store: declare an order (validate, build, sign, keep in the outbox), send the
outbox, apply receipts. One unit of work per call; adapters (API, CLI) only translate."""

from __future__ import annotations

import json
import os
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from ponte.customs.adapters.transport import Transport
from ponte.customs.china.build import build
from ponte.customs.china.declare import build_order
from ponte.customs.china.orders import CustomsOrder, Transfer
from ponte.customs.china.receipts import parse_receipt
from ponte.customs.china.rules import records
from ponte.customs.china.signer import Signer, SoftwareSigner, demo_credentials
from ponte.customs.china.validate import ensure_valid, validate_message
from ponte.kernel.errors import ValidationError

SIGNED_KINDS = {"621", "623", "625", "711", "603", "605", "607", "509", "701"}
RECEIPT_KEY = {
    "303": "orderNo",
    "403": "orderNo",
    "505": "logisticsNo",
    "603": "copNo",
    "311": "orderNo",
    "411": "payTransactionId",
    "511": "logisticsNo",
    "621": "copNo",
}


@cache
def configured_signer() -> Signer:
    """The key in PONTE_CUSTOMS_KEY_FILE / PONTE_CUSTOMS_CERT_FILE, else a throw-away demo key."""
    key, cert = os.environ.get("PONTE_CUSTOMS_KEY_FILE"), os.environ.get("PONTE_CUSTOMS_CERT_FILE")
    if key and cert:
        return SoftwareSigner(Path(key).read_bytes(), Path(cert).read_bytes(), key_name="0001")
    k, c = demo_credentials()
    return SoftwareSigner(k, c, key_name="DEMO")


def configured_transfer() -> Transfer:
    return Transfer(
        cop_code=os.environ.get("PONTE_CUSTOMS_COP_CODE", "0000000000"),
        cop_name=os.environ.get("PONTE_CUSTOMS_COP_NAME", "Ponte"),
        dxp_id=os.environ.get("PONTE_CUSTOMS_DXP_ID", "DXPENT0000000000"),
    )


def declare(repo: Any, order: CustomsOrder, *, signer: Signer, transfer: Transfer, now: datetime) -> Any:
    """Validate and store the messages of ``order`` as the next revision (queued in the outbox)."""
    revision = repo.next_revision(order.order_no)
    msgs = build_order(order, transfer, now=now, scope=repo.tenant, revision=revision)
    ensure_valid(msgs)
    rows = []
    for kind, data in msgs.items():
        raw = build(kind, data)
        if kind in SIGNED_KINDS:
            raw = signer.sign(raw)
        _, head, _ = next(records(kind, data))
        rows.append((kind, data["guid"], str(head[RECEIPT_KEY[kind]]), raw))
    return repo.add(order.order_no, order.direction, order.trade_mode, order.model_dump_json(), rows, now)


def declare_summary(repo: Any, data: dict[str, Any], *, signer: Signer, now: datetime) -> Any:
    """Validate, sign and queue a CEB701 summary application (see ``followups.summary_application``)
    as a declaration of its own, keyed by its copNo; its CEB702 gives the sumNo by which the CEB792
    summary result is matched back to it."""
    violations = validate_message("701", data, before_signing=True)
    if violations:
        raise ValidationError.of(violations)
    _, head, rows = next(records("701", data))
    cop_no = str(head["copNo"])
    raw = signer.sign(build("701", data))
    summary = {"copNo": cop_no, "sumNo": head.get("sumNo"), "invtNos": [r.get("invtNo") for r in rows]}
    decl = repo.add(cop_no, "export", "9610", json.dumps(summary), [("701", data["guid"], cop_no, raw)], now)
    if head.get("sumNo"):  # a re-application names the summary customs already numbered
        repo.set_customs_ref(data["guid"], str(head["sumNo"]))
    return decl


def send_outbox(database: Any, repo_factory: Any, transport: Transport, now: datetime) -> int:
    """Send pending messages one unit of work each: a crash loses nothing and sends nothing twice
    (the transport refuses a guid it already delivered)."""
    sent = 0
    with database.unit_of_work() as uow:
        pending = [m.guid for m in repo_factory(uow.session).outbox()]
    for guid in pending:
        with database.unit_of_work() as uow:
            repo = repo_factory(uow.session)
            msg = next((m for m in repo.outbox() if m.guid == guid), None)
            if msg is None:
                continue
            if transport.send(msg.guid, msg.xml):
                sent += 1
            repo.mark_sent(msg.guid, now)
            uow.commit()
    return sent


def apply_receipt(repo: Any, raw: bytes, now: datetime) -> list[Any]:
    return [row for ev in parse_receipt(raw) if (row := repo.record(ev, now)) is not None]

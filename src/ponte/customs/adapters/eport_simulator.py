"""A local customs simulator, run as its own process::

    python -m ponte.customs.adapters.eport_simulator ROOT            # keep answering (polls ROOT/inbox)
    python -m ponte.customs.adapters.eport_simulator ROOT --once     # one tick: answer what is there, then exit
    python -m ponte.customs.adapters.eport_simulator ROOT --mq amqp://guest:guest@127.0.0.1:5672/ --once

It takes declarations as the exchange platform does, bare or in a DxpMsg envelope, from ``ROOT/inbox`` or
an MQ queue, and checks them like the e-port and customs would: CEB900 on a broken message; -621029 on a
signed kind whose signature does not verify; -301010 on a business key (orderNo, logisticsNo,
payTransactionId) already declared by another message; status 100 with the reason when a rule or the
three-document check fails. It answers with receipts built from Ponte's own message descriptions, in a
DxpMsg from the customs node to the sender's DXP id when the declaration came in one, into
``ROOT/receipts`` or onto the receipts queue. Answers come with delays: each tick moves an accepted
message one step (2 -> 120 -> 800 for inventory lists). A CopMsgId is processed once, however often it is
delivered.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pika

from ponte.customs.adapters.mq import MqLink
from ponte.customs.adapters.transport import atomic_write
from ponte.customs.china.build import build
from ponte.customs.china.crosscheck import check_import
from ponte.customs.china.dxp import CUSTOMS_NODE, open_envelope, wrap
from ponte.customs.china.envelope import BEIJING, guid_for
from ponte.customs.china.kinds import SIGNED_KINDS
from ponte.customs.china.parse import parse
from ponte.customs.china.receipts import RECEIPTS
from ponte.customs.china.rules import records
from ponte.customs.china.spec import get_spec
from ponte.customs.china.validate import check_bytes
from ponte.customs.china.verify import verify_message
from ponte.kernel.errors import PonteError

_ANSWER = {v[0]: k for k, v in RECEIPTS.items() if v[0] and k not in ("792", "816", "818")}
_STEPS = {"603": ["2", "120", "800"], "621": ["2", "120", "800"]}
_INFO = {"2": "新增申报成功[{guid}]", "120": "[Code:1800;Desc:逻辑校验通过]", "800": "[Code:2600;Desc:放行]"}
#: The business key of each kind that the e-port refuses to see twice (ceb-messages.md §6.3).
_UNIQUE = {"311": "orderNo", "303": "orderNo", "411": "payTransactionId", "511": "logisticsNo",
           "505": "logisticsNo"}  # fmt: skip


class Simulator:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.inbox, self.outdir = self.root / "inbox", self.root / "receipts"
        self.state_file = self.root / "simulator.json"
        self.state: dict[str, Any] = (
            json.loads(self.state_file.read_text())
            if self.state_file.exists()
            else {"seen": {}, "orders": {}, "serial": 0, "copmsgids": [], "keys": {}}
        )
        self.outgoing: list[tuple[str, bytes]] = []

    def _now(self) -> str:
        return datetime.now(BEIJING).strftime("%Y%m%d%H%M%S%f")[:17]

    def _receipt(self, kind: str, head: dict[str, Any], status: str, info: str) -> bytes:
        code = _ANSWER[kind]
        spec = get_spec(code)
        wrapper = spec.items[0]
        self.state["serial"] += 1
        serial = self.state["serial"]
        row: dict[str, Any] = {}
        assert wrapper.block is not None
        for it in wrapper.block.items:
            name = it.name
            if name == "guid":
                row[name] = guid_for("simulator", head.get("guid", ""), code, serial).lower()
            elif name == "returnStatus":
                row[name] = status
            elif name == "returnTime":
                row[name] = self._now()
            elif name == "returnInfo":
                row[name] = info
            elif name == "preNo":
                row[name] = f"B{datetime.now(BEIJING):%Y%m%d}{serial:09d}"
            elif name == "invtNo":
                flag = "I" if kind == "621" else "E"
                row[name] = f"{head.get('customsCode', '5349')}{datetime.now(BEIJING):%Y}{flag}{serial:09d}"
            elif name == "msgSeqNo":
                row[name] = head.get("msgSeqNo", 1)
            elif head.get(name) not in (None, ""):
                row[name] = head[name]
            elif it.min > 0:
                row[name] = "0"
        data = {
            "guid": guid_for("simulator", head.get("guid", ""), code, -serial),
            "version": "1.0",
            wrapper.name: [row],
        }
        return build(code, data)

    def answer(self, kind: str, head: dict[str, Any], status: str, info: str) -> bytes:
        """A receipt of this simulator's customs for a declared record (``head``) of ``kind``, with any
        returnStatus and returnInfo: a refusal (100 and the reason) or an e-port failure (4), as a demo
        or a test wants one."""
        return self._receipt(kind, head, status, info)

    def _emit(self, name: str, raw: bytes, reply_to: str | None, direction: str) -> None:
        if reply_to:
            msg_type = raw.split(b"Message", 1)[0].rsplit(b"CEB", 1)[-1].decode()
            raw = wrap(
                raw,
                cop_msg_id=name.rsplit(".", 1)[0][:255],
                sender=CUSTOMS_NODE[direction],
                receivers=(reply_to,),
                msg_type=f"CEB{msg_type}Message",
                created=datetime.now(BEIJING).replace(tzinfo=None),
            )
        self.outgoing.append((name, raw))
        atomic_write(self.outdir / name, raw)

    def _reject_900(self, stem: str, error: str, cop_msg_id: str, reply_to: str | None) -> None:
        self.state["serial"] += 1
        data = {
            "guid": guid_for("simulator", stem, "900", self.state["serial"]),
            "version": "1.0",
            "MessageReturn": {
                "guid": guid_for("simulator", stem, "900r", self.state["serial"]),
                "returnStatus": "-1",
                "returnInfo": error[:5000],
                "returnTime": self._now(),
                "oriCopMsgId": cop_msg_id[:255],
                "oriMessageType": "Unknown",
                "oriBizMessage": "",
            },
        }
        self._emit(f"{stem}-900.xml", build("900", data), reply_to, "import")

    def receive(self, stem: str, raw: bytes) -> None:
        """Take one transmission (a DxpMsg or a bare message) as the exchange platform does."""
        reply_to, cop_msg_id = None, stem
        try:
            envelope = open_envelope(raw)
        except PonteError as exc:
            self._reject_900(stem, str(exc), stem, None)
            return
        if envelope is not None:
            reply_to, cop_msg_id, raw = envelope.sender, envelope.cop_msg_id, envelope.data
            if cop_msg_id in self.state["copmsgids"]:
                return  # delivered again: processed once
            self.state["copmsgids"].append(cop_msg_id)
        report = check_bytes(raw, stem)
        if report.error or any(
            v.rule in ("unexpected-element", "order", "maxOccurs") for v in report.violations
        ):
            self._reject_900(
                stem, report.error or "; ".join(f"{v.field}: {v.message}" for v in report.violations),
                cop_msg_id, reply_to,
            )  # fmt: skip
            return
        parsed = parse(raw)
        kind = parsed.spec.number
        direction = parsed.spec.direction
        signature = verify_message(raw) if kind in SIGNED_KINDS else None
        for _, head, _lines in records(kind, parsed.data):
            problems = [f"{v.field}: {v.message}" for v in report.violations]
            status, info = "100", ""
            if signature is not None and not signature.ok:
                status, info = "-621029", f"签名验证失败: {signature.reason}"
            unique = _UNIQUE.get(kind)
            if unique and not info:
                key = f"{kind}:{head.get(unique)}"
                owner = self.state["keys"].get(key)
                app_type = str(head.get("appType"))
                if app_type == "1" and owner not in (None, parsed.data["guid"]):
                    status, info = "-301010", f"已存在相同编号的单据[{head.get(unique)}]"
                elif app_type == "2" and owner is None:
                    status, info = "-301009", f"未找到操作的单据[{head.get(unique)}]"
                else:
                    self.state["keys"][key] = parsed.data["guid"]
            if kind in ("311", "411", "511"):
                self.state["orders"].setdefault(head.get("orderNo", ""), {})[kind] = parsed.data
            if kind == "621" and not info:
                known = self.state["orders"].get(head.get("orderNo", ""), {})
                if "311" not in known:
                    problems.append("no CEB311 order declared for this orderNo")
                    info = "[Code:13010;Desc:订单不存在]"
                else:
                    msgs = {k: [v] for k, v in known.items()}
                    msgs["621"] = [parsed.data]
                    problems.extend(f"{v.field}: {v.message}" for v in check_import(msgs))
            key = f"{parsed.data['guid']}/{head.get('guid', '')}"
            entry: dict[str, Any] = {
                "kind": kind,
                "head": head,
                "steps": [],
                "reply_to": reply_to,
                "direction": direction,
            }
            if problems or info:
                info = info or f"[Code:13035;Desc:{'; '.join(problems)[:900]}]"
                receipt = self._receipt(kind, head, status, info)
                self._emit(f"{stem}-{len(self.state['seen'])}.xml", receipt, reply_to, direction)
            else:
                steps = list(_STEPS.get(kind, ["2", "120"]))
                first = steps.pop(0)
                receipt = self._receipt(kind, head, first, _INFO[first].format(guid=head.get("guid", "")))
                self._emit(f"{stem}-{first}.xml", receipt, reply_to, direction)
                entry["steps"] = steps
            self.state["seen"][key] = entry

    def _advance(self) -> None:
        for entry in self.state["seen"].values():
            if entry["steps"]:
                status = entry["steps"].pop(0)
                head = entry["head"]
                receipt = self._receipt(
                    entry["kind"], head, status, _INFO[status].format(guid=head.get("guid"))
                )
                self._emit(
                    f"{head.get('guid', 'x')}-{status}.xml", receipt, entry["reply_to"], entry["direction"]
                )

    def _save(self) -> None:
        atomic_write(self.state_file, json.dumps(self.state, ensure_ascii=False, default=str).encode())

    def tick(self) -> int:
        """Advance pending answers one step, then answer new messages; returns receipts written."""
        before = self.state["serial"]
        self._advance()
        processed = self.root / "processed"
        # like the e-port, an inventory list is checked after the order, payment and waybill of the batch
        paths = sorted(self.inbox.glob("*.xml")) if self.inbox.exists() else []
        items = sorted(((_is_inventory(p.read_bytes()), p.name, p) for p in paths), key=lambda t: t[:2])
        for _, _, path in items:
            if not (processed / path.name).exists():
                self.receive(path.stem, path.read_bytes())
            processed.mkdir(parents=True, exist_ok=True)
            path.replace(processed / path.name)
        self._save()
        return int(self.state["serial"] - before)

    def tick_mq(self, link: MqLink) -> int:
        """The same over MQ: declarations from ``link.send_queue``, receipts onto ``link.receive_queue``."""
        before = self.state["serial"]
        self.outgoing = []
        self._advance()
        ch = link.channel()
        batch = []
        while True:
            method, props, body = ch.basic_get(queue=link.send_queue, auto_ack=False)
            if method is None:
                break
            batch.append((method.delivery_tag, (props.message_id if props else None) or "mq", body))
        for tag, name, body in sorted(batch, key=lambda t: (_is_inventory(t[2]), t[1])):
            self.receive(name, body)
            ch.basic_ack(delivery_tag=tag)
        for name, raw in self.outgoing:
            ch.basic_publish(exchange="", routing_key=link.receive_queue, body=raw,
                             properties=pika.BasicProperties(delivery_mode=2, message_id=name))  # fmt: skip
        self._save()
        return int(self.state["serial"] - before)


def _is_inventory(raw: bytes) -> bool:
    envelope = open_envelope(raw) if raw.lstrip()[:200].find(b"DxpMsg") >= 0 else None
    head = (envelope.data if envelope else raw)[:400]
    return b"CEB621Message" in head or b"CEB603Message" in head


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m ponte.customs.adapters.eport_simulator", description=__doc__.split("\n")[0]
    )
    ap.add_argument("root", type=Path)
    ap.add_argument("--once", action="store_true", help="answer what is there, then exit")
    ap.add_argument("--interval", type=float, default=1.0, help="seconds between ticks")
    ap.add_argument("--mq", help="AMQP URL: read declarations and write receipts over MQ")
    ap.add_argument("--send-queue", default="ceb.declarations")
    ap.add_argument("--receive-queue", default="ceb.receipts")
    args = ap.parse_args(argv)
    sim = Simulator(args.root)
    link = MqLink(args.mq, args.send_queue, args.receive_queue) if args.mq else None
    if args.once:
        print(sim.tick_mq(link) if link else sim.tick())
        return 0
    while True:  # pragma: no cover - the long-running mode
        sim.tick_mq(link) if link else sim.tick()
        time.sleep(args.interval)


__all__ = ["Simulator", "main"]

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

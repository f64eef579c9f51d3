"""A local customs simulator, run as its own process::

    python -m ponte.customs.adapters.eport_simulator ROOT            # keep answering (polls ROOT/inbox)
    python -m ponte.customs.adapters.eport_simulator ROOT --once     # one tick: answer what is there, then exit

It reads declarations dropped in ``ROOT/inbox``, checks them like the e-port and customs would (format:
CEB900 on a broken message; business rules and the three documents of import orders: status 100 with
the reason), and answers in ``ROOT/receipts`` with realistic receipts built from Ponte's own message
descriptions. Answers come with delays: each tick moves an accepted message one step (2 -> 120 -> 800
for inventory lists). A guid is processed once, however often it is delivered.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from ponte.customs.adapters.transport import atomic_write
from ponte.customs.china.build import build
from ponte.customs.china.crosscheck import check_import
from ponte.customs.china.declare import BEIJING, guid_for
from ponte.customs.china.parse import parse
from ponte.customs.china.receipts import RECEIPTS
from ponte.customs.china.rules import records
from ponte.customs.china.spec import get_spec
from ponte.customs.china.validate import check_bytes

_ANSWER = {v[0]: k for k, v in RECEIPTS.items() if v[0] and k not in ("792", "816", "818")}
_STEPS = {"603": ["2", "120", "800"], "621": ["2", "120", "800"]}
_INFO = {"2": "新增申报成功[{guid}]", "120": "[Code:1800;Desc:逻辑校验通过]", "800": "[Code:2600;Desc:放行]"}


class Simulator:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.inbox, self.outdir = self.root / "inbox", self.root / "receipts"
        self.state_file = self.root / "simulator.json"
        self.state: dict[str, Any] = (
            json.loads(self.state_file.read_text())
            if self.state_file.exists()
            else {"seen": {}, "orders": {}, "serial": 0}
        )

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
                row[name] = guid_for("simulator", head.get("guid", ""), code, serial)
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

    def _emit(self, name: str, raw: bytes) -> None:
        atomic_write(self.outdir / name, raw)

    def _reject_900(self, path: Path, error: str) -> None:
        self.state["serial"] += 1
        data = {
            "guid": guid_for("simulator", path.stem, "900", self.state["serial"]),
            "version": "1.0",
            "MessageReturn": {
                "guid": guid_for("simulator", path.stem, "900r", self.state["serial"]),
                "returnStatus": "-1",
                "returnInfo": error[:5000],
                "returnTime": self._now(),
                "oriCopMsgId": path.stem[:255],
                "oriMessageType": "Unknown",
                "oriBizMessage": "",
            },
        }
        self._emit(f"{path.stem}-900.xml", build("900", data))

    def _receive(self, path: Path) -> None:
        raw = path.read_bytes()
        report = check_bytes(raw, path.name)
        if report.error or any(
            v.rule in ("unexpected-element", "order", "maxOccurs") for v in report.violations
        ):
            self._reject_900(
                path, report.error or "; ".join(f"{v.field}: {v.message}" for v in report.violations)
            )
            return
        parsed = parse(raw)
        kind = parsed.spec.number
        for _, head, _lines in records(kind, parsed.data):
            problems = [f"{v.field}: {v.message}" for v in report.violations]
            info = ""
            if kind in ("311", "411", "511"):
                self.state["orders"].setdefault(head.get("orderNo", ""), {})[kind] = parsed.data
            if kind == "621":
                known = self.state["orders"].get(head.get("orderNo", ""), {})
                if "311" not in known:
                    problems.append("no CEB311 order declared for this orderNo")
                    info = "[Code:13010;Desc:订单不存在]"
                else:
                    msgs = {k: [v] for k, v in known.items()}
                    msgs["621"] = [parsed.data]
                    problems.extend(f"{v.field}: {v.message}" for v in check_import(msgs))
            key = f"{parsed.data['guid']}/{head.get('guid', '')}"
            if problems:
                info = info or f"[Code:13035;Desc:{'; '.join(problems)[:900]}]"
                self._emit(
                    f"{path.stem}-{len(self.state['seen'])}.xml", self._receipt(kind, head, "100", info)
                )
                self.state["seen"][key] = {"kind": kind, "head": head, "steps": []}
            else:
                steps = list(_STEPS.get(kind, ["2", "120"]))
                first = steps.pop(0)
                self._emit(
                    f"{path.stem}-{first}.xml",
                    self._receipt(kind, head, first, _INFO[first].format(guid=head.get("guid", ""))),
                )
                self.state["seen"][key] = {"kind": kind, "head": head, "steps": steps}

    def tick(self) -> int:
        """Advance pending answers one step, then answer new messages; returns receipts written."""
        before = self.state["serial"]
        for entry in self.state["seen"].values():
            if entry["steps"]:
                status = entry["steps"].pop(0)
                head = entry["head"]
                self._emit(
                    f"{head.get('guid', 'x')}-{status}.xml",
                    self._receipt(entry["kind"], head, status, _INFO[status].format(guid=head.get("guid"))),
                )
        processed = self.root / "processed"
        # like the e-port, an inventory list is checked after the order, payment and waybill of the same batch
        paths = sorted(self.inbox.glob("*.xml")) if self.inbox.exists() else []
        paths.sort(key=lambda p: (_is_inventory(p), p.name))
        for path in paths:
            if not (processed / path.name).exists():
                self._receive(path)
            processed.mkdir(parents=True, exist_ok=True)
            path.replace(processed / path.name)
        atomic_write(self.state_file, json.dumps(self.state, ensure_ascii=False, default=str).encode())
        return int(self.state["serial"] - before)


def _is_inventory(path: Path) -> bool:
    head = path.read_bytes()[:400]
    return b"CEB621Message" in head or b"CEB603Message" in head


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m ponte.customs.adapters.eport_simulator", description=__doc__.split("\n")[0]
    )
    ap.add_argument("root", type=Path)
    ap.add_argument("--once", action="store_true", help="answer what is there, then exit")
    ap.add_argument("--interval", type=float, default=1.0, help="seconds between ticks")
    args = ap.parse_args(argv)
    sim = Simulator(args.root)
    if args.once:
        print(sim.tick())
        return 0
    while True:  # pragma: no cover - the long-running mode
        sim.tick()
        time.sleep(args.interval)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

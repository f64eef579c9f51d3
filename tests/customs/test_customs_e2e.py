"""Orders -> messages -> signed -> outbox -> simulator (separate process) -> receipts -> states."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from customs_factory import NOW, TRANSFER, make_order

from ponte.customs.adapters.transport import FileDropTransport, FileOutbox, OutboxEntry, collect, flush
from ponte.customs.china.build import build
from ponte.customs.china.declare import build_order
from ponte.customs.china.receipts import fold
from ponte.customs.china.rules import records

KEYS = {"311": "orderNo", "411": "payTransactionId", "511": "logisticsNo", "621": "copNo"}


def _tick(root: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "ponte.customs.adapters.eport_simulator", str(root), "--once"],
        check=True,
        capture_output=True,
        timeout=60,
    )


def _store(outbox: FileOutbox, msgs, signer, revision: int, only=None) -> None:
    for kind, data in msgs.items():
        if only and kind not in only:
            continue
        raw = build(kind, data)
        if kind == "621":
            raw = signer.sign(raw)
        _, rec, _ = next(records(kind, data))
        outbox.put(OutboxEntry(data["guid"], kind, str(rec[KEYS[kind]]), f"{rec['orderNo']}#{revision}"), raw)


def test_rejection_redeclaration_and_crash_between_store_and_send(tmp_path, demo_signer):
    signer = demo_signer[0]
    sim_root = tmp_path / "customs"
    outbox = FileOutbox(tmp_path / "outbox")
    transport = FileDropTransport(sim_root / "inbox", delivered=sim_root / "processed")
    order = make_order(42, "import", "9610")
    msgs = build_order(order, TRANSFER, now=NOW)

    # the inventory goes out before its order: customs rejects it
    _store(outbox, msgs, signer, 0, only={"621"})
    assert flush(outbox, transport) == 1
    _tick(sim_root)
    events = [ev for _, ev in collect(sim_root / "receipts")]
    assert [e.state for e in events] == ["rejected"] and events[0].answers == "621"
    assert fold(events) == "rejected"

    # re-declaration: the three documents, then the inventory as revision 1 (new guids)
    again = build_order(order, TRANSFER, now=NOW, revision=1)
    assert again["621"]["guid"] != msgs["621"]["guid"]
    _store(outbox, again, signer, 1)
    # crash between store and send: nothing was sent; a restart flushes what the outbox holds
    assert len(list(outbox.pending())) == 4
    first = next(outbox.pending())[0]
    transport.send(
        first.guid, (outbox.pending_dir / f"{first.guid}.xml").read_bytes()
    )  # sent, not yet marked
    assert flush(outbox, transport) == 3  # the already-delivered guid is not sent twice
    assert flush(outbox, transport) == 0
    _store(outbox, again, signer, 1)  # storing an already-sent message again does not queue it
    assert list(outbox.pending()) == []

    states: dict[str, list] = {}
    for _ in range(3):
        _tick(sim_root)
        for _, ev in collect(sim_root / "receipts"):
            assert not isinstance(ev, Exception), ev
            states.setdefault(ev.answers, []).append(ev)
    assert fold(states["621"]) == "released"
    assert fold(states["311"]) == "accepted"
    assert all(len([e for e in evs if e.status == "2"]) == 1 for evs in states.values())
    assert len(outbox.sent()) == 5


def test_simulator_answers_broken_messages_with_ceb900(tmp_path):
    root = tmp_path / "customs"
    (root / "inbox").mkdir(parents=True)
    (root / "inbox" / "broken.xml").write_bytes(
        b"<ceb:CEB311Message xmlns:ceb='http://www.chinaport.gov.cn/ceb'>"
    )
    _tick(root)
    events = [ev for _, ev in collect(root / "receipts")]
    assert len(events) == 1 and events[0].receipt == "CEB900Message" and events[0].state == "error"

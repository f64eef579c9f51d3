"""Transmission of CEB messages: an outbox (stored before sent, sent at least once), the one-method
transport (bare files, DxpMsg files in the e-port client's folders, or MQ in ``mq``), and the receipts
that come back the same way.

Idempotency is on the message guid: a message is stored in the outbox under its guid, the file-drop
transport never delivers a guid the receiver already holds, and the receiver ignores a guid it has
already processed. A crash between storing and sending loses nothing (the outbox still holds it) and a
crash between sending and marking as sent sends nothing twice (the guid is already delivered).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from ponte.customs.china.dxp import wrap_message
from ponte.customs.china.receipts import ReceiptEvent, parse_receipt
from ponte.kernel.errors import PonteError


@dataclass(frozen=True)
class OutboxEntry:
    guid: str  # message guid (root attribute)
    kind: str  # "311", "621", ...
    key: str  # business key the receipts echo (orderNo, copNo, logisticsNo, payTransactionId)
    declaration: str  # Ponte's declaration id (order number + revision)


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class Transport(Protocol):
    def send(self, guid: str, message: bytes) -> bool:
        """Deliver; False when the receiver already holds this guid (nothing sent twice)."""


class FileOutbox:
    """Outbox as files: ``pending/<guid>.xml`` + ``.json``; sent entries move to ``sent/``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.pending_dir = self.root / "pending"
        self.sent_dir = self.root / "sent"

    def put(self, entry: OutboxEntry, message: bytes) -> None:
        if (self.sent_dir / f"{entry.guid}.json").exists():
            return  # already sent: storing again must not send again
        atomic_write(self.pending_dir / f"{entry.guid}.xml", message)
        atomic_write(self.pending_dir / f"{entry.guid}.json", json.dumps(asdict(entry)).encode())

    def pending(self) -> Iterator[tuple[OutboxEntry, bytes]]:
        for meta in sorted(self.pending_dir.glob("*.json")):
            xml = meta.with_suffix(".xml")
            if xml.exists():
                yield OutboxEntry(**json.loads(meta.read_text())), xml.read_bytes()

    def mark_sent(self, guid: str) -> None:
        self.sent_dir.mkdir(parents=True, exist_ok=True)
        for suffix in (".xml", ".json"):
            src = self.pending_dir / f"{guid}{suffix}"
            if src.exists():
                os.replace(src, self.sent_dir / f"{guid}{suffix}")

    def sent(self) -> list[OutboxEntry]:
        return [OutboxEntry(**json.loads(p.read_text())) for p in sorted(self.sent_dir.glob("*.json"))]


class FileDropTransport:
    """Drops ``<guid>.xml`` into the receiver's inbox (atomic rename); skips guids already there."""

    def __init__(self, inbox: Path, delivered: Path | None = None) -> None:
        self.inbox = Path(inbox)
        self.delivered = Path(delivered) if delivered else None

    def send(self, guid: str, message: bytes) -> bool:
        name = f"{guid}.xml"
        if (self.inbox / name).exists() or (self.delivered is not None and (self.delivered / name).exists()):
            return False
        atomic_write(self.inbox / name, message)
        return True


class DxpFolderTransport:
    """The e-port client's exchange folders: each message is written as a DxpMsg envelope (sender = the
    DXP id its BaseTransfer names, receiver = the customs node of its direction, CopMsgId = its guid)
    into ``send_dir``; the client moves what it sent away, so a guid already in ``send_dir`` or in
    ``sent_dir`` is not written twice."""

    def __init__(self, send_dir: Path, sent_dir: Path | None = None) -> None:
        self.send_dir = Path(send_dir)
        self.sent_dir = Path(sent_dir) if sent_dir else None

    def send(self, guid: str, message: bytes) -> bool:
        name = f"{guid}.xml"
        if (self.send_dir / name).exists() or (self.sent_dir is not None and (self.sent_dir / name).exists()):
            return False
        atomic_write(self.send_dir / name, wrap_message(message, guid, datetime.now(UTC)))
        return True


class ReceiptSource(Protocol):
    """Where receipts arrive: each is handed out until it is marked done (applied and committed)."""

    def receive(self) -> Iterator[tuple[str, bytes]]: ...

    def done(self, name: str) -> None: ...


class FolderReceipts:
    """Receipts (bare CEB or DxpMsg) dropped into a folder; a done one moves to ``done/``."""

    def __init__(self, folder: Path, done_dir: Path | None = None) -> None:
        self.folder = Path(folder)
        self.done_dir = Path(done_dir) if done_dir else self.folder / "done"

    def receive(self) -> Iterator[tuple[str, bytes]]:
        for path in sorted(self.folder.glob("*.xml")) if self.folder.is_dir() else []:
            yield path.name, path.read_bytes()

    def done(self, name: str) -> None:
        self.done_dir.mkdir(parents=True, exist_ok=True)
        src = self.folder / name
        if src.exists():
            os.replace(src, self.done_dir / name)


def flush(outbox: FileOutbox, transport: Transport) -> int:
    """Send every pending message (at least once); returns how many were delivered now."""
    n = 0
    for entry, message in outbox.pending():
        if transport.send(entry.guid, message):
            n += 1
        outbox.mark_sent(entry.guid)
    return n


def collect(receipts_dir: Path, done_dir: Path | None = None) -> list[tuple[str, ReceiptEvent | PonteError]]:
    """Parse every receipt file in ``receipts_dir`` (then move it to ``done_dir``)."""
    out: list[tuple[str, ReceiptEvent | PonteError]] = []
    done = Path(done_dir) if done_dir else Path(receipts_dir) / "done"
    for path in sorted(Path(receipts_dir).glob("*.xml")):
        try:
            out.extend((path.name, ev) for ev in parse_receipt(path.read_bytes()))
        except PonteError as exc:
            out.append((path.name, exc))
        done.mkdir(parents=True, exist_ok=True)
        os.replace(path, done / path.name)
    return out

"""DxpMsg envelopes, and a round trip with the customs simulator over the e-port client's folders and
over MQ (the RabbitMQ on 127.0.0.1:5672): receipts, a rejection, and the re-declaration."""

from __future__ import annotations

import socket
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from customs_factory import NOW, TRANSFER, make_order
from journey_factory import corpus, parcel_of, profile, waybill_of
from lxml import etree

from ponte.customs import service
from ponte.customs.adapters.eport_simulator import Simulator
from ponte.customs.adapters.mq import MqLink, MqReceipts, MqTransport
from ponte.customs.adapters.transport import DxpFolderTransport, FolderReceipts
from ponte.customs.china.build import build
from ponte.customs.china.declare import build_order
from ponte.customs.china.dxp import CUSTOMS_NODE, open_envelope, wrap_message
from ponte.customs.china.from_order import ImportTax
from ponte.customs.china.quote import QuoteFacts
from ponte.customs.china.receipts import parse_receipt
from ponte.customs.china.signer import Signer, SoftwareSigner, demo_credentials
from ponte.orders import service as orders
from ponte.platform.db import Database
from ponte.simulate.load import load_corpus

SHARED_XSD = Path(__file__).parents[2] / ".." / "shared" / "ceb" / "xsd"
AT = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
QUOTE = QuoteFacts(True, True, (), ImportTax(vat=Decimal("9.10")))


def test_the_envelope_names_the_real_sender_and_the_customs_node() -> None:
    msgs = build_order(make_order(3, "import", "9610"), TRANSFER, now=NOW)
    raw = build("311", msgs["311"])
    env = wrap_message(raw, msgs["311"]["guid"], NOW)
    schema_file = SHARED_XSD / "ceb-terminal-202205.xsd"
    if schema_file.exists():
        schema = etree.XMLSchema(etree.parse(str(schema_file)))
        assert schema.validate(etree.fromstring(env)), schema.error_log.last_error
    opened = open_envelope(env)
    assert opened is not None and opened.data == raw
    assert opened.sender == TRANSFER.dxp_id and opened.receivers == (CUSTOMS_NODE["import"],)
    assert opened.msg_type == "CEB311Message" and opened.cop_msg_id == msgs["311"]["guid"]
    export = build("603", build_order(make_order(4, "export", "9610"), TRANSFER, now=NOW)["603"])
    assert open_envelope(wrap_message(export, "x" * 36, NOW)).receivers == (CUSTOMS_NODE["export"],)  # type: ignore[union-attr]


def test_a_genuine_receipt_envelope_is_read(samples) -> None:  # type: ignore[no-untyped-def]
    raw = (samples / "realworld_DxpMsgSv_CEB312Message_2017.xml").read_bytes()
    opened = open_envelope(raw)
    assert opened is not None and opened.sender == "DXPEDCCEB0000002"
    (event,) = parse_receipt(raw)
    assert event.receipt == "CEB312Message" and event.key == "48511773608" and event.state == "declared"


class _Broken:
    """A signer whose signature does not hold (a card that signed other data)."""

    def __init__(self, inner: Signer) -> None:
        self.inner = inner

    def sign(self, message: bytes) -> bytes:
        return self.inner.sign(message).replace(b"<ds:SignatureValue>", b"<ds:SignatureValue>AAAA", 1)


def _setup(database: Database):  # type: ignore[no-untyped-def]
    tables = corpus(5, 80)
    load_corpus(database, tables, slug_prefix="d", issue_keys=False)
    key, cert = demo_credentials()
    signer = SoftwareSigner(key, cert)
    for tenant in set(tables.orders.column("tenant_id").to_pylist()):
        with database.unit_of_work() as uow:
            found = [
                o
                for o in orders.load_orders(uow, tenant, tables.orders.column("id").to_pylist())
                if o.direction == "import" and o.trade_mode == "9610" and o.payment is not None
            ]
            if not found:
                continue
            service.put_profile(uow, tenant, profile(cert.decode()), AT, signing_key=key.decode())
            uow.commit()
        return tenant, found[0], signer
    raise AssertionError("no direct-mail import in the corpus")


def _declare(database: Database, tenant: str, order, signer: Signer):  # type: ignore[no-untyped-def]
    with database.unit_of_work() as uow:
        decl = service.declare_order(
            uow, tenant, order, parcel_of(order), waybill_of(order), AT, signer=signer, quote=QUOTE
        )
        uow.commit()
    return decl


def _round_trip(database, tenant, order, signer, transport, receipts, tick) -> None:  # type: ignore[no-untyped-def]
    first = _declare(database, tenant, order, _Broken(signer))
    assert service.send_outbox(database, tenant, transport, AT) == 4
    journey = []
    for _ in range(2):
        tick()
        journey += [c.journey for c in service.take_receipts(database, tenant, receipts, AT).changes]
    assert journey[-1] == "rejected"
    with database.unit_of_work() as uow:
        detail = service.declaration_detail(uow, tenant, first.id)
    assert detail.declaration.state == "error"
    assert any(r.status == "-621029" for r in detail.receipts)
    states = {m.kind: m.state for m in detail.declaration.messages}
    assert states["311"] == states["411"] == states["511"] == "accepted"

    again = _declare(database, tenant, order, signer)  # re-declared: the held documents as changes
    assert again.revision == 1
    with database.unit_of_work() as uow:
        xml = service.declaration_detail(uow, tenant, again.id).xml
    kinds = {m.kind: xml[m.guid] for m in again.messages}
    assert b"<ceb:appType>2</ceb:appType>" in kinds["311"] and b"<ceb:appType>1</ceb:appType>" in kinds["621"]
    assert service.send_outbox(database, tenant, transport, AT) == 4
    journey = []
    for _ in range(3):
        tick()
        journey += [
            c.journey for c in service.take_receipts(database, tenant, receipts, AT).changes if c.journey
        ]
    assert journey == ["cleared"]
    with database.unit_of_work() as uow:
        assert service.declaration_detail(uow, tenant, again.id).declaration.state == "released"


def test_round_trip_through_the_eport_client_folders(database: Database, tmp_path: Path) -> None:
    tenant, order, signer = _setup(database)
    exchange = tmp_path / "exchange"
    sim = Simulator(tmp_path / "customs")
    transport = DxpFolderTransport(exchange / "out", exchange / "sent")
    receipts = FolderReceipts(exchange / "in")

    def tick() -> None:  # the e-port client carries envelopes both ways
        (sim.inbox).mkdir(parents=True, exist_ok=True)
        (exchange / "sent").mkdir(parents=True, exist_ok=True)
        for f in sorted((exchange / "out").glob("*.xml")):
            (sim.inbox / f.name).write_bytes(f.read_bytes())
            f.replace(exchange / "sent" / f.name)
        sim.tick()
        (exchange / "in").mkdir(parents=True, exist_ok=True)
        for f in sorted(sim.outdir.glob("*.xml")):
            assert open_envelope(f.read_bytes()) is not None  # answered in a DxpMsg
            f.replace(exchange / "in" / f.name)

    _round_trip(database, tenant, order, signer, transport, receipts, tick)


def _broker() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5672), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _broker(), reason="no AMQP broker on 127.0.0.1:5672")
def test_round_trip_over_mq(database: Database, tmp_path: Path) -> None:
    tenant, order, signer = _setup(database)
    name = uuid.uuid4().hex[:8]
    url = "amqp://guest:guest@127.0.0.1:5672/%2F"
    link = MqLink(url, f"ponte-test-{name}.out", f"ponte-test-{name}.in")
    sim_link = MqLink(url, link.send_queue, link.receive_queue)
    sim = Simulator(tmp_path / "customs")
    try:
        _round_trip(
            database,
            tenant,
            order,
            signer,
            MqTransport(link),
            MqReceipts(link),
            lambda: sim.tick_mq(sim_link),
        )
    finally:
        ch = link.channel()
        ch.queue_delete(link.send_queue)
        ch.queue_delete(link.receive_queue)
        link.close()
        sim_link.close()

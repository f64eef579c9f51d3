"""The service functions the journey calls, on SQLite and PostgreSQL: the customs profile, declaring a
stored order (linked to it, signed, encrypted at rest), receipts moving it, withdrawing it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from journey_factory import corpus, parcel_of, profile, waybill_of
from sqlalchemy import text

from ponte.customs import service
from ponte.customs.adapters.eport_simulator import Simulator
from ponte.customs.adapters.transport import FileDropTransport
from ponte.customs.china.from_order import ImportTax
from ponte.customs.china.profile import Enterprise
from ponte.customs.china.quote import QuoteFacts
from ponte.customs.china.signer import Signer
from ponte.kernel.errors import ConflictError, NotFoundError, ValidationError
from ponte.orders import service as orders
from ponte.platform.db import Database
from ponte.simulate.load import load_corpus

AT = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
QUOTE = QuoteFacts(True, True, (), ImportTax(vat=Decimal("11.70")))


@pytest.fixture
def loaded(database: Database):  # type: ignore[no-untyped-def]
    tables = corpus(5, 80)
    load_corpus(database, tables, slug_prefix="c", issue_keys=False)
    ids = tables.orders.column("id").to_pylist()
    tenants = tables.orders.column("tenant_id").to_pylist()
    by_tenant: dict[str, list[str]] = {}
    for oid, tid in zip(ids, tenants, strict=True):
        by_tenant.setdefault(tid, []).append(oid)
    return database, by_tenant


def _orders(database: Database, tenant: str, ids: list[str]):  # type: ignore[no-untyped-def]
    with database.unit_of_work() as uow:
        return orders.load_orders(uow, tenant, ids)


def _put(database: Database, tenant: str, cert: str, key: str) -> None:
    with database.unit_of_work() as uow:
        service.put_profile(uow, tenant, profile(cert), AT, signing_key=key)
        uow.commit()


def _pick(database: Database, by_tenant, direction: str):  # type: ignore[no-untyped-def]
    for tenant, ids in by_tenant.items():
        for o in _orders(database, tenant, ids):
            if o.direction == direction and o.payment is not None:
                return tenant, o
    raise AssertionError(direction)


def test_profile_is_validated_stored_and_its_key_encrypted(loaded, demo_signer) -> None:
    database, by_tenant = loaded
    tenant = next(iter(by_tenant))
    _signer, key, cert = demo_signer
    bad = profile(cert.decode()).model_copy(
        update={
            "transmitter": Enterprise(code="91110000600037341X", name=""),
            "dxp_id": "DXPENT123",
            "agent": Enterprise(code="ABC", name="代理"),
        }
    )
    with database.unit_of_work() as uow, pytest.raises(ValidationError) as exc:
        service.put_profile(uow, tenant, bad, AT, signing_key=key.decode())
    rules = {v.field: v.rule for v in exc.value.violations}
    assert rules == {
        "transmitter.code": "uscc",
        "transmitter.name": "customs-profile-field",
        "dxp_id": "dxp-id",
        "agent.code": "party-code",
    }
    with database.unit_of_work() as uow, pytest.raises(NotFoundError):
        service.get_profile(uow, tenant)
    _put(database, tenant, cert.decode(), key.decode())
    with database.unit_of_work() as uow:
        view = service.get_profile(uow, tenant)
        stored = uow.session.execute(text("SELECT signing_key FROM customs_profiles")).scalar_one()
    assert view.has_signing_key and view.profile.transmitter.code == "4403960ABC"
    assert b"PRIVATE KEY" in key and "PRIVATE KEY" not in stored


def _declare(database: Database, tenant: str, order, signer: Signer, quote=None):  # type: ignore[no-untyped-def]
    with database.unit_of_work() as uow:
        decl = service.declare_order(
            uow, tenant, order, parcel_of(order), waybill_of(order), AT, signer=signer, quote=quote
        )
        uow.commit()
    return decl


def test_an_order_is_declared_linked_signed_and_encrypted(loaded, demo_signer) -> None:
    database, by_tenant = loaded
    signer, key, cert = demo_signer
    tenant, order = _pick(database, by_tenant, "export")
    with database.unit_of_work() as uow, pytest.raises(ValidationError) as exc:
        service.declare_order(uow, tenant, order, parcel_of(order), waybill_of(order), AT, signer=signer)
    assert exc.value.rule == "customs-profile-missing"
    _put(database, tenant, cert.decode(), key.decode())
    decl = _declare(database, tenant, order, signer)
    assert decl.order_id == order.id and decl.state == "queued"
    assert [m.kind for m in decl.messages] == ["303", "403", "505", "603"]
    assert [m.signed for m in decl.messages] == [False, False, False, True]
    with database.unit_of_work() as uow:
        detail = service.declaration_detail(uow, tenant, decl.id)
        assert b"<ds:Signature" in detail.xml[decl.messages[3].guid]
        stored = uow.session.execute(text("SELECT xml FROM customs_messages")).scalars().all()
        assert stored and not any(order.buyer.name in x or "<ceb:" in x for x in stored)
        assert [d.id for d in service.declarations_of(uow, tenant, order.id)] == [decl.id]
    with pytest.raises(ConflictError) as conflict:
        _declare(database, tenant, order, signer)
    assert conflict.value.rule == "declared-once"


def test_a_blocked_quote_stops_the_declaration(loaded, demo_signer) -> None:
    database, by_tenant = loaded
    signer, key, cert = demo_signer
    tenant, order = _pick(database, by_tenant, "import")
    _put(database, tenant, cert.decode(), key.decode())
    with pytest.raises(ValidationError) as exc:
        _declare(database, tenant, order, signer, QuoteFacts(False, True, ("limit-exceeded",), QUOTE.tax))
    assert exc.value.violations[0].rule == "quote-verdict" and "limit-exceeded" in exc.value.message
    with pytest.raises(ValidationError) as exc:
        _declare(database, tenant, order, signer, None)
    assert exc.value.rule == "import-tax-required"


def _tick_and_apply(
    database: Database, tenant: str, root: Path, sim: Simulator
) -> list[service.DeclarationChange]:
    sim.tick()
    changes = []
    for path in sorted((root / "receipts").glob("*.xml")):
        with database.unit_of_work() as uow:
            changes += service.apply_receipt(uow, tenant, path.read_bytes(), AT).changes
            uow.commit()
        path.unlink()
    return changes


def test_receipts_clear_the_order_and_a_withdrawal_names_its_inventory(loaded, demo_signer, tmp_path) -> None:
    database, by_tenant = loaded
    signer, key, cert = demo_signer
    tenant, order = _pick(database, by_tenant, "import")
    _put(database, tenant, cert.decode(), key.decode())
    decl = _declare(database, tenant, order, signer, QUOTE)
    root = tmp_path / "eport"
    transport = FileDropTransport(root / "inbox", delivered=root / "processed")
    assert service.send_outbox(database, tenant, transport, AT) == 4
    assert service.send_outbox(database, tenant, transport, AT) == 0
    sim = Simulator(root)
    journey: dict[str, str] = {}
    for _ in range(3):
        for change in _tick_and_apply(database, tenant, root, sim):
            assert change.order_id == order.id and change.declaration_id == decl.id
            if change.journey:
                journey[change.after] = change.journey
    assert journey == {"released": "cleared"}
    with database.unit_of_work() as uow:
        after = service.withdraw(
            uow, tenant, order, AT + timedelta(hours=1), signer=signer, reason="买家取消订单"
        )
        uow.commit()
    cancel = [m for m in after.messages if m.kind == "623"]
    assert cancel and cancel[0].signed and cancel[0].state == "queued"
    with database.unit_of_work() as uow:
        xml = service.declaration_detail(uow, tenant, decl.id).xml[cancel[0].guid].decode()
    assert "<ceb:invtNo>" in xml and "<ceb:reason>买家取消订单</ceb:reason>" in xml


def test_withdrawing_before_customs_numbered_the_inventory_is_refused(loaded, demo_signer) -> None:
    database, by_tenant = loaded
    signer, key, cert = demo_signer
    tenant, order = _pick(database, by_tenant, "export")
    _put(database, tenant, cert.decode(), key.decode())
    with database.unit_of_work() as uow, pytest.raises(ConflictError) as exc:
        service.withdraw(uow, tenant, order, AT, signer=signer, reason="x")
    assert exc.value.rule == "not-declared"
    _declare(database, tenant, order, signer)
    with database.unit_of_work() as uow, pytest.raises(ConflictError) as exc:
        service.return_application(uow, tenant, order, AT, signer=signer, reason="x")
    assert exc.value.rule == "inventory-number-unknown"


def test_declarations_page_in_the_order_they_were_made(loaded, demo_signer) -> None:
    database, by_tenant = loaded
    signer, key, cert = demo_signer
    tenant = max(by_tenant, key=lambda t: len(by_tenant[t]))
    _put(database, tenant, cert.decode(), key.decode())
    made = []
    for order in _orders(database, tenant, by_tenant[tenant]):
        if order.payment is None or order.direction != "export":
            continue
        made.append(_declare(database, tenant, order, signer).id)
        if len(made) == 5:
            break
    seen, cursor = [], None
    while True:
        with database.unit_of_work() as uow:
            rows, cursor = service.list_declarations(uow, tenant, cursor=cursor, limit=2)
        seen += [d.id for _, d in rows]
        if cursor is None:
            break
    assert seen == made


def test_documents_of_a_declared_order_come_from_its_declaration(loaded, demo_signer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pypdfium2 as pdfium
    from typer.testing import CliRunner

    from ponte.bootstrap import reset
    from ponte.cli import app
    from ponte.customs import documents_service
    from ponte.customs.china.profile import Address, Documents
    from ponte.platform.pdf_fonts import find_fonts

    database, by_tenant = loaded
    signer, key, cert = demo_signer
    tenant, order = _pick(database, by_tenant, "export")
    p = profile(cert.decode()).model_copy(
        update={
            "documents": Documents(
                sender_address=Address(street="科技园路1号", city="Shenzhen"), signatory="Li"
            )
        }
    )
    with database.unit_of_work() as uow:
        service.put_profile(uow, tenant, p, AT, signing_key=key.decode())
        uow.commit()
    with database.unit_of_work() as uow, pytest.raises(ConflictError) as exc:
        documents_service.document(uow, tenant, order.id, "cn23", fonts=find_fonts())
    assert exc.value.rule == "not-declared"
    _declare(database, tenant, order, signer)
    with database.unit_of_work() as uow:
        pdf = documents_service.document(uow, tenant, order.id, "cn23", fonts=find_fonts())
    assert isinstance(pdf, bytes)
    text = pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range()
    assert waybill_of(order).house in text and "784-12345675" not in text  # the CN 23 names the item
    if not database.url.startswith("sqlite"):
        return
    import os

    os.environ["PONTE_DATABASE_URL"] = database.url
    reset()
    try:
        res = CliRunner().invoke(
            app, ["documents", order.id, "--tenant", tenant, "--out", str(tmp_path), "--json"]
        )
        bad = CliRunner().invoke(app, ["documents", order.id, "--tenant", tenant, "--out", str(tmp_path),
                                       "--kind", "cn22", "--json"])  # fmt: skip
    finally:
        del os.environ["PONTE_DATABASE_URL"]
        reset()
    assert res.exit_code == 0, res.output
    files = json.loads(res.stdout)["files"]
    assert set(files) == {"invoice", "cn23", "packing-list"}
    assert all(Path(f).read_bytes().startswith(b"%PDF") for f in files.values())
    assert bad.exit_code == 2 and json.loads(bad.stdout)["violations"][0]["rule"] == "document-kind"

"""Customs messages keep the buyer's personal data encrypted at rest and show it masked to callers without
``personal:read`` (the API's message download, the read model the console uses)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from test_customs_service import QUOTE, _declare, _pick, _put
from test_customs_service import loaded as loaded  # the fixture

from ponte.accounts import service as accounts
from ponte.api.app import attach, create_api
from ponte.api.deps import KeyCache
from ponte.bootstrap import Platform
from ponte.customs import service
from ponte.customs.china.personal import mask_personal
from ponte.platform.settings import Settings


def test_mask_personal_masks_only_the_personal_elements() -> None:
    xml = (
        "<ceb:Order><ceb:buyerName>Maria da Silva</ceb:buyerName><ceb:buyerIdNumber>110101199003074578"
        '</ceb:buyerIdNumber><ceb:consigneeAddress a="1">Rua Augusta 1500, São Paulo</ceb:consigneeAddress>'
        "<ceb:goodsValue>59.90</ceb:goodsValue></ceb:Order>"
    ).encode()
    masked = mask_personal(xml).decode()
    for secret in ("Maria da Silva", "110101199003074578", "Rua Augusta"):
        assert secret not in masked
    assert "<ceb:buyerIdNumber>11**************78</ceb:buyerIdNumber>" in masked
    assert "<ceb:goodsValue>59.90</ceb:goodsValue>" in masked


def test_messages_are_encrypted_at_rest_and_masked_unless_the_caller_may_see_them(
    loaded, demo_signer
) -> None:  # type: ignore[no-untyped-def]
    database, by_tenant = loaded
    signer, key, cert = demo_signer
    tenant, order = _pick(database, by_tenant, "import")  # an import names the buyer
    _put(database, tenant, cert.decode(), key.decode())
    decl = _declare(database, tenant, order, signer, QUOTE)
    name, id_number = order.buyer.name, order.buyer.tax_id
    if database.url.startswith("sqlite"):
        database.dispose()  # everything written to the file
        raw = Path(database.url.removeprefix("sqlite:///")).read_bytes()
        for wal in Path(database.url.removeprefix("sqlite:///")).parent.glob("*.db-wal"):
            raw += wal.read_bytes()
        assert name.encode() not in raw and id_number.encode() not in raw
    with database.unit_of_work() as uow:
        masked = service.declaration_detail(uow, tenant, decl.id)
        clear = service.declaration_detail(uow, tenant, decl.id, reveal=True)
    personal = [m for m in decl.messages if name.encode() in clear.xml[m.guid]]
    assert personal, "no message names the buyer"
    for m in personal:
        assert name.encode() not in masked.xml[m.guid] and id_number.encode() not in masked.xml[m.guid]
    with database.unit_of_work() as uow:
        _, reader = accounts.issue_key(uow, tenant, "r", ["customs:read"])
        _, privileged = accounts.issue_key(uow, tenant, "p", ["customs:read", "personal:read"])
        uow.commit()
    app = create_api()
    attach(app, Platform(Settings(database_url=database.url), _database=database), KeyCache())
    with TestClient(app) as api:
        url = f"/customs/declarations/{decl.id}/messages/{personal[0].kind}"
        shown = api.get(url, headers={"Authorization": f"Bearer {reader}"})
        assert shown.status_code == 200 and name not in shown.text and id_number not in shown.text
        full = api.get(url, headers={"Authorization": f"Bearer {privileged}"})
        assert full.status_code == 200 and name in full.text

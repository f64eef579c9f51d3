"""Console pages of customs declarations: list, detail with receipts, and the message check form."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from console_data import LANGS, Park, sign_in
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "customs"))

from customs_factory import NOW, TRANSFER, make_order, put_profile

from ponte.customs import service
from ponte.customs.adapters.eport_simulator import Simulator
from ponte.customs.adapters.transport import FileDropTransport
from ponte.customs.china.build import build
from ponte.customs.china.declare import build_order
from ponte.customs.china.receipts import status_info
from ponte.platform.db import Database
from ponte.web.i18n import Locale
from ponte.web.pages import customs as customs_pages


@pytest.fixture(scope="module")
def declared(console_db, app_and_park, tmp_path_factory) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Declarations of two sellers; the first seller's import runs to release through the simulator,
    its export is rejected by a receipt."""
    database: Database = console_db[0]
    park: Park = console_db[1]
    signers = {t: put_profile(database, t) for t in (park.seller_id, park.other_id)}
    ids: dict[str, str] = {}
    orders = {
        "import": (park.seller_id, make_order(101, "import", "9610")),
        "export": (park.seller_id, make_order(102, "export", "9610")),
        "other": (park.other_id, make_order(103, "import", "1210")),
    }
    for name, (tenant, order) in orders.items():
        with database.unit_of_work() as uow:
            decl = service.declare_raw(uow, tenant, order, NOW, signer=signers[tenant])
            ids[name] = decl.id
            uow.commit()
    drop = tmp_path_factory.mktemp("customs-drop")
    transport = FileDropTransport(drop / "inbox", delivered=drop / "processed")
    service.send_outbox(database, park.seller_id, transport, NOW)
    sim = Simulator(drop)
    for _ in range(3):
        sim.tick()
    with database.unit_of_work() as uow:
        for path in sorted((drop / "receipts").glob("*.xml")):
            service.apply_receipt(uow, park.seller_id, path.read_bytes(), NOW)
        export = build_order(orders["export"][1], TRANSFER, now=NOW)
        head = export["603"]["Inventory"][0]["InventoryHead"]
        rejection = sim._receipt("603", head, "100", "[Code:2600;Desc:商品名称不符]")
        service.apply_receipt(uow, park.seller_id, rejection, NOW)
        uow.commit()
    return ids


def test_list_shows_only_own_declarations_in_every_language(client: TestClient, park, declared) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    for lang in LANGS:
        response = client.get("/customs", params={"lang": lang})
        assert response.status_code == 200
        loc = Locale(lang)
        assert loc.gettext("Declarations") in response.text
        assert make_order(101).order_no in response.text and make_order(102).order_no in response.text
        assert make_order(103).order_no not in response.text
        assert f'href="/customs/{declared["other"]}"' not in response.text
        assert loc.gettext("released") in response.text and loc.gettext("rejected") in response.text
        if lang != "en":
            assert ">Declarations<" not in response.text


def test_state_filter_and_cursor_pages(client: TestClient, park, declared, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    rejected = client.get("/customs", params={"state": "rejected", "lang": "en"}).text
    assert f"/customs/{declared['export']}" in rejected and f"/customs/{declared['import']}" not in rejected
    monkeypatch.setattr(customs_pages, "PAGE_SIZE", 1)
    first = client.get("/customs", params={"lang": "en"}).text
    cursor = re.search(r'href="[^"]*cursor=([^"&]+)"[^>]*rel="next"', first)
    assert cursor, first
    second = client.get("/customs", params={"lang": "en", "cursor": cursor.group(1)}).text
    seen = {i for i in declared.values() if f"/customs/{i}" in first} | {
        i for i in declared.values() if f"/customs/{i}" in second
    }
    assert seen == {declared["import"], declared["export"]}
    assert 'rel="next"' not in second


@pytest.mark.parametrize("lang", LANGS)
def test_detail_shows_messages_xml_and_receipts_with_meanings(
    client: TestClient, park, declared, lang: str
) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    response = client.get(f"/customs/{declared['import']}", params={"lang": lang})
    assert response.status_code == 200
    text = response.text
    loc = Locale(lang)
    assert 'id="current-state" data-state="released"' in text
    assert loc.gettext("released") in text
    for kind in ("311", "411", "511", "621"):
        assert f'id="message-{kind}"' in text
    assert "&lt;ceb:CEB621Message" in text and "ds:Signature" in text  # XML shown, escaped
    for status in ("2", "120", "800"):
        assert status_info(status)[lang] in text
    assert loc.gettext("Receipts") in text


def test_rejection_reason_is_shown(client: TestClient, park, declared) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    text = client.get(f"/customs/{declared['export']}", params={"lang": "zh-CN"}).text
    assert 'data-state="rejected"' in text and "海关退单" in text and "商品名称不符" in text


def test_message_xml_download(client: TestClient, park, declared) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    page = client.get(f"/customs/{declared['import']}").text
    link = re.search(r'href="(/customs/[^"]+/messages/[^"]+\.xml)"', page)
    assert link
    raw = client.get(link.group(1))
    assert raw.headers["content-type"].startswith("application/xml") and raw.content.startswith(b"<?xml")


def test_tenant_isolation_and_operator_view(client: TestClient, park, declared) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    assert client.get(f"/customs/{declared['other']}").status_code == 404
    page = client.get(f"/customs/{declared['import']}").text
    guid = re.search(r"/messages/([0-9A-F-]{36})\.xml", page)
    assert guid
    sign_in(client, park.other_key)
    assert client.get(f"/customs/{declared['import']}").status_code == 404
    assert client.get(f"/customs/{declared['import']}/messages/{guid.group(1)}.xml").status_code == 404
    assert client.get(f"/customs/{declared['other']}").status_code == 200
    sign_in(client, park.operator_key)
    every = client.get("/customs", params={"lang": "en"}).text
    assert all(f"/customs/{i}" in every for i in declared.values())
    assert "Yiwu Home Goods" in every
    only = client.get("/customs", params={"seller": park.other_id}).text
    assert f"/customs/{declared['other']}" in only and f"/customs/{declared['import']}" not in only


@pytest.mark.parametrize("lang", LANGS)
def test_check_form_lists_each_violation(client: TestClient, park, lang: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    loc = Locale(lang)
    form = client.get("/customs/check", params={"lang": lang})
    assert form.status_code == 200 and loc.gettext("Check messages") in form.text
    msgs = build_order(make_order(7, "import", "9610"), TRANSFER, now=NOW)
    msgs["311"]["Order"][0]["OrderHead"]["goodsValue"] = "999999.99"
    good = build("411", msgs["411"])
    bad = build("311", msgs["311"])
    response = client.post(
        "/customs/check",
        params={"lang": lang},
        data={"xml": bad.decode()},
        files=[("files", ("CEB411Message.xml", good, "application/xml"))],
    )
    assert response.status_code == 422
    text = response.text
    assert "CEB311Message/Order[1]/OrderHead/goodsValue" in text and "goods-value-total" in text
    assert "CEB311Message" in text and loc.gettext("Field path") in text
    assert "CEB411Message.xml" in text and loc.gettext("No problems found.") in text


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (b"<truncated", "well-formed"),
        (b'<?xml version="1.0"?><x:CEB311Message xmlns:x="urn:other"/>', "namespace"),
        (b"\x00\x01binary", ""),
    ],
)
def test_check_form_explains_bad_xml(client: TestClient, park, payload: bytes, words: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    response = client.post(
        "/customs/check",
        params={"lang": "pt-BR"},
        files=[("files", ("broken.xml", payload, "application/xml"))],
    )
    assert response.status_code == 422
    assert "Traceback" not in response.text
    assert "O arquivo não pôde ser lido como mensagem CEB:" in response.text
    assert words in response.text


def test_check_form_needs_input(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    response = client.post("/customs/check", params={"lang": "es"}, data={"xml": "  "})
    assert response.status_code == 422
    assert "Pegue un mensaje o elija un archivo." in response.text


def test_menu_has_declarations(client: TestClient, park) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    assert 'href="/customs"' in client.get("/", params={"lang": "en"}).text

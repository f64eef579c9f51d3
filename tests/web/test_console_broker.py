"""A customs broker's workbench in the console, on SQLite and PostgreSQL: each declaration's documents and
their states, search by order, waybill and period (combined with the state filter and cursor pages),
batch resend of rejected declarations with a result for each, cancel and return applications with a
reason, messages as labelled fields and indented XML, and notifications of refused declarations. A
tenant never sees another's declarations, a role without customs scope is refused every page and action,
and a form posted without its CSRF token (or from another site) is refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from broker_data import Declared, declare_park
from console_data import LANGS, Park, seed
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import text

from ponte.accounts import notifications
from ponte.accounts import service_members as members
from ponte.accounts.store import ApiKeyRepository
from ponte.api.app import create_app
from ponte.customs import service as customs
from ponte.customs.china.kinds import SIGNED_KINDS
from ponte.customs.contents import label
from ponte.kernel.clock import now
from ponte.kernel.errors import ValidationError
from ponte.platform.db import Base, Database
from ponte.platform.settings import Settings
from ponte.web.i18n import Locale
from ponte.web.pages import customs as customs_pages

PASSWORD = "correct horse battery"
EMAILS = {
    "broker": "broker@glow.example",
    "broker2": "second.broker@glow.example",
    "streamer": "streamer@glow.example",
    "other": "broker@yiwu.example",
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def bench(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """The park with its declarations, people of each role, and the console over it."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('broker') / 'ponte.db'}"
    else:
        url = request.getfixturevalue("_postgres_schema")
    database = Database(url)
    park = seed(database, orders_per_seller=2)
    with database.unit_of_work() as uow:
        for who, tenant, role in (
            ("broker", park.seller_id, "customs_broker"),
            ("broker2", park.seller_id, "customs_broker"),
            ("streamer", park.seller_id, "streamer"),
            ("other", park.other_id, "customs_broker"),
        ):
            members.create_user(uow, tenant, EMAILS[who], who.title(), PASSWORD, [role], now())
        _, live_key = ApiKeyRepository(uow.session).issue(park.seller_id, "live only", ["live:read"])
        uow.commit()
    settings = Settings(
        env="development",
        database_url=url,
        log_level="WARNING",
        customs_exchange_dir=tmp_path_factory.mktemp("exchange"),
    )
    app = create_app(settings, database)
    declared = declare_park(database, park, app.state.platform.journey)
    yield {"app": app, "park": park, "declared": declared, "database": database, "live_key": live_key}
    if request.param == "postgresql":
        with database.engine.begin() as conn:
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    database.dispose()


@pytest.fixture()
def web(bench: dict[str, Any]) -> Iterator[Any]:
    from console_client import ConsoleClient

    with ConsoleClient(bench["app"], follow_redirects=True) as client:
        yield client


def sign_in(client: Any, who: str) -> None:
    response = client.post("/login", data={"email": EMAILS[who], "password": PASSWORD, "next": "/"})
    assert response.status_code == 200, response.text
    assert str(response.url).endswith("/")


def ids_of(declared: Declared, park: Park, state: str) -> list[str]:
    return declared.ids[park.seller_id].get(state, [])


def listed(html: str) -> set[str]:
    return set(re.findall(r'id="declaration-(dcl_[0-9A-Z]+)"', html))


def test_the_list_shows_each_declarations_documents_and_their_states(web: Any, bench: dict[str, Any]) -> None:
    park, declared = bench["park"], bench["declared"]
    sign_in(web, "broker")
    for lang in LANGS:
        loc = Locale(lang)
        page = web.get("/customs", params={"lang": lang}).text
        released = ids_of(declared, park, "released")[0]
        row = page.split(f'id="declaration-{released}"', 1)[1].split("</tr>", 1)[0]
        for doc, label_id in (("order", "Order"), ("payment", "Payment"), ("waybill", "Waybill"),
                              ("inventory", "Inventory list")):  # fmt: skip
            assert f'data-doc="{doc}"' in row and loc.gettext(label_id) in row
        assert 'data-doc="inventory" data-state="released"' in row
        rejected = ids_of(declared, park, "rejected")[0]
        row = page.split(f'id="declaration-{rejected}"', 1)[1].split("</tr>", 1)[0]
        assert 'data-doc="inventory" data-state="rejected"' in row
        assert f'name="ids" value="{rejected}"' in row  # a rejected one can be selected for resending
        assert 'name="ids"' not in page.split(f'id="declaration-{released}"', 1)[1].split("</tr>", 1)[0]


def test_search_by_order_waybill_and_period_combines_with_state_and_pages(
    web: Any, bench: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    park, declared = bench["park"], bench["declared"]
    sign_in(web, "broker")
    mine = {i for ids in declared.ids[park.seller_id].values() for i in ids}
    target = ids_of(declared, park, "rejected")[0]
    ref = declared.refs[target]
    assert listed(web.get("/customs", params={"order": ref}).text) == {target}
    with bench["database"].unit_of_work() as uow:
        order_id = customs.declaration(uow, park.seller_id, target).order_id
    assert listed(web.get("/customs", params={"order": order_id}).text) == {target}
    house, master = declared.waybills[target]
    assert listed(web.get("/customs", params={"waybill": house}).text) == {target}
    assert listed(web.get("/customs", params={"waybill": master}).text) == {target}  # the AWB, with its dash
    assert listed(web.get("/customs", params={"waybill": master.replace("-", "")}).text) == {target}
    assert listed(web.get("/customs", params={"order": ref, "state": "released"}).text) == set()
    assert listed(web.get("/customs", params={"order": ref, "state": "rejected"}).text) == {target}
    today = now().date()
    period = {"since": (today - timedelta(days=1)).isoformat(), "until": today.isoformat()}
    assert mine <= listed(web.get("/customs", params=period).text)  # (a resend adds revisions)
    past = {"since": "2020-01-01", "until": "2020-01-31"}
    assert listed(web.get("/customs", params=past).text) == set()
    assert listed(web.get("/customs", params={"state": "rejected", **period}).text) == set(
        ids_of(declared, park, "rejected")
    )
    monkeypatch.setattr(customs_pages, "PAGE_SIZE", 1)  # the filters ride along the pages
    seen: set[str] = set()
    params: dict[str, str] = {"state": "rejected", **period}
    for _ in range(5):
        page = web.get("/customs", params=params).text
        seen |= listed(page)
        cursor = re.search(r'href="([^"]*cursor=[^"]+)"[^>]*rel="next"', page)
        if not cursor:
            break
        nxt = cursor.group(1).replace("&amp;", "&")
        assert "state=rejected" in nxt and f"since={period['since']}" in nxt
        params = dict(p.split("=", 1) for p in nxt.split("?", 1)[1].split("&"))
    assert seen == set(ids_of(declared, park, "rejected"))


@pytest.mark.parametrize("lang", LANGS)
def test_bad_filters_are_shown_beside_their_fields_at_once(web: Any, lang: str) -> None:
    sign_in(web, "broker")
    loc = Locale(lang)
    page = web.get(
        "/customs", params={"lang": lang, "since": "yesterday", "until": "31/31/2026", "order": "x" * 61}
    )
    assert page.status_code == 422
    fields = re.findall(r'class="error" data-field="(\w+)"', page.text)
    assert sorted(fields) == ["order", "since", "until"]
    assert loc.gettext("Enter a date as shown, for example 2026-09-01.") in page.text
    local = "31/12/2026" if lang in ("pt-BR", "es") else "2026-12-31"  # as the viewer writes a day
    assert web.get("/customs", params={"lang": lang, "until": local}).status_code == 200
    backwards = web.get("/customs", params={"lang": lang, "since": "2026-09-02", "until": "2026-09-01"})
    assert backwards.status_code == 422 and loc.gettext("The last day is before the first.") in backwards.text


def test_tenant_a_never_sees_tenant_b_declarations(web: Any, bench: dict[str, Any]) -> None:
    park, declared = bench["park"], bench["declared"]
    theirs = declared.ids[park.other_id]["rejected"][0]
    sign_in(web, "broker")
    assert theirs not in web.get("/customs").text
    assert listed(web.get("/customs", params={"order": declared.refs[theirs]}).text) == set()
    assert listed(web.get("/customs", params={"waybill": declared.waybills[theirs][0]}).text) == set()
    assert web.get(f"/customs/{theirs}").status_code == 404
    resent = web.post("/customs/resend", data={"ids": [theirs]})
    assert resent.status_code == 409 and 'data-ok="no"' in resent.text
    assert declared.refs[theirs] not in resent.text
    assert web.post(f"/customs/{theirs}/cancel", data={"cancel_reason": "x"}).status_code == 404
    with bench["database"].unit_of_work() as uow:
        assert customs.declaration(uow, park.other_id, theirs).state == "rejected"  # untouched
        assert (
            len(
                customs.declarations_of(
                    uow, park.other_id, customs.declaration(uow, park.other_id, theirs).order_id or ""
                )
            )
            == 1
        )
    notes = web.get("/notifications").text
    assert declared.refs[theirs] not in notes
    sign_in(web, "other")
    assert listed(web.get("/customs").text) == {theirs}


def test_a_role_without_customs_scope_is_refused_pages_and_actions(web: Any, bench: dict[str, Any]) -> None:
    park, declared = bench["park"], bench["declared"]
    target = ids_of(declared, park, "rejected")[0]
    released = ids_of(declared, park, "released")[0]
    for signer in ("streamer", "key"):
        if signer == "key":
            response = web.post("/login", data={"api_key": bench["live_key"], "next": "/"})
            assert response.status_code == 200
        else:
            sign_in(web, signer)
        assert "/customs" not in re.findall(r'<a href="(/[a-z]*)"', web.get("/").text)
        for path in ("/customs", f"/customs/{target}", "/customs?order=BRK-000"):
            assert web.get(path).status_code == 403, path
        assert web.post("/customs/resend", data={"ids": [target]}).status_code == 403
        assert (
            web.post(f"/customs/{released}/cancel", data={"cancel_reason": "buyer cancelled"}).status_code
            == 403
        )
        assert web.post(f"/customs/{released}/return", data={"return_reason": "returned"}).status_code == 403
        notes = web.get("/notifications")
        assert notes.status_code == 200 and 'data-kind="declaration.rejected"' not in notes.text
    with bench["database"].unit_of_work() as uow:
        assert customs.declaration(uow, park.seller_id, target).state == "rejected"


def test_posts_without_the_csrf_token_or_from_another_site_are_refused(
    web: Any, bench: dict[str, Any]
) -> None:
    park, declared = bench["park"], bench["declared"]
    target = ids_of(declared, park, "rejected")[0]
    released = ids_of(declared, park, "released")[0]
    sign_in(web, "broker")
    forms = (
        ("/customs/resend", {"ids": [target]}),
        (f"/customs/{released}/cancel", {"cancel_reason": "the buyer cancelled"}),
        (f"/customs/{released}/return", {"return_reason": "the buyer sent it back"}),
        ("/notifications/read", {}),
    )
    for path, data in forms:
        assert TestClient.request(web, "POST", path, data=data).status_code == 403, path  # no token
        cross = web.post(
            path, data=data, headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
        )
        assert cross.status_code == 403, path
    with bench["database"].unit_of_work() as uow:
        assert customs.declaration(uow, park.seller_id, target).state == "rejected"
        assert len(customs.declaration(uow, park.seller_id, released).messages) == 4  # no application queued
    assert 'id="unread-count"' in web.get("/customs").text  # nothing marked read


@pytest.mark.parametrize("lang", LANGS)
def test_the_declaration_shows_documents_fields_and_indented_xml(
    web: Any, bench: dict[str, Any], lang: str
) -> None:
    park, declared = bench["park"], bench["declared"]
    loc = Locale(lang)
    sign_in(web, "broker")
    released = ids_of(declared, park, "released")[0]
    page = web.get(f"/customs/{released}", params={"lang": lang}).text
    assert 'data-doc="inventory" data-state="released"' in page
    assert 'data-doc="payment" data-state=' in page
    assert loc.gettext("Head") in page and loc.gettext("Items") in page
    for element in ("orderNo", "logisticsNo", "billNo", "gcode", "ownerName"):
        assert f'title="{element}">{label(element, lang)}</' in page
    assert f'data-field="orderNo">{declared.refs[released]}</dd>' in page
    xml = re.search(r'<pre class="xml" tabindex="0"><code>(.*?)</code></pre>', page, re.S)
    assert xml is not None
    body = xml.group(1)
    assert body.startswith("&lt;?xml") and "\n  &lt;ceb:" in body and "\n    &lt;ceb:" in body
    assert "<ceb:" not in body  # escaped
    rejected = ids_of(declared, park, "rejected")[0]
    refused = web.get(f"/customs/{rejected}", params={"lang": lang}).text
    assert "商品名称与申报不符" in refused and 'id="resend-one"' in refused
    assert 'id="cancel-form"' not in refused  # nothing to cancel: customs refused it


def test_a_reader_without_customs_write_gets_no_actions(web: Any, bench: dict[str, Any]) -> None:
    park, declared = bench["park"], bench["declared"]
    released = ids_of(declared, park, "released")[0]
    with bench["database"].unit_of_work() as uow:
        _, key = ApiKeyRepository(uow.session).issue(park.seller_id, "reader", ["customs:read"])
        uow.commit()
    assert web.post("/login", data={"api_key": key, "next": "/"}).status_code == 200
    page = web.get(f"/customs/{released}").text
    assert page.count('data-doc="') == 4
    assert 'id="resend-one"' not in page and 'id="cancel-form"' not in page  # customs:read only


def test_batch_resend_declares_each_again_and_shows_every_result(web: Any, bench: dict[str, Any]) -> None:
    park, declared, database = bench["park"], bench["declared"], bench["database"]
    rejected, error = ids_of(declared, park, "rejected")[1:], ids_of(declared, park, "error")
    released = ids_of(declared, park, "released")[0]
    sign_in(web, "broker")
    picked = [*rejected, *error, released]
    result = web.post("/customs/resend?lang=es", data={"ids": picked})
    assert result.status_code == 200
    loc = Locale("es")
    rows = dict(re.findall(r'data-declaration="(dcl_[0-9A-Z]+)" data-ok="(\w+)"', result.text))
    assert rows == {**{i: "yes" for i in [*rejected, *error]}, released: "no"}
    assert loc.gettext("Only a rejected declaration or an e-port error can be declared again.") in result.text
    summary = re.search(r'id="resend-summary">([^<]+)<', result.text)
    wanted = loc.gettext("%(done)s of %(total)s declarations declared again.")
    assert summary and summary.group(1) == wanted % {"done": len(picked) - 1, "total": len(picked)}
    with database.unit_of_work() as uow:
        for old in [*rejected, *error]:
            order_id = customs.declaration(uow, park.seller_id, old).order_id or ""
            revisions = customs.declarations_of(uow, park.seller_id, order_id)
            assert [r.revision for r in revisions] == [0, 1]
            assert revisions[-1].state == "sent"  # signed, queued and sent to the e-port's exchange folder
            assert f'href="/customs/{revisions[-1].id}"' in result.text
        assert customs.declaration(uow, park.seller_id, released).state == "released"
    again = web.post("/customs/resend", data={"ids": rejected[:1]})  # an old revision is not resent twice
    assert again.status_code == 409 and 'data-ok="no"' in again.text
    assert web.post("/customs/resend", data={}).status_code == 200  # nothing chosen: back to the list
    assert "/customs" in str(web.get("/customs").url)


@pytest.mark.parametrize("which", ["cancel", "return"])
def test_cancel_and_return_applications_are_signed_stored_and_sent(
    web: Any, bench: dict[str, Any], which: str, shared_dir: Path
) -> None:
    park, declared, database = bench["park"], bench["declared"], bench["database"]
    sign_in(web, "broker")
    target = (
        ids_of(declared, park, "accepted")[0] if which == "cancel" else ids_of(declared, park, "released")[1]
    )
    field = f"{which}_reason"
    empty = web.post(f"/customs/{target}/{which}", data={field: "  "})
    assert empty.status_code == 422 and f'data-field="{field}"' in empty.text
    done = web.post(f"/customs/{target}/{which}", data={field: "the buyer changed their mind"})
    assert done.status_code == 200 and str(done.url).endswith(f"/customs/{target}")
    kind = "605" if which == "cancel" else "213"  # the park's sellers export
    assert f'id="message-{kind}"' in done.text
    with database.unit_of_work() as uow:
        detail = customs.declaration_detail(uow, park.seller_id, target, reveal=True)
    msg = next(m for m in detail.declaration.messages if m.kind == kind)
    assert msg.signed == (kind in SIGNED_KINDS) and msg.sent_at is not None
    assert b"the buyer changed their mind" in detail.xml[msg.guid]
    report = customs.check_messages([(f"CEB{kind}.xml", detail.xml[msg.guid])])
    assert all(r.ok for r in report), [r.as_dict() for r in report]
    schema = etree.XMLSchema(etree.parse(str(shared_dir / "ceb" / "xsd" / "ceb-export-202205.xsd")))
    assert schema.validate(etree.fromstring(detail.xml[msg.guid])), schema.error_log
    twice = web.post(f"/customs/{target}/{which}?lang=en", data={field: "again"})
    assert twice.status_code == 409
    assert "A cancel or return application of this declaration is already with customs." in twice.text


def test_a_refused_declaration_notifies_the_tenants_customs_people(web: Any, bench: dict[str, Any]) -> None:
    park, declared = bench["park"], bench["declared"]
    refused = [*ids_of(declared, park, "rejected"), *ids_of(declared, park, "error")]
    sign_in(web, "broker2")
    page = web.get("/notifications", params={"lang": "zh-CN"}).text
    kinds = re.findall(r'data-kind="declaration.rejected" data-read="(\w+)"', page)
    assert len(kinds) == len(refused) and set(kinds) == {"no"}
    for decl in refused:
        assert declared.refs[decl] in page
    assert "商品名称与申报不符" in page
    badge = re.search(r'id="unread-count">(\d+)', web.get("/customs").text)
    assert badge and int(badge.group(1)) == len(refused)
    first = re.search(
        r'name="id" value="(ntf_[0-9A-Z]+)"><input type="hidden" name="next" value="(/customs/[^"]+)"', page
    )
    assert first
    opened = web.post("/notifications/read", data={"id": first.group(1), "next": first.group(2)})
    assert str(opened.url).endswith(first.group(2))
    badge = re.search(r'id="unread-count">(\d+)', opened.text)
    assert badge and int(badge.group(1)) == len(refused) - 1
    web.post("/notifications/read", data={})
    assert 'id="unread-count"' not in web.get("/customs").text
    sign_in(web, "other")  # the other seller's broker sees only its own seller's refusal
    theirs = re.findall(r'data-kind="declaration.rejected"', web.get("/notifications").text)
    assert len(theirs) == 1


def test_notifications_are_told_once_per_occurrence_and_kinds_are_known(bench: dict[str, Any]) -> None:
    park, database = bench["park"], bench["database"]
    reader = notifications.Reader(park.other_id, frozenset({"customs:read"}), "user:someone")
    with database.unit_of_work() as uow:
        before = notifications.unread(uow, reader)
        params = {"order_no": "X-1", "revision": 0, "state": "rejected", "info": ""}
        assert notifications.notify(
            uow, park.other_id, "declaration.rejected", "dcl_x", "dcl_x:rejected", params, now()
        )
        assert not notifications.notify(
            uow, park.other_id, "declaration.rejected", "dcl_x", "dcl_x:rejected", params, now()
        )
        assert notifications.unread(uow, reader) == before + 1
        blind = notifications.Reader(park.other_id, frozenset({"live:read"}), "user:someone")
        assert notifications.latest(uow, blind) == []  # the kind's scope decides who sees it
        with pytest.raises(ValidationError) as refused:
            notifications.notify(uow, park.other_id, "offer.forgotten", "off_1", "off_1", {}, now())
        assert refused.value.rule == "known-kind"  # nothing is committed: the unit of work rolls back


def test_a_streamer_reads_a_sold_out_offer_in_their_language_and_opens_its_session(
    web: Any, bench: dict[str, Any]
) -> None:
    park, database = bench["park"], bench["database"]
    with database.unit_of_work() as uow:
        params = {"sku": "LIP-77", "session_id": "lse_demo", "cap": 40}
        notifications.notify(
            uow, park.seller_id, "offer.sold_out", "off_77", "off_77:sold-out", params, now()
        )
        uow.commit()
    sign_in(web, "streamer")
    page = web.get("/notifications", params={"lang": "pt-BR"}).text
    assert (
        'data-kind="offer.sold_out"' in page and "A oferta ao vivo de LIP-77 esgotou (40 unidades)." in page
    )
    assert 'name="next" value="/live/lse_demo"' in page and "Abrir a transmissão ao vivo" in page
    sign_in(web, "broker2")  # customs people are not told of offers
    assert 'data-kind="offer.sold_out"' not in web.get("/notifications").text

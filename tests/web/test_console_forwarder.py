"""A forwarder's console pages: flights with their loads against the capacity held, a leg's ULDs and masters, a
ULD's bags and parcels, the documents as PDF downloads, on SQLite and PostgreSQL, in every language; each
tenant sees only its own, and a role without the logistics scope is refused everywhere."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pypdfium2 as pdfium
import pytest
from console_data import LANGS, ConsoleClient, Park, seed, sign_in
from sqlalchemy import text

from ponte.accounts.roles import ROLES
from ponte.accounts.store import ApiKeyRepository
from ponte.api.app import create_app
from ponte.bootstrap import Platform
from ponte.kernel.measures import Box, Weight
from ponte.logistics import service
from ponte.logistics.awb import StockRange
from ponte.logistics.shipping import OrderParcel
from ponte.platform.db import Base, Database
from ponte.platform.settings import Settings
from ponte.web.i18n import Locale

AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
GOODS = {0: "玻尿酸精华液", 1: "Sérum de ácido hialurônico"}


def _parcel(tenant: str, ref: str, n: int, **kw: Any) -> OrderParcel:
    values: dict[str, Any] = {
        "id": ref,
        "order_id": "",
        "tenant_id": tenant,
        "gross": Weight(Decimal("1.4")),
        "net": Weight(Decimal("1.2")),
        "box": Box(Decimal(30), Decimal(20), Decimal(12)),
        "dangerous_goods": "",
        "perishable": False,
        "origin": "CAN",
        "destination": "GRU",
        "ready_at": datetime(2026, 3, 2, tzinfo=UTC),
        "shipper": "深圳光彩美妆" if n % 2 else "Glow Beauty",
        "goods": GOODS[n % 2],
        "hs_codes": ("330499",),
    }
    values.update(kw)
    return OrderParcel(**values)


def _consolidate(database: Database, tenant: str, refs: list[str], first: int) -> list[dict[str, str]]:
    flights = Platform(Settings(database_url=database.url), _database=database).flights(date(2026, 3, 2), 3)
    parcels = [
        _parcel(tenant, r, n, dangerous_goods="lithium-ion/contained-in", shc=("ELI",), handling_class="ELI")
        if n == 1
        else _parcel(tenant, r, n)
        for n, r in enumerate(refs)
    ]
    with database.unit_of_work() as uow:
        service.add_awb_range(uow, tenant, StockRange("784", first, first + 99), AT)
        ids = service.add_parcels(uow, tenant, parcels, AT)
        shipments = service.consolidate_and_issue(uow, tenant, ids, flights, AT).shipments
        events = [
            {
                "subject": "parcel",
                "id": refs[0],
                "code": "RCS",
                "at": "2026-03-01T10:00:00Z",
                "location": "CAN",
            },
            {
                "subject": "awb",
                "id": shipments[0]["mawb"],
                "code": "MAN",
                "at": "2026-03-01T12:00:00Z",
                "location": "CAN",
                "flight": shipments[0]["flight"],
            },
        ]
        service.record_events(uow, tenant, events, AT)
        uow.commit()
    return shipments


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def forwarder_park(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, Park, dict[str, Any]]]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('forwarder') / 'ponte.db'}"
    else:
        url = request.getfixturevalue("_postgres_schema")
    database = Database(url)
    try:
        park = seed(database, orders_per_seller=2)
        mine = _consolidate(database, park.seller_id, [f"GLOW-F{n}" for n in range(6)], 1000)
        theirs = _consolidate(database, park.other_id, ["YIWU-F0", "YIWU-F1"], 5000)
        with database.unit_of_work() as uow:
            keys = ApiKeyRepository(uow.session)
            _, forwarder = keys.issue(park.seller_id, "forwarder", sorted(ROLES["forwarder"].scopes))
            _, streamer = keys.issue(park.seller_id, "streamer", sorted(ROLES["streamer"].scopes))
            uow.commit()
        app = create_app(Settings(env="development", database_url=url, log_level="WARNING"), database)
        yield app, park, {"mine": mine, "theirs": theirs, "forwarder": forwarder, "streamer": streamer}
    finally:
        if request.param == "postgresql":
            with database.engine.begin() as conn:
                tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        database.dispose()


@pytest.fixture()
def client(forwarder_park: Any) -> Iterator[ConsoleClient]:
    with ConsoleClient(forwarder_park[0], follow_redirects=True) as c:
        yield c


def _pdf_text(body: bytes) -> str:
    doc = pdfium.PdfDocument(body)
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


@pytest.mark.parametrize("lang", LANGS)
def test_flights_show_loads_against_capacity_in_every_language(client, forwarder_park, lang: str) -> None:  # type: ignore[no-untyped-def]
    _app, _park, data = forwarder_park
    sign_in(client, data["forwarder"])
    r = client.get("/flights", params={"lang": lang})
    assert r.status_code == 200
    loc = Locale(lang)
    for label in ("Flights", "Load by weight", "Load by volume", "Positions", "Flight manifest"):
        assert loc.gettext(label) in r.text, label
    if lang != "en":
        assert ">Load by weight<" not in r.text
    leg = data["mine"][0]["flight"]
    assert f'href="/flights/{leg}"' in r.text and f'href="/flights/{leg}/manifest.pdf"' in r.text
    assert 'class="cards"' in r.text and 'data-label="' in r.text  # cards on a phone
    assert "%" in r.text  # load factors are shown
    assert 'href="/flights"' in r.text  # the menu entry


@pytest.mark.parametrize("lang", LANGS)
def test_a_flight_shows_its_ulds_masters_and_dangerous_goods(client, forwarder_park, lang: str) -> None:  # type: ignore[no-untyped-def]
    _app, _park, data = forwarder_park
    sign_in(client, data["forwarder"])
    ship = data["mine"][0]
    r = client.get(f"/flights/{ship['flight']}", params={"lang": lang})
    assert r.status_code == 200, r.text
    loc = Locale(lang)
    for label in ("ULDs", "Master AWBs", "Dangerous goods", "Weight booked", "Volume loaded"):
        assert loc.gettext(label) in r.text, label
    assert ship["mawb"] in r.text and "UN3481" in r.text and "GLOW-F1" in r.text
    ulds = re.findall(rf'href="/shipments/{ship["id"]}/ulds/(U\d{{5}})"', r.text)
    assert ulds and all(u.startswith("U") and u != "U00000" for u in ulds)
    assert data["theirs"][0]["mawb"] not in r.text  # another seller on the same leg


@pytest.mark.parametrize("lang", LANGS)
def test_a_uld_lists_its_bags_and_parcels(client, forwarder_park, lang: str) -> None:  # type: ignore[no-untyped-def]
    _app, _park, data = forwarder_park
    sign_in(client, data["forwarder"])
    ship = data["mine"][0]
    page = client.get(f"/shipments/{ship['id']}", params={"lang": lang}).text
    uld = re.findall(rf'href="/shipments/{ship["id"]}/ulds/(U\d{{5}})"', page)[0]
    for kind in ("consolidation-list", "flight-manifest", "uld-contents"):
        assert f'href="/shipments/{ship["id"]}/documents/{kind}.pdf"' in page
    r = client.get(f"/shipments/{ship['id']}/ulds/{uld}", params={"lang": lang})
    assert r.status_code == 200
    assert Locale(lang).gettext("ULD %(uld)s", uld=uld) in r.text
    assert re.search(r"<code>B\d{6}</code>", r.text)  # a bag id
    assert "GLOW-F" in r.text and GOODS[1] in r.text
    missing = client.get(f"/shipments/{ship['id']}/ulds/U99999", params={"lang": lang})
    assert missing.status_code == 404 and "U99999" in missing.text


def test_documents_download_in_the_viewers_language(client, forwarder_park) -> None:  # type: ignore[no-untyped-def]
    _app, _park, data = forwarder_park
    sign_in(client, data["forwarder"])
    ship = data["mine"][0]
    r = client.get(f"/flights/{ship['flight']}/manifest.pdf", params={"lang": "pt-BR"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text_pt = _pdf_text(r.content)
    assert "Manifesto de voo" in text_pt and ship["mawb"] in text_pt and "UN3481" in text_pt
    r = client.get(f"/shipments/{ship['id']}/documents/consolidation-list.pdf", params={"lang": "zh-CN"})
    text_zh = _pdf_text(r.content)
    assert "集拼清单" in text_zh and GOODS[0] in text_zh and GOODS[1] in text_zh
    assert client.get(f"/shipments/{ship['id']}/documents/invoice.pdf").status_code == 404


def test_tracking_links_the_flight_leg(client, forwarder_park) -> None:  # type: ignore[no-untyped-def]
    _app, _park, data = forwarder_park
    sign_in(client, data["forwarder"])
    ship = data["mine"][0]
    r = client.get("/tracking", params={"ref": "GLOW-F0", "lang": "es"})
    assert r.status_code == 200
    assert re.findall(r"<code title=\"[^\"]*\">([A-Z_]+)</code>", r.text) == ["RCS", "MAN"]
    assert f'href="/flights/{ship["flight"]}"' in r.text


def test_a_seller_never_sees_another_sellers_flights_ulds_or_documents(client, forwarder_park) -> None:  # type: ignore[no-untyped-def]
    _app, park, data = forwarder_park
    sign_in(client, park.other_key)
    mine = data["mine"][0]
    listed = client.get("/flights").text
    assert data["theirs"][0]["mawb"] not in listed  # masters are counted, not named, on the list
    other_leg = client.get(f"/flights/{data['theirs'][0]['flight']}").text
    assert data["theirs"][0]["mawb"] in other_leg and mine["mawb"] not in other_leg
    assert client.get(f"/shipments/{mine['id']}/ulds/U00001").status_code == 404
    assert client.get(f"/shipments/{mine['id']}/documents/flight-manifest.pdf").status_code == 404
    legs_of_mine = {s["flight"] for s in data["mine"]} - {s["flight"] for s in data["theirs"]}
    for leg in legs_of_mine:
        assert client.get(f"/flights/{leg}").status_code == 404
        assert client.get(f"/flights/{leg}/manifest.pdf").status_code == 404


def test_the_operator_sees_every_sellers_flights(client, forwarder_park) -> None:  # type: ignore[no-untyped-def]
    _app, park, data = forwarder_park
    sign_in(client, park.operator_key)
    shared = {s["flight"] for s in data["mine"]} & {s["flight"] for s in data["theirs"]}
    assert shared  # both sellers fly CAN-GRU on the same leg
    leg = client.get(f"/flights/{sorted(shared)[0]}", params={"lang": "en"}).text
    mawbs = [s["mawb"] for s in data["mine"] + data["theirs"] if s["flight"] in shared]
    assert all(m in leg for m in mawbs)
    assert "Shenzhen Glow Beauty, Yiwu Home Goods" in leg  # both forwarders' allotments, added up
    listed = client.get("/flights", params={"lang": "en"}).text
    assert "Shenzhen Glow Beauty" in listed and "Yiwu Home Goods" in listed
    only = client.get("/flights", params={"seller": park.other_id}).text
    assert (
        "Yiwu Home Goods" in only
        and "Shenzhen Glow Beauty" not in only.split("<main", 1)[1].split("</form>", 1)[1]
    )


def test_a_role_without_the_logistics_scope_is_refused(client, forwarder_park) -> None:  # type: ignore[no-untyped-def]
    _app, _park, data = forwarder_park
    sign_in(client, data["streamer"])
    ship = data["mine"][0]
    for path in (
        "/flights",
        f"/flights/{ship['flight']}",
        f"/flights/{ship['flight']}/manifest.pdf",
        f"/shipments/{ship['id']}/ulds/U00001",
        f"/shipments/{ship['id']}/documents/uld-contents.pdf",
    ):
        assert client.get(path).status_code == 403, path
    assert 'href="/flights"' not in client.get("/live").text


def test_flights_page_by_page(client, forwarder_park, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from ponte.web.pages import flights

    _app, park, _data = forwarder_park
    monkeypatch.setattr(flights, "PAGE_SIZE", 1)
    sign_in(client, park.operator_key)
    first = client.get("/flights", params={"lang": "en"}).text
    assert first.count('<tr>\n      <td data-label="Flight">') == 1
    found = re.search(r'href="([^"]*page=2[^"]*)" rel="next"', first)
    assert found
    second = client.get(found.group(1).replace("&amp;", "&")).text
    assert second.count('<tr>\n      <td data-label="Flight">') == 1 and 'rel="prev"' in second
    rows = [re.search(r'<td data-label="Seller">([^<]*)</td>', t) for t in (first, second)]
    legs = [re.search(r'href="/flights/([^"]+)"><code>', t) for t in (first, second)]
    assert all(rows) and all(legs)
    pairs = {(r.group(1), g.group(1)) for r, g in zip(rows, legs, strict=True) if r and g}
    assert len(pairs) == 2  # two different (seller, leg) rows

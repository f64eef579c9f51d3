"""Console pages for shipments and the tracking timeline: every language, each tenant sees only its own."""

from __future__ import annotations

import re
from typing import Any

import pytest
from console_data import LANGS, sign_in
from fastapi.testclient import TestClient

from ponte.web.i18n import Locale
from ponte.web.pages.shipments import FSU_LABELS, state_of

PARCELS = [
    {
        "id": f"GLOW-P{n}",
        "weight_kg": "0.84",
        "length_cm": 30,
        "width_cm": 20,
        "height_cm": 10,
        "origin": "CAN",
        "destination": "GRU",
        "ready_at": "2026-03-02T08:00:00+08:00",
        "shipper": f"s{n % 2}",
    }
    for n in range(6)
]


def _api(client: TestClient, key: str, method: str, path: str, **kw: Any) -> Any:
    response = client.request(method, f"/api/v1{path}", headers={"Authorization": f"Bearer {key}"}, **kw)
    assert response.status_code in (200, 201), response.text
    return response.json()


@pytest.fixture(scope="module")
def shipped(app_and_park) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """One consolidation of the demo seller (a master AWB on a CAN-GRU flight) with carrier and customs
    events; the other seller has a shipment of its own."""
    app, park = app_and_park
    with TestClient(app) as client:
        _api(
            client, park.seller_key, "POST", "/awb-stock", json={"prefix": "784", "first": 1000, "last": 1099}
        )
        body = _api(client, park.seller_key, "POST", "/consolidations", json={"parcels": PARCELS})
        ship = body["shipments"][0]
        detail = _api(client, park.seller_key, "GET", f"/shipments/{ship['id']}")
        dep = detail["departs"]
        events = [
            {
                "subject": "parcel",
                "id": "GLOW-P0",
                "code": "RCS",
                "at": "2026-03-01T10:00:00Z",
                "location": "CAN",
            },
            {
                "subject": "awb",
                "id": ship["mawb"],
                "code": "MAN",
                "at": "2026-03-01T12:00:00Z",
                "location": "CAN",
            },
            {"subject": "awb", "id": ship["mawb"], "code": "DEP", "at": dep, "location": "CAN"},
            {
                "subject": "parcel",
                "id": "GLOW-P0",
                "code": "CRC",
                "at": "2026-03-01T11:00:00Z",
                "location": "CAN",
                "source": "customs",
            },
        ]
        _api(client, park.seller_key, "POST", "/tracking-events", json={"events": events})
        _api(
            client, park.other_key, "POST", "/awb-stock", json={"prefix": "784", "first": 5000, "last": 5099}
        )
        other = _api(
            client,
            park.other_key,
            "POST",
            "/consolidations",
            json={"parcels": [dict(PARCELS[0], id="YIWU-P1")]},
        )
    return {"ship": ship, "other": other["shipments"][0], "detail": detail}


@pytest.mark.parametrize("lang", LANGS)
def test_shipments_list_in_every_language(client: TestClient, park, shipped, lang: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    response = client.get("/shipments", params={"lang": lang})
    assert response.status_code == 200
    loc = Locale(lang)
    text = response.text
    for label in ("Shipments", "Master AWB", "Load factor", "Pieces", "departed"):
        assert loc.gettext(label) in text, label
    if lang != "en":
        assert ">Load factor<" not in text
    assert shipped["ship"]["mawb"] in text
    assert shipped["other"]["mawb"] not in text  # the other seller's shipment
    assert 'href="/shipments"' in text  # the menu entry


@pytest.mark.parametrize("lang", LANGS)
def test_shipment_detail_shows_houses_ulds_bound_and_gap(
    client: TestClient, park, shipped, lang: str
) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    response = client.get(f"/shipments/{shipped['ship']['id']}", params={"lang": lang})
    assert response.status_code == 200
    loc = Locale(lang)
    text = response.text
    for label in ("House waybills", "Lower bound", "Gap", "Load factor by volume", "ULDs"):
        assert loc.gettext(label) in text, label
    for hawb in shipped["detail"]["hawbs"]:
        assert hawb in text
    assert text.count('href="/tracking?ref=GLOW-P') == 6
    uld = shipped["detail"]["plan"]["ulds"][0]
    assert f"<code>{uld['type']}</code>" in text
    assert uld["bags"] >= 1
    assert shipped["detail"]["plan"]["consolidation"]["lower_bound"]["ulds"] >= 1


@pytest.mark.parametrize("lang", LANGS)
def test_tracking_timeline_in_every_language(client: TestClient, park, shipped, lang: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    response = client.get("/tracking", params={"lang": lang, "ref": "GLOW-P0"})
    assert response.status_code == 200
    loc = Locale(lang)
    text = response.text
    rows = re.findall(r"<code title=\"[^\"]*\">([A-Z_]+)</code>", text)
    assert rows == ["RCS", "CRC", "MAN", "DEP"]  # parcel, customs and AWB events merged in time order
    for code in rows:
        assert loc.gettext(FSU_LABELS[code]) in text
    assert loc.gettext("Estimated arrival") in text
    assert 'class="customs"' in text
    assert loc.gettext("Late") in text  # the flight's arrival is long past and none was reported
    assert loc.gettext("overdue: no arrival reported") in text
    assert shipped["ship"]["mawb"] in text


def test_tracking_by_awb_and_unknown_ref(client: TestClient, park, shipped) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.seller_key)
    mawb = shipped["ship"]["mawb"]
    text = client.get("/tracking", params={"ref": mawb.replace("-", ""), "lang": "en"}).text
    assert re.findall(r"<code title=\"[^\"]*\">([A-Z_]+)</code>", text) == ["MAN", "DEP"]
    empty = client.get("/tracking", params={"lang": "pt-BR"})
    assert empty.status_code == 200 and 'id="timeline"' not in empty.text
    missing = client.get("/tracking", params={"ref": "NOPE-1", "lang": "es"})
    assert missing.status_code == 404
    assert Locale("es").gettext("Nothing is known under %(ref)s.", ref="NOPE-1") in missing.text


def test_a_seller_never_sees_another_sellers_shipments(client: TestClient, park, shipped) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.other_key)
    listed = client.get("/shipments").text
    assert shipped["other"]["mawb"] in listed and shipped["ship"]["mawb"] not in listed
    assert client.get(f"/shipments/{shipped['ship']['id']}").status_code == 404
    assert client.get("/tracking", params={"ref": "GLOW-P0"}).status_code == 404
    assert client.get("/tracking", params={"ref": shipped["ship"]["mawb"]}).status_code == 404
    assert client.get(f"/shipments/{shipped['other']['id']}").status_code == 200


def test_operator_reads_across_sellers_and_picks_one_to_track(client: TestClient, park, shipped) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, park.operator_key)
    listed = client.get("/shipments").text
    assert shipped["ship"]["mawb"] in listed and shipped["other"]["mawb"] in listed
    only = client.get("/shipments", params={"seller": park.other_id}).text
    assert shipped["other"]["mawb"] in only and shipped["ship"]["mawb"] not in only
    assert client.get(f"/shipments/{shipped['ship']['id']}").status_code == 200
    tracked = client.get("/tracking", params={"ref": "GLOW-P0", "seller": park.seller_id})
    assert tracked.status_code == 200 and "RCS" in tracked.text


def test_cursor_pages(client: TestClient, park, shipped, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from ponte.web.pages import shipments

    monkeypatch.setattr(shipments, "PAGE_SIZE", 1)
    sign_in(client, park.operator_key)
    first = client.get("/shipments").text
    found = re.search(r'href="([^"]*cursor=[^"]+)" rel="next"', first)
    assert found
    second = client.get(found.group(1).replace("&amp;", "&")).text
    mawbs = {shipped["ship"]["mawb"], shipped["other"]["mawb"]}
    assert {m for m in mawbs if m in first} | {m for m in mawbs if m in second} == mawbs
    assert not {m for m in mawbs if m in first} & {m for m in mawbs if m in second}


def test_a_key_without_logistics_scope_is_refused(client: TestClient, park, shipped, app_and_park) -> None:  # type: ignore[no-untyped-def]
    from ponte.accounts.store import ApiKeyRepository

    app, _ = app_and_park
    with app.state.database.unit_of_work() as uow:
        _, key = ApiKeyRepository(uow.session).issue(park.seller_id, "orders only", ["orders:read"])
        uow.commit()
    sign_in(client, key)
    assert client.get("/shipments").status_code == 403
    assert 'href="/shipments"' not in client.get("/orders").text


def test_state_follows_the_highest_milestone() -> None:
    assert state_of([]) == "planned"
    assert state_of(["BKD"]) == "booked"
    assert state_of(["RCS", "MAN", "DEP"]) == "departed"
    assert state_of(["DEP", "ARR", "RCF", "NFD"]) == "at destination"
    assert state_of(["DEP", "DIS_OFLD"]) == "departed"
    assert state_of(["ARR", "DLV"]) == "delivered"

"""The forwarder's documents: consolidation list, flight manifest and ULD contents list, printed from stored
shipments in the four languages (Portuguese accents and Chinese included), over the API; bad ids are 404s
naming what was not found."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pypdfium2 as pdfium
import pytest

from factories import seed_tenants
from ponte.bootstrap import Platform
from ponte.kernel.measures import Box, Weight
from ponte.logistics import service
from ponte.logistics.awb import StockRange
from ponte.logistics.documents import HouseLine, Leg, Master, Piece, UldLine, dg_lines, flight_manifest
from ponte.logistics.shipping import OrderParcel
from ponte.platform.db import Database
from ponte.platform.settings import Settings

AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SHIPPER = "深圳光彩美妆有限公司"
GOODS = "Sérum de ácido hialurônico"


def _parcel(tenant: str, n: int, **kw: Any) -> OrderParcel:
    values: dict[str, Any] = {
        "id": f"GLOW-D{n}",
        "order_id": "",
        "tenant_id": tenant,
        "gross": Weight(Decimal("1.25")),
        "net": Weight(Decimal("1.1")),
        "box": Box(Decimal(30), Decimal(20), Decimal(10)),
        "dangerous_goods": "",
        "perishable": False,
        "origin": "CAN",
        "destination": "GRU",
        "ready_at": datetime(2026, 3, 2, 0, 0, tzinfo=UTC),
        "shipper": SHIPPER if n % 2 else "Beleza Shenzhen Ltd",
        "goods": GOODS if n % 2 else "玻尿酸精华液",
        "hs_codes": ("330499",),
    }
    values.update(kw)
    return OrderParcel(**values)


def _text(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


@pytest.fixture
def shipped(database: Database, tenants: Any) -> dict[str, Any]:
    """Eight parcels of tenant A (two shippers, one with lithium batteries in equipment) consolidated on the
    platform's CAN-GRU flights; tenant B has a shipment of its own."""
    return ship(database, tenants)


def ship(database: Database, tenants: Any) -> dict[str, Any]:
    flights = Platform(Settings(database_url=database.url), _database=database).flights(date(2026, 3, 2), 3)
    out: dict[str, Any] = {}
    for tenant, first, count in ((tenants.a, 1000, 8), (tenants.b, 5000, 1)):
        parcels = [
            _parcel(tenant, n, dangerous_goods="lithium-ion/contained-in", shc=("ELI",), handling_class="ELI")
            if n == 3
            else _parcel(tenant, n)
            for n in range(count)
        ]
        if tenant == tenants.b:
            parcels = [_parcel(tenant, 0, id="CASA-D0")]
        with database.unit_of_work() as uow:
            service.add_awb_range(uow, tenant, StockRange("784", first, first + 99), AT)
            ids = service.add_parcels(uow, tenant, parcels, AT)
            result = service.consolidate_and_issue(uow, tenant, ids, flights, AT)
            uow.commit()
        out[tenant] = result.shipments
    return out


def test_documents_print_awbs_ulds_portuguese_and_chinese(api, tenants, shipped) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    ship = shipped[tenants.a][0]
    detail = api.get(f"/shipments/{ship['id']}", headers=h).json()
    ulds = [u["id"] for u in detail["plan"]["ulds"]]
    assert ulds and all(u.startswith("U") for u in ulds)

    r = api.get(
        f"/shipments/{ship['id']}/documents/consolidation-list.pdf", params={"lang": "pt-BR"}, headers=h
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert f"{ship['mawb']}-consolidation-list-pt-BR.pdf" in r.headers["content-disposition"]
    text = _text(r.content)
    assert "Lista de consolidação" in text and "Expedidor" in text and "Códigos SH" in text
    assert ship["mawb"] in text and "330499" in text and "ELI" in text
    assert GOODS in text and SHIPPER in text and "玻尿酸精华液" in text
    for hawb in detail["hawbs"]:
        assert hawb in text

    zh = _text(
        api.get(
            f"/shipments/{ship['id']}/documents/consolidation-list.pdf", params={"lang": "zh-CN"}, headers=h
        ).content
    )
    assert "集拼清单" in zh and "分运单" in zh and GOODS in zh

    manifest = api.get(
        f"/shipments/{ship['id']}/documents/flight-manifest.pdf", params={"lang": "es"}, headers=h
    )
    assert manifest.status_code == 200
    text = _text(manifest.content)
    assert "Manifiesto de vuelo" in text and "Mercancías peligrosas" in text
    assert ship["mawb"] in text and detail["flight"].split("/")[0] in text
    assert all(u in text for u in ulds)
    assert "UN3481" in text and "GLOW-D3" in text  # the dangerous-goods line of the parcel with batteries

    contents = _text(api.get(f"/shipments/{ship['id']}/documents/uld-contents.pdf", headers=h).content)
    assert "ULD contents list" in contents
    bags = {p["bag"] for p in detail["parcel_refs"]}
    assert all(b in contents for b in bags if b)
    assert all(p["parcel"] in contents for p in detail["parcel_refs"])


def test_the_leg_manifest_lists_every_master_of_the_forwarder_on_it(api, tenants, shipped) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    ship = shipped[tenants.a][0]
    r = api.get(f"/flights/{ship['flight']}/manifest.pdf", params={"lang": "zh-CN"}, headers=h)
    assert r.status_code == 200, r.text
    text = _text(r.content)
    assert "航班舱单" in text and ship["mawb"] in text
    on_leg = [s["mawb"] for s in shipped[tenants.a] if s["flight"] == ship["flight"]]
    assert all(m in text for m in on_leg)
    other = shipped[tenants.b][0]["mawb"]
    assert other not in text  # another forwarder's master on the same leg is not in this one's manifest
    listed = api.get("/flights", headers=h).json()
    legs = listed["items"]
    assert listed["total"] == len(legs)
    assert ship["flight"] in [f["leg"] for f in legs]
    leg = next(f for f in legs if f["leg"] == ship["flight"])
    assert Decimal(leg["booked_kg"]) > 0 and Decimal(leg["payload_kg"]) >= Decimal(leg["booked_kg"])
    assert leg["masters"] == len(on_leg)


def test_bad_ids_are_404s_naming_what_was_not_found(api, tenants, shipped) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    r = api.get("/shipments/shp_nope/documents/flight-manifest.pdf", headers=h)
    assert r.status_code == 404 and "shipment" in r.json()["detail"] and "shp_nope" in r.json()["detail"]
    theirs = shipped[tenants.b][0]
    r = api.get(f"/shipments/{theirs['id']}/documents/consolidation-list.pdf", headers=h)
    assert r.status_code == 404 and "shipment" in r.json()["detail"]
    r = api.get("/flights/XX999/2026-03-02/CAN-GRU/manifest.pdf", headers=h)
    assert r.status_code == 404 and "flight leg" in r.json()["detail"]
    r = api.get(f"/flights/{theirs['flight']}-X/manifest.pdf", headers=h)
    assert r.status_code in (404, 422)
    r = api.get(f"/shipments/{shipped[tenants.a][0]['id']}/documents/invoice.pdf", headers=h)
    assert r.status_code == 422
    r = api.get(
        f"/shipments/{shipped[tenants.a][0]['id']}/documents/uld-contents.pdf",
        params={"lang": "fr"},
        headers=h,
    )
    assert r.status_code == 422 and "lang" in r.text


def test_a_key_without_logistics_scope_gets_no_documents(api, tenants, shipped, database: Database) -> None:  # type: ignore[no-untyped-def]
    from ponte.accounts.store import ApiKeyRepository

    with database.unit_of_work() as uow:
        _, key = ApiKeyRepository(uow.session).issue(tenants.a, "orders only", ["orders:read"])
        uow.commit()
    ship = shipped[tenants.a][0]
    r = api.get(f"/shipments/{ship['id']}/documents/flight-manifest.pdf", headers=tenants.headers(key))
    assert r.status_code == 403


def test_dangerous_goods_lines_follow_the_dated_rules() -> None:
    alone = Piece(
        "P1", "H1", "B000001", "U00001", Decimal(2), Decimal("0.006"), dangerous_goods="lithium-ion/alone"
    )
    assert dg_lines(alone, date(2026, 3, 2)) == [("UN3480", "Lithium ion batteries", "965")]
    inside = Piece(
        "P2", "H1", None, "U00001", Decimal(1), Decimal(0), dangerous_goods="lithium-metal/contained-in"
    )
    assert dg_lines(inside, date(2026, 3, 2)) == [
        ("UN3091", "Lithium metal batteries contained in equipment", "970")
    ]
    iced = Piece("P3", "H1", None, "U00001", Decimal(3), Decimal(0), dry_ice_kg=Decimal("2.5"))
    assert dg_lines(iced, date(2026, 3, 2)) == [("UN1845", "Dry ice, 2.5 kg", "954")]
    assert dg_lines(Piece("P4", "H1", None, "U00001", Decimal(1), Decimal(0)), date(2026, 3, 2)) == []


def test_a_connecting_uld_is_on_the_manifest_of_both_legs() -> None:
    legs = ("CA873/2026-03-02/CAN-MAD", "IB6651/2026-03-03/MAD-BOG")
    uld = UldLine("U00001", "PMC", 2, Decimal("140.5"), Decimal("1.2"), legs)
    m = Master(
        "784-10000011",
        "CAN",
        "BOG",
        AT,
        AT,
        legs,
        (HouseLine("H78410000011001", "Loja São João", 1, Decimal(5)),),
        (uld,),
        (
            Piece(
                "P1",
                "H78410000011001",
                "B000001",
                "U00001",
                Decimal(5),
                Decimal("0.01"),
                goods="Pão de queijo",
            ),
        ),
    )
    doc = flight_manifest([(Leg(k), [m]) for k in legs], "pt-BR", AT)
    assert len(doc.pages) == 2
    for page in doc.pages:
        ulds = page[1]
        assert ulds.rows[0][0] == "U00001" and ulds.rows[0][2] == "784-10000011"
    assert "Pão de queijo" in doc.texts()


def test_the_cli_writes_a_shipments_documents(sqlite_database: Database, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from ponte import bootstrap
    from ponte.cli import app

    tenants = seed_tenants(sqlite_database)
    shipment = ship(sqlite_database, tenants)[tenants.a][0]
    monkeypatch.setenv("PONTE_DATABASE_URL", sqlite_database.url)
    bootstrap.reset()
    try:
        out = tmp_path / "docs"
        res = CliRunner().invoke(
            app,
            [
                "documents",
                shipment["id"],
                "--tenant",
                "beleza",
                "--out",
                str(out),
                "--lang",
                "pt-BR",
                "--json",
            ],
        )
        assert res.exit_code == 0, res.output
        files = json.loads(res.output)["files"]
        assert sorted(files) == ["consolidation-list", "flight-manifest", "uld-contents"]
        text = _text((out / f"{shipment['mawb']}-flight-manifest-pt-BR.pdf").read_bytes())
        assert "Manifesto de voo" in text and "Artigos perigosos" in text and shipment["mawb"] in text
        res = CliRunner().invoke(
            app, ["documents", "shp_nope", "--tenant", "beleza", "--out", str(out), "--kind", "uld-contents"]
        )
        assert res.exit_code == 2 and "shp_nope" in res.output and "not found" in res.output
        res = CliRunner().invoke(
            app, ["documents", shipment["id"], "--tenant", "beleza", "--out", str(out), "--kind", "cn23"]
        )
        assert res.exit_code == 2 and "consolidation-list" in res.output
    finally:
        bootstrap.reset()


def test_an_offloaded_shipment_has_no_documents_and_leaves_the_leg(
    api, tenants, shipped, database: Database
) -> None:  # type: ignore[no-untyped-def]
    h = tenants.headers(tenants.key_a)
    gone, *rest = shipped[tenants.a]
    with database.unit_of_work() as uow:
        service.offload(uow, tenants.a, gone["id"], AT)
        uow.commit()
    r = api.get(f"/shipments/{gone['id']}/documents/flight-manifest.pdf", headers=h)
    assert r.status_code == 409 and "offloaded" in r.json()["detail"]
    still = [s for s in rest if s["flight"] == gone["flight"]]
    r = api.get(f"/flights/{gone['flight']}/manifest.pdf", headers=h)
    if still:
        assert r.status_code == 200 and gone["mawb"] not in _text(r.content)
    else:
        assert r.status_code == 404
    legs = api.get("/flights", headers=h).json()["items"]
    assert gone["flight"] not in [f["leg"] for f in legs] or still  # its capacity is released

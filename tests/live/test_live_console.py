"""The streamer's control panel: paid and held apart, mm:ss, titles, actions, events, the report."""

from __future__ import annotations

from datetime import UTC, datetime

from console_client import ConsoleClient
from factories import order_payload
from ponte.api.app import create_app
from ponte.live import panel as live_panel
from ponte.live import service as live
from ponte.live.store.stock_sql import load_offer, purchase
from ponte.platform.settings import Settings
from ponte.web.i18n import Locale


def _client(stage):  # type: ignore[no-untyped-def]
    app = create_app(
        Settings(env="development", database_url=stage.database.url, log_level="WARNING"), stage.database
    )
    return ConsoleClient(app, follow_redirects=True)


def test_panel_runs_a_session_and_keeps_paid_and_held_apart(stage, tenants) -> None:  # type: ignore[no-untyped-def]
    if stage.database.engine.dialect.name != "sqlite":
        return  # the console is the same on both backends; once is enough
    with _client(stage) as client:
        client.post("/login", data={"api_key": tenants.key_a, "next": "/live"})
        listing = client.get("/live", params={"lang": "pt-BR"})
        assert listing.status_code == 200 and "Beauty hall tour" in listing.text
        assert ">live<" not in listing.text
        started = client.post(f"/live/{stage.session_id}/start")
        assert started.status_code == 200 and Locale("pt-BR").gettext("End the session") in started.text
        # every rule of a bad offer at once, in plain words, beside its field
        bad = client.post(
            f"/live/{stage.session_id}/offers",
            data={
                "sku": stage.sku,
                "price": "abc",
                "quantity_cap": "0",
                "per_buyer_limit": "",
                "minutes": "5",
            },
        )
        assert bad.status_code == 422
        assert bad.text.count('class="error"') == 3 and "range 1.." not in bad.text
        made = client.post(
            f"/live/{stage.session_id}/offers",
            data={
                "sku": stage.sku,
                "price": "59,90",
                "quantity_cap": "10",
                "per_buyer_limit": "2",
                "minutes": "10",
            },
        )
        assert made.status_code == 200, made.text
        assert 'id="countdown"' in made.text and "Batom" not in made.text  # no pt-BR title: English
        assert "Lipstick" in made.text and "R$" not in made.text
        text = made.text
        assert ">10:00<" in text or ">09:59<" in text  # mm:ss, not raw seconds
        at = datetime.now(UTC)
        with stage.database.unit_of_work() as uow:
            view = live_panel.panel(uow, stage.tenant_id, stage.session_id, at)
        offer = load_offer(stage.database, stage.tenant_id, view.offers[0].id)
        assert offer.terms.price == view.offers[0].price == __import__("decimal").Decimal("59.90")
        held = purchase(stage.database, offer, "v1", 2, at)
        purchase(stage.database, offer, "v2", 1, at)
        details = {
            k: order_payload("LIVE-9")[k]
            for k in ("external_ref", "destination", "destination_region", "buyer")
        }
        details["payment"] = {"transaction_id": "2026111122001400009"}
        with stage.database.unit_of_work() as uow:
            live.pay_reservation(uow, stage.tenant_id, held.reservation_id, details, datetime.now(UTC))
            uow.commit()
        figures = client.get(f"/live/{stage.session_id}/figures", params={"lang": "pt-BR"}).json()
        assert figures["paid"] == {"orders": 1, "units": 2, "gmv": "119.80"}
        assert figures["held"]["orders"] == 1 and figures["held"]["units"] == 1
        assert figures["text"]["paid-gmv"] == Locale("pt-BR").money(
            __import__("decimal").Decimal("119.80"), "CNY"
        )
        assert figures["offers"][offer.id]["left"] == 7
        stream = client.get(f"/live/{stage.session_id}/events", params={"count": 1})
        assert stream.text.startswith("event: figures\ndata: {")
        closed = client.post(f"/live/{stage.session_id}/offers/{offer.id}/close")
        assert closed.status_code == 200
        ended = client.post(f"/live/{stage.session_id}/end")
        assert ended.status_code == 200 and "report-figures" in ended.text
        client.post("/logout")
        client.post("/login", data={"api_key": tenants.key_b, "next": "/live"})
        assert stage.session_id not in client.get("/live").text
        assert client.get(f"/live/{stage.session_id}").status_code == 404
        assert client.post(f"/live/{stage.session_id}/start").status_code == 404

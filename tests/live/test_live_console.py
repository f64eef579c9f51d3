"""The console's live wall: pinned offer, countdown, figures refreshed by htmx."""

from __future__ import annotations

from conftest import NOW
from console_client import ConsoleClient
from ponte.api.app import create_app
from ponte.live.store.repository import LiveRepository
from ponte.live.store.stock_sql import purchase
from ponte.platform.settings import Settings


def test_wall_shows_pinned_offer_and_figures(stage, tenants) -> None:  # type: ignore[no-untyped-def]
    if stage.database.engine.dialect.name != "sqlite":
        return  # the console is the same on both backends; once is enough
    offer = stage.offer(cap=10)
    purchase(stage.database, offer, "v1", 2, NOW)
    with stage.database.unit_of_work() as uow:
        LiveRepository(uow.session, stage.tenant_id).pin(stage.session_id, offer.id)
        uow.commit()
    app = create_app(
        Settings(env="development", database_url=stage.database.url, log_level="WARNING"), stage.database
    )
    with ConsoleClient(app, follow_redirects=True) as client:
        client.post("/login", data={"api_key": tenants.key_a, "next": "/live"})
        listing = client.get("/live")
        assert listing.status_code == 200 and "Beauty hall tour" in listing.text
        wall = client.get(f"/live/{stage.session_id}")
        assert wall.status_code == 200 and "LIP-01" in wall.text and 'id="countdown"' in wall.text
        part = client.get(f"/live/{stage.session_id}/figures")
        assert 'hx-trigger="every 2s"' in part.text and ">8<" in part.text  # units left
        client.post("/logout")
        client.post("/login", data={"api_key": tenants.key_b, "next": "/live"})
        assert stage.session_id not in client.get("/live").text
        assert client.get(f"/live/{stage.session_id}").status_code == 404

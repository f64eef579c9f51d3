"""`ponte demo`: a demo corpus in the database (`ponte keys` is in cli/keys.py)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from ponte.accounts import service as accounts
from ponte.accounts.core import parse_prefix
from ponte.bootstrap import platform
from ponte.cli.output import console, emit_json, emit_table
from ponte.platform import migrate

KEYS_FILE = Path("var/demo-keys.json")


def demo(
    orders: Annotated[int, typer.Option(min=1, max=2_000_000, help="orders to simulate")] = 6_000,
    seed: Annotated[int, typer.Option(min=0, help="seed of the simulation")] = 2026,
    start: Annotated[str, typer.Option(help="first day of orders (YYYY-MM-DD)")] = "2026-08-01",
    days: Annotated[int, typer.Option(min=1, max=3660)] = 90,
    sellers: Annotated[int, typer.Option(min=1, max=400)] = 12,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
) -> None:
    """Load the demo corpus (idempotent: an existing demo is kept)."""
    from ponte.simulate.core import simulate  # lazy: numpy and pyarrow only when loading the demo
    from ponte.simulate.demo import live_now, walk_orders  # lazy: as above
    from ponte.simulate.load import load_corpus  # lazy: as above
    from ponte.simulate.warehouses import load_demo_warehouses  # lazy: as above

    url = platform().settings.database_url
    migrate.upgrade(url)
    database = platform().database
    with database.unit_of_work() as uow:
        loaded_before = any(t.slug == "demo-park" for t in accounts.tenants_with_prefix(uow, "demo-park"))
    if loaded_before:
        result = {"loaded": False, "reason": "the demo corpus is already loaded", "keys_file": str(KEYS_FILE)}
    else:
        with console.status(f"simulating {orders:,} orders"):
            tables = simulate(seed, orders, date.fromisoformat(start), days, sellers)
        with console.status("loading into the database"):
            loaded = load_corpus(database, tables)
        with console.status("stocking the warehouses"):
            today = platform().clock.now().date()
            loaded.counts.update(
                {
                    f"warehouse_{k}": v
                    for k, v in load_demo_warehouses(platform().warehouses, tables, today, seed).items()
                }
            )
        with console.status("walking orders along their journey, going live"):
            at = datetime.now(UTC)
            with database.unit_of_work() as uow:
                first = accounts.tenant_id_of(uow, "demo-001")
            loaded.counts["journey"] = sum(walk_orders(database, platform().journey, first, at).values())
            on_air = live_now(database, first, at)
            loaded.counts["live_reservations"] = on_air.held
        KEYS_FILE.parent.mkdir(parents=True, exist_ok=True)
        KEYS_FILE.write_text(json.dumps(loaded.keys, indent=2))
        KEYS_FILE.chmod(0o600)
        result = {"loaded": True, "counts": loaded.counts, "keys_file": str(KEYS_FILE)}
    platform().close()
    if as_json:
        emit_json(result)
        return
    if result["loaded"]:
        emit_table("Demo corpus", ["records", "count"], sorted(loaded.counts.items()))
    else:
        console.print(result["reason"])
    if KEYS_FILE.exists():
        # the secrets stay in the file (readable by its owner only); the screen shows the operator's key masked
        park_key = json.loads(KEYS_FILE.read_text()).get("demo-park", "")
        console.print(f"API keys of the demo tenants: {KEYS_FILE} (park operator: {masked_key(park_key)})")


def masked_key(key: str) -> str:
    """``pk_<prefix>_…``: enough to recognise a key, never enough to use it."""
    prefix = parse_prefix(key)
    return f"pk_{prefix}_…" if prefix else "…"

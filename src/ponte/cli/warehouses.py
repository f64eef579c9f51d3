"""`ponte replenish`: the replenishment shipments to send now, per SKU and warehouse, with their cost (and,
with ``--backtest``, the forecast's errors against the naive baselines); `ponte warehouses list|stock`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ponte.accounts import service as accounts
from ponte.bootstrap import platform
from ponte.cli.output import emit_json, emit_table, guarded
from ponte.warehouses.views import plain

app = typer.Typer(help="Warehouses and their stock.", no_args_is_help=True)
Tenant = Annotated[str, typer.Option("--tenant", help="Tenant slug (the name people type).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def _tenant(slug: str) -> str:
    with platform().database.unit_of_work(readonly=True) as uow:
        return accounts.tenant_id_of(uow, slug)


def replenish(
    tenant: Tenant,
    warehouse: Annotated[
        str | None, typer.Option("--warehouse", help="One warehouse's code (all by default).")
    ] = None,
    service_level: Annotated[float, typer.Option("--service-level", min=0.5, max=0.999)] = 0.95,
    review_days: Annotated[int, typer.Option("--review-days", min=1, max=90)] = 7,
    mode: Annotated[
        str | None, typer.Option("--mode", help="First leg by air or sea (sea by default).")
    ] = None,
    backtest: Annotated[
        bool, typer.Option("--backtest", help="Also backtest the forecast per warehouse.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Suggested replenishment shipments: forecast demand, safety stock for the service level over the first
    leg's lead time, what is on hand and on the way, and the shipment's freight and import duties."""
    service = platform().warehouses
    tenant_id = _tenant(tenant)
    items = service.replenishment(tenant_id, warehouse, service_level, review_days, mode)
    result: dict[str, Any] = {"service_level": service_level, "items": plain(items)}
    if backtest:
        codes = sorted({s.warehouse_code for s in items})
        result["backtest"] = {code: plain(service.backtest(tenant_id, code)) for code in codes}
    if as_json:
        emit_json(result)
        return
    emit_table(
        f"Replenishment at service level {service_level:.0%}",
        [
            "warehouse",
            "sku",
            "mode",
            "lead d",
            "forecast/d",
            "safety",
            "up to",
            "avail",
            "inbound",
            "ship",
            "freight",
            "duties",
            "cost",
        ],
        [
            [
                s.warehouse_code,
                s.sku,
                s.mode,
                s.lead_days,
                f"{s.daily_forecast:.1f}",
                s.safety_stock,
                s.order_up_to,
                s.available,
                s.inbound,
                s.quantity,
                s.freight or "-",
                s.duties or "-",
                f"{s.total_cost} {s.currency}" if s.total_cost else "-",
            ]
            for s in items
        ],
    )
    for code, bt in result.get("backtest", {}).items():
        typer.echo(
            f"{code}: MASE "
            + ", ".join(f"{k} {v}" for k, v in bt["mase"].items())
            + "; sMAPE % "
            + ", ".join(f"{k} {v}" for k, v in bt["smape"].items())
        )


@app.command("list")
@guarded
def list_warehouses(tenant: Tenant, as_json: AsJson = False) -> None:
    """The tenant's warehouses."""
    rows = platform().warehouses.warehouses(_tenant(tenant))
    if as_json:
        emit_json({"items": plain(rows)})
        return
    emit_table(
        "Warehouses",
        ["code", "name", "country", "trade mode", "bonded", "cut-off", "zones"],
        [
            [
                w.code,
                w.name,
                w.country,
                w.trade_mode,
                "yes" if w.bonded else "no",
                w.cut_off_local or "-",
                ", ".join(w.temperature_zones),
            ]
            for w in rows
        ],
    )


@app.command("stock")
@guarded
def stock(
    tenant: Tenant,
    warehouse: Annotated[str | None, typer.Option("--warehouse", help="One warehouse's code.")] = None,
    as_json: AsJson = False,
) -> None:
    """Stock per warehouse and SKU, with its cover in days of demand."""
    rows = platform().warehouses.stock(_tenant(tenant), warehouse)
    if as_json:
        emit_json({"items": plain(rows)})
        return
    emit_table(
        "Stock",
        ["warehouse", "sku", "available", "reserved", "on hand", "expired", "inbound", "demand/d", "cover d"],
        [
            [
                r.warehouse_code,
                r.sku,
                r.available,
                r.reserved,
                r.on_hand,
                r.expired,
                r.inbound,
                f"{r.daily_demand:.1f}",
                "-" if r.cover_days is None else f"{r.cover_days:.0f}",
            ]
            for r in rows
        ],
    )

"""`ponte fulfil`: how each order ships — the options it has and the one its seller's rules choose.

ponte fulfil orders.parquet [--stock stock.csv] [--settings settings.json] [--out choices.parquet] [--json]
ponte fulfil --db --tenant TENANT ORDER_ID... [--json]         # stored orders (stock from the warehouses)
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import typer

from ponte.bootstrap import platform
from ponte.cli.output import emit_json, emit_table
from ponte.fulfilment import service
from ponte.kernel.errors import ValidationError


def _settings(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"cannot read {path}: {exc}", field="--settings", rule="json") from None
    if not isinstance(data, dict):
        raise ValidationError("a JSON object with rules and imports", field="--settings", rule="object")
    return data


def fulfil(
    orders: list[str] = typer.Argument(
        None, help="ORDERS file (Ponte's orders dataset), or order ids with --db"
    ),
    db: bool = typer.Option(False, "--db", help="choose for stored orders of --tenant (ids as arguments)"),
    tenant: str = typer.Option(None, "--tenant", help="with --db: the tenant whose orders these are"),
    stock: Path | None = typer.Option(None, "--stock", help="stock positions CSV (with an ORDERS file)"),
    settings: Path | None = typer.Option(
        None, "--settings", help="rules and import facts JSON (with a file)"
    ),
    out: Path | None = typer.Option(None, "--out", help="write the choice per order (.csv or .parquet)"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The fulfilment choice per order (direct parcel 9610, B2B 9710, overseas warehouse 9810, bonded 1210)
    with its landed cost, logistics cost and promised date, and a summary."""
    p = platform()
    if db:
        if not tenant:
            raise ValidationError("--db needs --tenant", field="--tenant", rule="required")
        if not orders:
            raise ValidationError("name at least one order id", field="ORDERS", rule="required")
        with p.database.unit_of_work(readonly=True) as uow:
            choices = service.options_of(uow, tenant, orders, p.fulfilment)
        rows = [c.as_dict() for c in choices]
        found: dict[str, Any] = {"orders": len(rows), "chosen": sum(1 for r in rows if r["chosen"])}
        if as_json:
            emit_json({"summary": found, "choices": rows})
            return
        emit_table(
            "Fulfilment choice",
            ["order", "chosen", "reason", "why"],
            [[r["order_id"], r["chosen"] or "-", r["reason"], r["why"][:90]] for r in rows],
        )
        return
    if not orders or len(orders) != 1:
        raise ValidationError(
            "name one ORDERS file (or use --db with order ids)", field="ORDERS", rule="required"
        )
    sites = service.read_stock(stock) if stock is not None else []
    started = time.perf_counter()
    result = service.choose_file(Path(orders[0]), p.fulfilment, sites=sites, data=_settings(settings))
    summary: dict[str, Any] = {**result.summary(), "seconds": round(time.perf_counter() - started, 3)}
    if out is not None:
        if out.suffix.lower() == ".csv":
            pacsv.write_csv(result.table, out)
        else:
            pq.write_table(result.table, out)
        summary["out"] = str(out)
    if as_json:
        emit_json({"summary": summary, **({} if out else {"choices": result.table.to_pylist()})})
        return
    table = result.table.slice(0, 50).to_pylist()
    emit_table(
        f"Fulfilment choice (first {len(table)} of {result.table.num_rows})",
        ["order", "chosen", "reason", "total", "days", "promised"],
        [[r["order_id"], r["chosen"] or r["error"] or "-", r["reason"] or "", f"{r['total_cost'] or ''} {r['currency'] or ''}",
          r["delivery_days"] if r["delivery_days"] is not None else "", r["promised"] or ""] for r in table],
    )  # fmt: skip
    emit_table("Summary", list(summary), [[str(v) for v in summary.values()]])

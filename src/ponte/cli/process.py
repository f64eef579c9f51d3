"""`ponte process ORDERS.parquet... --out DIR`: a day (or days) of orders through the whole flow.

Quotes every line, chooses the fulfilment, packs the parcels, consolidates each day's air parcels onto flights
(house and master waybills from --awb-stock), writes the China customs messages of every booked order (signed
with --key/--cert, otherwise written unsigned and counted so), the documents' data and a report. Stopped or
killed, the same command goes on where it was. See docs/pipeline.md."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import typer
import yaml
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ponte.batch import database as database_mode
from ponte.batch.context import build_context
from ponte.batch.inputs import read_inputs
from ponte.batch.job import Progress as JobProgress
from ponte.batch.job import run
from ponte.batch.runners import PoolRunner, SerialRunner
from ponte.bootstrap import platform
from ponte.cli.output import emit_json, emit_table
from ponte.customs import service as customs
from ponte.customs.china.profile import CustomsProfile
from ponte.customs.china.signer import demo_credentials
from ponte.fulfilment import service as fulfilment
from ponte.kernel.errors import ValidationError
from ponte.platform.db import Database

ENGINES = ("local", "processes", "dask")


def _days(values: list[str]) -> set[date] | None:
    out = set()
    for raw in ",".join(values).split(","):
        if raw.strip():
            try:
                out.add(date.fromisoformat(raw.strip()))
            except ValueError:
                raise ValidationError(
                    f"{raw!r} is not a date YYYY-MM-DD", field="--days", rule="iso-date"
                ) from None
    return out or None


def _stock(specs: list[str]) -> tuple[tuple[str, int, int], ...]:
    ranges = []
    for spec in specs:
        try:
            prefix, rng = spec.split(":")
            lo, hi = (int(x) for x in rng.split("-"))
        except ValueError:
            raise ValidationError(
                f"{spec!r} is not PREFIX:FIRST-LAST", field="--awb-stock", rule="format"
            ) from None
        ranges.append((prefix.strip(), lo, hi))
    return tuple(ranges)


def _profile(path: Path | None) -> CustomsProfile | None:
    if path is None:
        return None
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except OSError as exc:
        raise ValidationError(
            f"{path}: cannot read ({exc.strerror})", field="--profile", rule="readable"
        ) from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValidationError(f"{path}: not YAML or JSON ({exc})", field="--profile", rule="yaml") from None
    return customs.profile_from(data, path.name)


def _signing(key: Path | None, cert: Path | None, demo_key: bool) -> tuple[bytes | None, bytes | None]:
    if bool(key) != bool(cert):
        raise ValidationError("give --key and --cert together", field="--key", rule="pair")
    if key and cert:
        return key.read_bytes(), cert.read_bytes()
    if demo_key:
        if platform().settings.env != "development":
            raise ValidationError(
                "the demo key exists only with PONTE_ENV=development",
                field="--demo-key",
                rule="development-only",
            )
        return demo_credentials()
    return None, None


def _runner(engine: str, workers: int, scheduler: str | None) -> Any:
    if engine not in ENGINES:
        raise ValidationError(f"--engine is one of {', '.join(ENGINES)}", field="--engine", rule="engine")
    if engine == "dask":
        if not scheduler:
            raise ValidationError(
                "--engine dask needs --scheduler tcp://HOST:PORT", field="--scheduler", rule="required"
            )
        from ponte.batch.runners.dask import DaskRunner  # lazy: distributed is heavy to import

        return DaskRunner(scheduler)
    if engine == "local" or workers == 1:
        return SerialRunner()
    return PoolRunner(workers or os.cpu_count() or 1)


def _utc_day(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), time(0), UTC)
    except ValueError:
        raise ValidationError(f"{value!r} is not a date YYYY-MM-DD", field=name, rule="iso-date") from None


def _selection(
    tenant: str | None, day: str | None, since: str | None, until: str | None, status: str
) -> database_mode.Selection:
    if not tenant:
        raise ValidationError("--database needs --tenant SLUG", field="--tenant", rule="required")
    if day and (since or until):
        raise ValidationError("give --day, or --since/--until, not both", field="--day", rule="one-of")
    start, end = _utc_day(day or since, "--day" if day else "--since"), _utc_day(until, "--until")
    if day and start is not None:
        end = start + timedelta(days=1)
    return database_mode.Selection(tenant, start, end, status)


def process(
    orders: list[Path] = typer.Argument(
        None, help="orders datasets (orders.parquet with its companions); none with --database"
    ),
    out: Path = typer.Option(
        ..., "--out", help="output folder (results/, messages/, plan/, rejects/, report/)"
    ),
    days: list[str] = typer.Option(
        [], "--days", help="only these days, YYYY-MM-DD (repeatable or comma list)"
    ),
    window: int = typer.Option(7, "--window", min=1, max=30, help="days of flights a day's parcels may take"),
    profile: Path = typer.Option(
        None, "--profile", help="customs profile (YAML/JSON): the declaring parties"
    ),
    stock: Path = typer.Option(None, "--stock", help="warehouse stock CSV the fulfilment choice may use"),
    awb_stock: list[str] = typer.Option([], "--awb-stock", help="AWB serials PREFIX:FIRST-LAST (repeatable)"),
    key: Path = typer.Option(None, "--key", help="PEM private key (RSA) that signs the signed kinds"),
    cert: Path = typer.Option(None, "--cert", help="PEM certificate of the key"),
    demo_key: bool = typer.Option(False, "--demo-key", help="sign with a throw-away key (development only)"),
    engine: str = typer.Option("processes", "--engine", help="local (one process), processes, or dask"),
    workers: int = typer.Option(
        0, "--workers", min=0, help="processes for --engine processes (0: every core)"
    ),
    scheduler: str = typer.Option(None, "--scheduler", help="Dask scheduler address, tcp://HOST:PORT"),
    as_json: bool = typer.Option(False, "--json", help="print the summary as JSON"),
    database: str = typer.Option(
        None, "--database", help="read the orders from this database and write their journey back"
    ),
    tenant: str = typer.Option(None, "--tenant", help="with --database: the tenant's slug"),
    day: str = typer.Option(None, "--day", help="with --database: orders placed on this day (UTC)"),
    since: str = typer.Option(None, "--since", help="with --database: placed on or after this day (UTC)"),
    until: str = typer.Option(None, "--until", help="with --database: placed before this day (UTC)"),
    status: str = typer.Option(
        "quoted", "--status", help="with --database: orders in this state (placed, quoted or held)"
    ),
) -> None:
    """Quote, fulfil, pack, consolidate, issue waybills, declare and report a day's orders; resumable."""
    wanted = _days(days)
    key_pem, cert_pem = _signing(key, cert, demo_key)
    store: Database | None = None
    if database:
        if orders:
            raise ValidationError("give orders files or --database, not both", field="ORDERS", rule="one-of")
        store = Database(database)
        tenant_id, inputs = database_mode.read_orders(store, _selection(tenant, day, since, until, status))
        if wanted:
            inputs.parts = {p: t for p, t in inputs.parts.items() if p.day in wanted}
    else:
        if not orders:
            raise ValidationError("give orders files, or --database", field="ORDERS", rule="orders-required")
        inputs = read_inputs(orders, wanted)
    span = inputs.days()
    if span is None:
        if store is not None:  # nothing selected is left to do (a rerun finds its orders moved)
            doc = {"orders": 0, "database": {"partitions": 0, "moved": {}}, "out": str(out)}
            if as_json:
                emit_json(doc)
            else:
                typer.echo(f"no {status} orders of {tenant} to process")
            return
        raise ValidationError("no readable orders", field="ORDERS", rule="orders-required")
    ctx = build_context(
        span,
        window_days=window,
        profile=_profile(profile),
        awb_ranges=_stock(awb_stock),
        key_pem=key_pem,
        cert_pem=cert_pem,
        sites=tuple(fulfilment.read_stock(stock)) if stock else (),
    )
    runner = _runner(engine, workers, scheduler)
    back = (
        database_mode.WriteBack(store, tenant_id, inputs, out, ctx, datetime.now(UTC))
        if store is not None
        else None
    )
    total = inputs.orders
    with Progress(
        TextColumn("[bold]{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]} orders/s"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        disable=as_json,
    ) as bar:
        tasks = {kind: bar.add_task(kind, total=total, rate="-") for kind in ("prepare", "plan", "finish")}

        def tick(kind: str, _key: str, n: int) -> None:
            bar.advance(tasks[kind], n)
            task = bar.tasks[tasks[kind]]
            speed = task.speed
            bar.update(tasks[kind], rate=f"{speed:,.0f}" if speed else "-")

        try:
            summary = run(inputs, out, ctx, runner, JobProgress(back.progress(tick) if back else tick))
            if back is not None:
                back.pending()  # partitions finished by an earlier run
        except KeyboardInterrupt:
            bar.stop()
            typer.echo(f"stopped: finished work is kept in {out}; run the same command to go on", err=True)
            raise typer.Exit(130) from None
    doc = {
        "orders": summary.orders,
        "partitions": summary.partitions,
        "days": summary.days,
        "ran": summary.ran,
        "skipped": summary.skipped,
        "seconds": round(summary.seconds, 3),
        "orders_per_second": round(summary.orders / summary.seconds, 1) if summary.seconds else None,
        "engine": runner.name,
        "workers": runner.workers,
        "report": summary.report,
        "out": str(out),
    }
    if back is not None:
        doc["database"] = back.written.as_dict()
    if as_json:
        emit_json(doc)
        return
    r = summary.report
    emit_table(
        f"{summary.orders} orders, {summary.partitions} partitions, {summary.days} days -> {out}",
        ["seconds", "orders/s", "verdicts", "shipping", "customs", "rejects"],
        [
            [
                doc["seconds"],
                doc["orders_per_second"],
                " ".join(f"{k}={v}" for k, v in r.get("verdicts", {}).items()),
                " ".join(f"{k}={v}" for k, v in r.get("shipping", {}).items()),
                " ".join(f"{k}={v}" for k, v in r.get("customs", {}).items()),
                sum(r.get("rejects", {}).values()),
            ]
        ],
    )
    if back is not None:
        w = back.written.as_dict()
        moved = " ".join(f"{k}={v}" for k, v in w["moved"].items()) or "none"
        typer.echo(
            f"written back: {w['partitions']} partitions, orders moved: {moved}, unchanged {w['unchanged']}"
        )

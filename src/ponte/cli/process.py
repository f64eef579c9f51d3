"""`ponte process ORDERS.parquet --out DIR`: a batch of orders through the flow, partition by partition."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import typer

from ponte.cli.output import emit_json, emit_table, fail
from ponte.kernel.errors import PonteError, ValidationError


def _days(values: list[str]) -> list[date] | None:
    if not values:
        return None
    out = []
    for raw in ",".join(values).split(","):
        if not raw.strip():
            continue
        try:
            out.append(date.fromisoformat(raw.strip()))
        except ValueError:
            raise ValidationError(
                f"{raw!r} is not a date YYYY-MM-DD", field="--days", rule="iso-date"
            ) from None
    return out


def _fx(values: list[str]) -> tuple[tuple[str, str], ...]:
    out = []
    for raw in values:
        pair, _, rate = raw.partition("=")
        if "/" not in pair or not rate:
            raise ValidationError(f"{raw!r} is not BASE/QUOTE=RATE", field="--fx", rule="format")
        out.append((pair.strip().upper(), rate.strip()))
    return tuple(out)


def process(
    orders: Path = typer.Argument(
        ..., help="orders.parquet written by `ponte simulate` (with its companions)"
    ),
    out: Path = typer.Option(
        ..., "--out", help="output folder (quotes/, customs/, plans/, done/, summary.json)"
    ),
    days: list[str] = typer.Option(
        [], "--days", help="only these days (YYYY-MM-DD, repeatable or comma list)"
    ),
    skip: list[str] = typer.Option(
        [], "--skip", help="leave out a stage: quotes, customs or plans (repeatable)"
    ),
    workers: int = typer.Option(1, "--workers", min=1, help="partitions run in this many processes"),
    fx: list[str] = typer.Option(
        [], "--fx", help="explicit rate for quoting, e.g. USD/EUR=0.92 (repeatable)"
    ),
    key: Path = typer.Option(None, help="PEM private key: sign the inventory lists (603/621)"),
    cert: Path = typer.Option(None, help="PEM certificate of the key"),
    as_json: bool = typer.Option(False, "--json", help="print the summary as JSON"),
) -> None:
    """Quote, check, declare and consolidate every order, one (day, destination) partition at a time.

    Finished partitions are kept: run again after Ctrl-C and only the rest is done."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from ponte.batch import pipeline

    try:
        options = pipeline.Options(
            skip=frozenset(s.strip().lower() for raw in skip for s in raw.split(",") if s.strip()),
            fx=_fx(fx),
            key_pem=key.read_bytes() if key else None,
            cert_pem=cert.read_bytes() if cert else None,
        )
        if bool(key) != bool(cert):
            raise ValidationError("give --key and --cert together", field="--key", rule="pair")
        inputs = pipeline.read_inputs(orders)
        wanted = _days(days)
        total = sum(p.orders for p in pipeline.partitions(inputs, wanted))
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("orders"),
            TimeRemainingColumn(),
            disable=as_json,
            transient=False,
        ) as bar:
            task = bar.add_task("processing", total=total)

            def tick(part: pipeline.Partition, marker: dict[str, Any] | None) -> None:
                bar.update(
                    task,
                    advance=part.orders,
                    description=f"{part.key}{' (done before)' if marker is None else ''}",
                )

            try:
                summary = pipeline.run(inputs, out, options, days=wanted, workers=workers, on_partition=tick)
            except KeyboardInterrupt:
                bar.stop()
                typer.echo(
                    f"stopped: finished partitions are kept in {out}; run the same command to go on", err=True
                )
                raise typer.Exit(130) from None
    except PonteError as exc:
        fail(exc)
        raise typer.Exit(2) from None
    if as_json:
        emit_json(summary)
        return
    run = summary["run"]
    rate = summary["orders"] / run["seconds"] if run["seconds"] else 0.0
    emit_table(
        f"{summary['orders']} orders in {summary['finished']}/{summary['partitions']} partitions -> {out}",
        ["run", "skipped", "seconds", "orders/s", "verdicts", "customs", "parcels"],
        [
            [
                run["partitions_run"],
                run["partitions_skipped"],
                run["seconds"],
                f"{rate:,.0f}",
                " ".join(f"{k}={v}" for k, v in summary.get("verdicts", {}).items()),
                " ".join(f"{k}={v}" for k, v in summary.get("customs", {}).items()),
                " ".join(f"{k}={v}" for k, v in summary.get("parcels", {}).items()),
            ]
        ],
    )

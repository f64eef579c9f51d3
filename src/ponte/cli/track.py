"""`ponte track AWB_OR_PARCEL`: the merged tracking timeline of an air waybill, a parcel or an order; and
`ponte track --deliver-webhooks`: send the webhook deliveries that are due."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from ponte.accounts import service as accounts
from ponte.bootstrap import platform
from ponte.cli.output import emit_json, emit_table, fail
from ponte.kernel.errors import PonteError, ValidationError
from ponte.logistics import service as logistics
from ponte.webhooks import service as webhooks
from ponte.webhooks.core import RetryPolicy


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise ValidationError(f"{path} does not exist", field="events", rule="exists")
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except UnicodeDecodeError:
        raise ValidationError(f"{path} is not a UTF-8 CSV file", field="events", rule="csv") from None
    missing = [c for c in logistics.EVENT_COLUMNS if rows and c not in rows[0]]
    if not rows or missing:
        raise ValidationError(
            f"missing columns: {', '.join(missing) or 'no rows'}", field="events", rule="columns"
        )
    return rows


def timeline_from_csv(ref: str, path: Path) -> dict[str, Any]:
    return logistics.timeline_of_rows(ref, _rows(path))


def timeline_from_database(ref: str, tenant: str) -> dict[str, Any]:
    if not tenant:
        raise ValidationError("give --tenant SLUG (or --events FILE.csv)", field="tenant", rule="required")
    p = platform()
    try:
        with p.database.unit_of_work() as uow:
            return logistics.timeline(uow, accounts.tenant_id_of(uow, tenant), ref, datetime.now(UTC))
    finally:
        p.close()


def deliver_webhooks(max_attempts: int) -> dict[str, Any]:
    """Send the webhook deliveries that are due (every tenant), once; run it from a timer or loop."""
    if max_attempts < 1:
        raise ValidationError("at least one attempt", field="max_attempts", rule="min 1")
    p = platform()
    try:
        report = webhooks.deliver_due(
            p.database,
            datetime.now(UTC),
            policy=RetryPolicy(max_attempts=max_attempts),
            allow_private=p.webhooks_allow_private,
        )
        return report.as_dict()
    finally:
        p.close()


def track(
    ref: str = typer.Argument("", help="Air waybill (784-83707805), parcel reference or order id."),
    events: Path | None = typer.Option(
        None, "--events", help="CSV of events: subject, id, code, at, location [, source, flight, detail]."
    ),
    tenant: str = typer.Option("", "--tenant", help="Tenant slug, when reading from the database."),
    as_json: bool = typer.Option(False, "--json", help="Print the timeline as JSON."),
    deliver: bool = typer.Option(
        False, "--deliver-webhooks", help="Send due webhook deliveries to sellers (signed, with retries)."
    ),
    max_attempts: int = typer.Option(
        6, "--max-attempts", help="Give a delivery up after this many attempts."
    ),
) -> None:
    """The merged timeline (carrier and customs events) of an AWB or a parcel, with ETA and late flag."""
    try:
        if deliver:
            report = deliver_webhooks(max_attempts)
        else:
            if not ref:
                raise ValidationError("give an AWB or a parcel reference", field="ref", rule="required")
            result = (
                timeline_from_csv(ref, events) if events is not None else timeline_from_database(ref, tenant)
            )
    except PonteError as exc:
        fail(exc)
        raise typer.Exit(2) from None
    if deliver:
        if as_json:
            emit_json(report)
        else:
            typer.echo(
                f"delivered {report['delivered']}, retrying {report['retrying']}, failed {report['failed']}"
            )
            for line in report["errors"]:  # type: ignore[attr-defined]
                typer.echo(f"  {line}")
        return
    if as_json:
        emit_json(result)
        return
    emit_table(
        f"Tracking {result['ref']} ({result['kind']})",
        ["at (UTC)", "code", "description", "location", "subject", "source"],
        [
            [
                e["at"][:16],
                e["code"],
                e["description"],
                e["location"],
                f"{e['subject']} {e['id']}",
                e["source"],
            ]
            for e in result["events"]
        ],
    )
    if result["eta"]:
        flag = f"LATE ({', '.join(result['reasons'])})" if result["late"] else "on time"
        typer.echo(f"ETA {result['eta'][:16]} UTC - {flag}")

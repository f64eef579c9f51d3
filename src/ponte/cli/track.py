"""`ponte track AWB_OR_PARCEL`: the merged tracking timeline of an air waybill or a parcel."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from ponte.cli.output import emit_json, emit_table, fail
from ponte.kernel.errors import NotFoundError, PonteError, ValidationError, Violation

COLUMNS = ("subject", "id", "code", "at", "location")
_INDEX = re.compile(r"^events\[(\d+)\]")


def events_from_csv(path: Path) -> list[Any]:
    """Tracking events from a CSV (subject, id, code, at, location and optionally source, flight, detail),
    each validated and each subject's events in order; violations name ``events[i].<column>`` (row i)."""
    from ponte.logistics.awb import AwbNumber
    from ponte.logistics.tracking import TrackingEvent, validate_order

    if not path.is_file():
        raise ValidationError(f"{path} does not exist", field="events", rule="exists")
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    missing = [c for c in COLUMNS if rows and c not in rows[0]]
    if not rows or missing:
        raise ValidationError(
            f"missing columns: {', '.join(missing) or 'no rows'}", field="events", rule="columns"
        )
    events: list[TrackingEvent] = []
    problems: list[Violation] = []
    for i, r in enumerate(rows):
        f = f"events[{i}]"
        try:
            try:
                at = datetime.fromisoformat(r["at"].strip())
            except ValueError:
                raise ValidationError(
                    f"{r['at']!r} is not an ISO 8601 time", field=f"{f}.at", rule="iso-datetime"
                ) from None
            subject, ref = r["subject"].strip().lower(), r["id"].strip()
            if subject == "awb":
                ref = str(AwbNumber.parse(ref, field=f"{f}.id"))
            if not ref:
                raise ValidationError(
                    "an event needs the id of its subject", field=f"{f}.id", rule="required"
                )
            extra = {k: (r.get(k) or "").strip() for k in ("flight", "detail")}
            events.append(
                TrackingEvent.of(
                    subject,
                    ref,
                    r["code"].strip().upper(),
                    at.astimezone(UTC) if at.tzinfo else at,
                    r["location"].strip().upper(),
                    field=f,
                    source=(r.get("source") or "csv").strip(),
                    **extra,
                )
            )
        except ValidationError as exc:
            problems += exc.violations
    if problems:
        raise ValidationError.of(problems)
    groups: dict[str, list[int]] = {}
    for i, e in enumerate(events):
        groups.setdefault(e.subject_id, []).append(i)
    for indexes in groups.values():
        try:
            validate_order([events[i] for i in indexes])
        except ValidationError as exc:
            for v in exc.violations:
                m = _INDEX.match(v.field)
                row = indexes[int(m.group(1))] if m else indexes[0]
                problems.append(Violation(_INDEX.sub(f"events[{row}]", v.field), v.rule, v.message))
    if problems:
        raise ValidationError.of(problems)
    return events


def timeline_from_csv(ref: str, path: Path) -> dict[str, Any]:
    from ponte.logistics.awb import AwbNumber, is_valid_awb
    from ponte.logistics.tracking import merge_timeline, timeline_view

    events = events_from_csv(path)
    if is_valid_awb(ref):
        ref = str(AwbNumber.parse(ref))
    merged = merge_timeline([e for e in events if e.subject_id == ref])
    if not merged:
        raise NotFoundError("tracking", ref)
    return timeline_view(ref, merged[0].subject, merged)


def timeline_from_database(ref: str, tenant: str) -> dict[str, Any]:
    from ponte.accounts.store import TenantRepository
    from ponte.bootstrap import platform
    from ponte.logistics.store.shipments import timeline

    if not tenant:
        raise ValidationError("give --tenant SLUG (or --events FILE.csv)", field="tenant", rule="required")
    database = platform().database
    try:
        with database.unit_of_work() as uow:
            found = TenantRepository(uow.session).by_slug(tenant)
            if found is None:
                raise NotFoundError("tenant", tenant)
            return timeline(uow.session, found.id, ref, datetime.now(UTC))
    finally:
        platform().close()


def deliver_webhooks(max_attempts: int) -> dict[str, Any]:
    """Send the webhook deliveries that are due (every tenant), once; run it from a timer or loop."""
    from ponte.bootstrap import platform
    from ponte.logistics.store.webhooks import RetryPolicy, deliver_due

    if max_attempts < 1:
        raise ValidationError("at least one attempt", field="max_attempts", rule="min 1")
    database = platform().database
    try:
        return deliver_due(
            database, datetime.now(UTC), policy=RetryPolicy(max_attempts=max_attempts)
        ).as_dict()
    finally:
        platform().close()


def track(
    ref: str = typer.Argument("", help="Air waybill (784-83707805) or parcel reference."),
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
    if deliver:
        try:
            report = deliver_webhooks(max_attempts)
        except PonteError as exc:
            fail(exc)
            raise typer.Exit(2) from None
        if as_json:
            emit_json(report)
        else:
            typer.echo(
                f"delivered {report['delivered']}, retrying {report['retrying']}, failed {report['failed']}"
            )
            for line in report["errors"]:  # type: ignore[attr-defined]
                typer.echo(f"  {line}")
        return
    try:
        if not ref:
            raise ValidationError("give an AWB or a parcel reference", field="ref", rule="required")
        result = timeline_from_csv(ref, events) if events is not None else timeline_from_database(ref, tenant)
    except PonteError as exc:
        fail(exc)
        raise typer.Exit(2) from None
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

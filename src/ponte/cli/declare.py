"""`ponte declare`: write the China customs messages of orders, or check existing messages.

ponte declare ORDERS.parquet --profile PROFILE.yaml --plan PLAN.json --out DIR   # Ponte's orders dataset
ponte declare --db --tenant TENANT ORDER_ID... --plan PLAN.json --out DIR         # stored orders
ponte declare --check FILE...                                                     # validate CEB XML files

Each order needs its parcel and waybill: they come from the consolidation plan (`ponte consolidate
ORDERS --json`). An order that cannot be declared yet is listed with the reasons (no waybill, unpaid,
no quote for an import, ...); nothing is invented.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
import yaml

from ponte.bootstrap import platform
from ponte.cli.output import emit_json, emit_table, errors
from ponte.customs import service
from ponte.customs.adapters.plan_file import PlanEntry
from ponte.customs.china.profile import CustomsProfile
from ponte.customs.china.signer import Signer
from ponte.kernel.errors import PonteError, ValidationError, Violation
from ponte.orders import dataset
from ponte.orders import service as orders
from ponte.orders.core import Order


def _fail(exc: PonteError, as_json: bool) -> None:
    if as_json:
        emit_json({"ok": False, "error": exc.message, "violations": [v.as_dict() for v in exc.violations]})
    else:
        for v in exc.violations or [Violation("", exc.rule, exc.message)]:
            errors.print(f"[red]error[/red] {v.field}: {v.message} [dim]({v.rule})[/dim]", highlight=False)


def _profile(path: Path) -> CustomsProfile:
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except OSError as exc:
        raise ValidationError(
            f"{path}: cannot read ({exc.strerror})", field=str(path), rule="readable"
        ) from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValidationError(f"{path}: not YAML or JSON ({exc})", field=str(path), rule="yaml") from None
    return service.profile_from(data, path.name)


def _check(files: list[Path], as_json: bool) -> None:
    readable = [p for p in files if p.is_file()]
    checked = dict(
        zip(readable, service.check_messages([(str(p), p.read_bytes()) for p in readable]), strict=True)
    )
    results: list[dict[str, Any]] = [
        checked[p].as_dict()
        if p in checked
        else {"source": str(p), "ok": False, "error": "no such file", "violations": [], "message": ""}
        for p in files
    ]
    if as_json:
        emit_json(results)
    else:
        rows = []
        for r in results:
            detail = r["error"] or "; ".join(
                f"{v['field']}: {v['message']} ({v['rule']})" for v in r["violations"][:5]
            )
            rows.append([r["source"], r["message"], "ok" if r["ok"] else "INVALID", detail])
        emit_table("CEB message check", ["file", "message", "result", "problems"], rows)
    if not all(r["ok"] for r in results):
        raise typer.Exit(2)


def _dataset(path: Path) -> tuple[list[Order], list[dict[str, Any]]]:
    orders_, waiting = [], []
    for rec in dataset.records(dataset.read_tables(path)):
        if isinstance(rec, dataset.Rejected):
            waiting.append({"order_id": rec.order_id, "reasons": [v.as_dict() for v in rec.problems]})
        else:
            orders_.append(rec)
    return orders_, waiting


def _signer(key: Path | None, cert: Path | None, demo_key: bool) -> Signer | None:
    if key and cert:
        return platform().software_signer(key.read_bytes(), cert.read_bytes())
    if demo_key:
        try:
            return platform().demo_customs_signer()
        except RuntimeError as exc:
            raise ValidationError(str(exc), field="--demo-key", rule="development-only") from None
    return None


def declare(
    files: list[Path] = typer.Argument(
        None, help="ORDERS file, order ids with --db, or with --check XML files"
    ),
    out: Path = typer.Option(None, "--out", help="folder for the messages (one folder per order)"),
    plan: Path = typer.Option(None, "--plan", help="the JSON `ponte consolidate ORDERS --json` prints"),
    profile_file: Path = typer.Option(None, "--profile", help="the customs profile (YAML or JSON)"),
    db: bool = typer.Option(False, "--db", help="declare stored orders of --tenant (ids as arguments)"),
    tenant: str = typer.Option(None, "--tenant", help="with --db: the tenant whose orders these are"),
    key: Path = typer.Option(None, help="PEM private key (RSA) of the enterprise's software certificate"),
    cert: Path = typer.Option(None, help="PEM certificate of the key"),
    demo_key: bool = typer.Option(False, "--demo-key", help="sign with a throw-away key (development only)"),
    check: bool = typer.Option(False, "--check", help="validate existing CEB messages"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Write the China customs messages of each order (export 303/403/505/603, import 311/411/511/621)."""
    try:
        if check:
            if not files:
                raise ValidationError("give one or more files to check", field="FILE", rule="required")
            _check(files, as_json)
            return
        if not files or out is None:
            raise ValidationError(
                "usage: ponte declare ORDERS --out DIR [--plan PLAN.json --profile PROFILE.yaml]",
                field="ORDERS",
                rule="usage",
            )
        doc = _run(files, out, plan, profile_file, db, tenant, _signer(key, cert, demo_key))
    except PonteError as exc:
        _fail(exc, as_json)
        raise typer.Exit(2) from None
    if as_json:
        emit_json(doc)
        return
    emit_table(
        f"{doc['messages']} messages for {len(doc['declared'])} orders in {out}",
        ["order", "result"],
        [[d["order_id"], " ".join(d["messages"])] for d in doc["declared"]]
        + [[w["order_id"], "; ".join(r["message"] for r in w["reasons"][:3])] for w in doc["waiting"]],
    )


def _run(
    files: list[Path],
    out: Path,
    plan: Path | None,
    profile_file: Path | None,
    db: bool,
    tenant: str | None,
    signer: Signer | None,
) -> dict[str, Any]:
    waiting: list[dict[str, Any]] = []
    profile = _profile(profile_file) if profile_file else None
    if db:
        if not tenant:
            raise ValidationError("--db needs --tenant", field="--tenant", rule="required")
        p = platform()
        with p.database.unit_of_work() as uow:
            found = orders.load_orders(uow, tenant, [str(f) for f in files])
            if profile is None:
                profile = service.profile_for(uow, tenant)
                if signer is None:
                    signer = p.customs_signer(service.signing_material(uow, tenant))
        missing = {str(f) for f in files} - {o.id for o in found}
        waiting += [
            {"order_id": m, "reasons": [{"field": "order_id", "rule": "exists", "message": "no such order"}]}
            for m in sorted(missing)
        ]
        records = found
    else:
        if len(files) != 1:
            raise ValidationError("give one orders file", field="ORDERS", rule="usage")
        records, rejected = _dataset(files[0])
        waiting += rejected
    entries = service.read_plan(plan, {o.id: o.tenant_id for o in records}) if plan else {}
    return _write(records, entries, profile, signer, out, waiting)


def _reason(field: str, rule: str, message: str) -> dict[str, str]:
    return {"field": field, "rule": rule, "message": message}


def _write(
    records: list[Order],
    entries: dict[str, PlanEntry],
    profile: CustomsProfile | None,
    signer: Signer | None,
    out: Path,
    waiting: list[dict[str, Any]],
) -> dict[str, Any]:
    declared = []
    at = datetime.now(UTC)
    for order in records:
        entry = entries.get(order.id)
        reasons = []
        if entry is None:
            reasons.append(
                _reason("waybill", "waybill-required", "waits for its parcel and waybill (give --plan)")
            )
        elif entry.parcel is None or entry.waybill is None:
            reasons += [v.as_dict() for v in entry.problems]
        if profile is None:
            reasons.append(
                _reason("profile", "customs-profile-missing", "no customs profile (give --profile)")
            )
        if signer is None:
            reasons.append(_reason("signer", "signing-setup", "no signing key (give --key and --cert)"))
        if order.direction == "import":
            reasons.append(
                _reason(
                    "quote", "import-tax-required", "an import is declared with its frozen quote: use --db"
                )
            )
        if reasons:
            waiting.append({"order_id": order.id, "reasons": reasons})
            continue
        assert entry is not None and entry.parcel is not None and entry.waybill is not None
        assert profile is not None and signer is not None
        try:
            msgs = service.messages_for(order, entry.parcel, entry.waybill, profile, at, signer=signer)
        except PonteError as exc:
            waiting.append({"order_id": order.id, "reasons": [v.as_dict() for v in exc.violations]})
            continue
        folder = out / order.id
        folder.mkdir(parents=True, exist_ok=True)
        for name, raw in msgs.items():
            (folder / f"{name}.xml").write_bytes(raw)
        declared.append({"order_id": order.id, "messages": sorted(msgs)})
    doc = {
        "declared": declared,
        "waiting": waiting,
        "messages": sum(len(d["messages"]) for d in declared),
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), "utf-8")
    return doc

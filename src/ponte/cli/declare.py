"""`ponte declare`: write the China customs messages of a file of orders, or check existing messages.

ponte declare ORDERS_FILE --out DIR      # JSON list or JSON lines of orders
ponte declare --check FILE...            # validate CEB XML files
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError as PydanticError

from ponte.cli.output import emit_json, emit_table, fail
from ponte.customs.china.build import build
from ponte.customs.china.declare import build_order
from ponte.customs.china.orders import CustomsOrder, Transfer
from ponte.customs.china.signer import SoftwareSigner, demo_credentials
from ponte.customs.china.spec import get_spec
from ponte.customs.china.validate import check_files, validate_set
from ponte.kernel.errors import PonteError, ValidationError, Violation

SIGNED_KINDS = {"621", "623", "625", "711", "603", "605", "607", "509", "701"}


def load_orders(path: Path) -> list[CustomsOrder]:
    """Orders from a JSON list or JSON lines; every broken field is named with its order index."""
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ValidationError(
            f"cannot read {path}: {exc.strerror}", field="ORDERS_FILE", rule="readable"
        ) from None
    try:
        rows = (
            json.loads(text)
            if text.lstrip().startswith("[")
            else [json.loads(line) for line in text.splitlines() if line.strip()]
        )
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"{path} is not JSON: {exc.msg} at line {exc.lineno}", field="ORDERS_FILE", rule="json"
        ) from None
    orders, violations = [], []
    for i, row in enumerate(rows):
        try:
            orders.append(CustomsOrder.model_validate(row))
        except PydanticError as exc:
            for err in exc.errors():
                loc = "/".join(str(p) for p in err["loc"])
                violations.append(Violation(f"/{i}/{loc}", err["type"], err["msg"]))
    if violations:
        raise ValidationError.of(violations)
    return orders


def _signer(key: Path | None, cert: Path | None) -> tuple[SoftwareSigner, bool]:
    if key and cert:
        return SoftwareSigner(key.read_bytes(), cert.read_bytes(), key_name="0001"), False
    k, c = demo_credentials()
    return SoftwareSigner(k, c, key_name="DEMO"), True


def _write(
    orders: list[CustomsOrder], out: Path, transfer: Transfer, signer: SoftwareSigner, now: datetime
) -> list[dict[str, Any]]:
    summary = []
    for order in orders:
        msgs = build_order(order, transfer, now=now)
        violations = validate_set(msgs)
        if violations:
            raise ValidationError.of(
                [Violation(f"{order.order_no}:{v.field}", v.rule, v.message) for v in violations]
            )
        folder = out / order.order_no
        folder.mkdir(parents=True, exist_ok=True)
        files = []
        for kind, data in msgs.items():
            raw = build(kind, data)
            if kind in SIGNED_KINDS:
                raw = signer.sign(raw)
            name = f"{get_spec(kind).code}.xml"
            (folder / name).write_bytes(raw)
            files.append(f"{order.order_no}/{name}")
        summary.append(
            {
                "order_no": order.order_no,
                "direction": order.direction,
                "trade_mode": order.trade_mode,
                "messages": sorted(msgs),
                "files": files,
                "guids": {k: m["guid"] for k, m in msgs.items()},
            }
        )
    return summary


def declare(
    files: list[Path] = typer.Argument(None, help="ORDERS_FILE, or with --check the CEB XML files"),
    out: Path = typer.Option(None, "--out", help="folder for the messages"),
    check: bool = typer.Option(False, "--check", help="validate existing CEB messages"),
    key: Path = typer.Option(None, help="PEM private key for signing (default: a throw-away demo key)"),
    cert: Path = typer.Option(None, help="PEM certificate of the key"),
    cop_code: str = typer.Option(
        "0000000000", envvar="PONTE_CUSTOMS_COP_CODE", help="transmitting enterprise"
    ),
    cop_name: str = typer.Option("Ponte", envvar="PONTE_CUSTOMS_COP_NAME"),
    dxp_id: str = typer.Option("DXPENT0000000000", envvar="PONTE_CUSTOMS_DXP_ID"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Write the China customs messages of each order (export 303/403/505/603, import 311/411/511/621)."""
    try:
        if check:
            if not files:
                raise ValidationError("give one or more files to check", field="FILE", rule="required")
            readable = [p for p in files if p.is_file()]
            checked = dict(
                zip(readable, check_files([(str(p), p.read_bytes()) for p in readable]), strict=True)
            )
            reports = [checked.get(p) for p in files]
            results: list[dict[str, Any]] = [
                r.as_dict()
                if r
                else {"source": str(p), "ok": False, "error": "no such file", "violations": [], "message": ""}
                for p, r in zip(files, reports, strict=True)
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
            return
        if not files or len(files) != 1 or out is None:
            raise ValidationError(
                "usage: ponte declare ORDERS_FILE --out DIR", field="ORDERS_FILE", rule="usage"
            )
        orders = load_orders(files[0])
        signer, demo = _signer(key, cert)
        transfer = Transfer(cop_code=cop_code, cop_name=cop_name, dxp_id=dxp_id)
        summary = _write(orders, out, transfer, signer, datetime.now(UTC))
        doc = {
            "orders": len(summary),
            "messages": sum(len(s["files"]) for s in summary),
            "signed_with_demo_key": demo,
            "declarations": summary,
        }
        (out / "summary.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), "utf-8")
        if as_json:
            emit_json(doc)
        else:
            emit_table(
                f"{doc['messages']} messages for {doc['orders']} orders in {out}",
                ["order", "mode", "messages"],
                [
                    [s["order_no"], f"{s['direction']} {s['trade_mode']}", " ".join(s["messages"])]
                    for s in summary
                ],
            )
            if demo:
                typer.echo(
                    "note: signed with a throw-away demo key; customs accepts only your e-port certificate"
                )
    except PonteError as exc:
        fail(exc)
        raise typer.Exit(2) from None
